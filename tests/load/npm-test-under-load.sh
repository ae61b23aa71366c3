#!/usr/bin/env bash
# `npm test` N times in a row (default 3) while stress-ng keeps two CPU-bound workers busy: the test suite
# must pass on a loaded 2-core machine, as CI's machines are (issue 16, item 7). Not part of CI: run it by
# hand from the repository's root, e.g. `tests/load/npm-test-under-load.sh 3`. stress-ng is Debian's package.
set -u

runs="${1:-3}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [runs, default 3]" >&2
  exit 2
fi
if ! command -v stress-ng >/dev/null; then
  echo "stress-ng is not installed (apt-get install stress-ng)" >&2
  exit 2
fi
cd "$(dirname "$0")/../.."
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "warning: TEST_DATABASE_URL is not set, so the PostgreSQL half of the integration tests will not run (CI runs it)" >&2
fi

logs="$(mktemp -d)"
stress-ng --cpu 2 --timeout 0 --quiet &
stress_pid=$!
# stress-ng stops with this script however it ends (success, failure, Ctrl-C).
stop_stress() {
  kill "$stress_pid" 2>/dev/null
  wait "$stress_pid" 2>/dev/null
}
trap stop_stress EXIT
trap 'exit 130' INT TERM

echo "stress-ng --cpu 2 running (pid $stress_pid); $runs run(s) of npm test; logs in $logs"
failed=0
results=()
for run in $(seq 1 "$runs"); do
  started=$(date +%s)
  if npm test >"$logs/run-$run.log" 2>&1; then result=passed; else result=FAILED; failed=$((failed + 1)); fi
  seconds=$(( $(date +%s) - started ))
  line="run $run/$runs: $result in $((seconds / 60)) min $((seconds % 60)) s (log: $logs/run-$run.log)"
  results+=("$line")
  echo "$line"
  if [ "$result" = FAILED ]; then grep -E "FAIL|✗|×" "$logs/run-$run.log" | head -20; fi
done

echo "---"
printf '%s\n' "${results[@]}"
echo "$((runs - failed)) of $runs run(s) passed under load"
[ "$failed" -eq 0 ]
