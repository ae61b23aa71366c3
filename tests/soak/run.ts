/**
 * `npm run soak`: the full proof of issue 5. Ten devices submit 1,000 submissions with 200 photos through
 * the fault proxy (latency 100-3000 ms), once with the server up throughout and once with it killed by
 * SIGKILL and restarted twice; again on PostgreSQL when TEST_DATABASE_URL (or SOAK_DATABASE_URL) is set.
 * Then the property suites with PROPERTY_RUNS=2000 (bad input against the API; the transparency panel's
 * differencing attack). Exits 1 when anything failed.
 * SOAK_SEED changes the seed; SOAK_SKIP_PROPERTIES=1 leaves the property suites out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatSoakResult, runSoak, type SoakOptions } from './soak.ts';
import { ROOT } from './server-process.ts';

const seed = Number(process.env.SOAK_SEED) || 13_460;
const databaseUrl = process.env.SOAK_DATABASE_URL || process.env.TEST_DATABASE_URL;

const full: Omit<SoakOptions, 'restarts'> = {
  devices: 10,
  submissions: 1_000,
  photos: 200,
  seed,
  latencyMs: [100, 3_000],
  // The engine's base timeout (it adds a second per 4 KB of body): longer than any honest request here
  // (3 s of latency plus a batch of 100 on a busy server), so only stalls hit it.
  requestTimeoutMs: 10_000,
  // Longer than the engine allows even a full batch (about 10 + 20 s): a stall it did not abort shows.
  stallMs: 60_000,
  enqueueSpanMs: 60_000,
  timeScale: 60,
  drainDeadlineMs: 300_000,
};

const runs: { title: string; options: SoakOptions }[] = [
  { title: 'PGlite, server up throughout', options: { ...full, restarts: 0 } },
  { title: 'PGlite, server killed (SIGKILL) and restarted twice', options: { ...full, restarts: 2 } },
  ...(databaseUrl ? [{ title: 'PostgreSQL, server killed (SIGKILL) and restarted twice', options: { ...full, restarts: 2, databaseUrl } }] : []),
];

let failed = false;
const summary: string[] = [];
for (const { title, options } of runs) {
  console.log(`\n== soak: ${title}`);
  try {
    const result = await runSoak({ ...options, log: (line) => console.log(`  … ${line}`) });
    console.log(formatSoakResult(result));
    summary.push(`${result.problems.length ? 'FAIL' : 'ok  '} ${title}: ${result.stored.submissions} stored, ${result.seconds.total} s`);
    failed ||= result.problems.length > 0;
  } catch (error) {
    console.error(`  the soak could not run: ${(error as Error).stack ?? error}`);
    summary.push(`FAIL ${title}: did not run`);
    failed = true;
  }
}

// The property suites, each with PROPERTY_RUNS=2000: bad input against the API, and the transparency
// panel's differencing attack (2,000 random cities instead of 200).
const propertySuites = [
  { file: 'tests/integration/bad-input.property.test.ts', title: 'bad-input properties' },
  { file: 'tests/unit/transparency-differencing.property.test.ts', title: 'transparency differencing properties' },
];
for (const suite of process.env.SOAK_SKIP_PROPERTIES === '1' ? [] : propertySuites.filter((s) => existsSync(join(ROOT, s.file)))) {
  console.log(`\n== ${suite.title} with PROPERTY_RUNS=2000`);
  const started = performance.now();
  const vitest = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', suite.file, '--testTimeout=3600000', '--hookTimeout=600000'], {
    cwd: ROOT,
    env: { ...process.env, PROPERTY_RUNS: '2000' },
    stdio: 'inherit',
  });
  const seconds = Math.round((performance.now() - started) / 1000);
  summary.push(`${vitest.status === 0 ? 'ok  ' : 'FAIL'} ${suite.title} (PROPERTY_RUNS=2000): ${seconds} s`);
  failed ||= vitest.status !== 0;
}

console.log(`\n== summary (seed ${seed})\n${summary.join('\n')}`);
process.exitCode = failed ? 1 : 0;
