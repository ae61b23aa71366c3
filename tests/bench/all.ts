/**
 * `npm run bench`: every benchmark in one place, one markdown table (for README) with the machine it ran
 * on. The server, search and sync benchmarks run as their own processes (`npm run bench:server`,
 * `bench:search`, `bench:sync`, so each starts cold and owns its memory) and their printed lines are
 * parsed; bytes on the wire are measured here (tests/bench/wire.ts). A benchmark that fails or prints
 * something unexpected shows as such in the table instead of a number; the exit code is then 1.
 */
import { spawn } from 'node:child_process';
import { cpus, release, type as osType } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureFieldDay, measureVisits } from './wire.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  output: string;
  code: number | null;
  seconds: number;
}

function runScript(file: string, args: string[] = []): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text; process.stderr.write(text); });
    child.stderr.setEncoding('utf8').on('data', (text: string) => { output += text; process.stderr.write(text); });
    child.on('close', (code) => resolve({ output, code, seconds: Math.round((performance.now() - started) / 1000) }));
  });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const num = (text: string | undefined) => (text === undefined ? undefined : Number(text));

/** The part of `text` after `heading` up to the next line that starts a new section (no indentation). */
function section(text: string, heading: RegExp): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && line.trim() !== '' && !/^\s/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

type Row = [string, string];
let failures = 0;
const failed = (what: string, run?: Run) => {
  failures++;
  return `not measured: ${what}${run ? ` (exit ${run.code})` : ''}`;
};

function serverRows(run: Run): Row[] {
  const rows: Row[] = [];
  const charter = run.output.match(/Charter (\S+) from (\S+): (\d+) services, (\d+) forms/);
  const sizes = run.output.match(/raw (\d+) bytes, gzip (\d+) bytes, br (\d+) bytes/);
  rows.push(['Charter', charter && sizes
    ? `${charter[3]} services, ${charter[4]} forms (${charter[2]}): ${kb(Number(sizes[1]))} raw, ${kb(Number(sizes[2]))} gzip, ${kb(Number(sizes[3]))} brotli`
    : failed('bench:server printed no charter size', run)]);
  for (const [database, label] of [['pglite', 'PGlite'], ['postgres', 'PostgreSQL']] as const) {
    const part = section(run.output, new RegExp(`^${database}: charter installed`));
    if (!part) {
      rows.push([`Submissions/s on ${label}`, database === 'postgres' && /PostgreSQL skipped/.test(run.output)
        ? 'not run: set BENCH_DATABASE_URL or TEST_DATABASE_URL'
        : failed(`bench:server printed nothing for ${label}`, run)]);
      continue;
    }
    const mode = (pattern: string) => {
      const m = part.match(new RegExp(`${pattern}\\s+(\\d+) submissions/s\\s+p50 ([\\d.]+) ms\\s+p99 ([\\d.]+) ms\\s+\\((\\d+) in`));
      return m ? { perSecond: m[1]!, p50: m[2]!, p99: m[3]!, n: m[4]! } : undefined;
    };
    const single = mode('single \\(concurrency (?:\\d+)\\)');
    const batches = mode('batches of (?:\\d+) \\(per batch\\)');
    rows.push([`Submissions/s on ${label}, one per request (POST /api/submissions, 8 at a time)`, single
      ? `${single.perSecond}/s; latency median ${single.p50} ms, p99 ${single.p99} ms (${single.n} submissions)`
      : failed('unreadable single-post line', run)]);
    rows.push([`Submissions/s on ${label}, batches of 100 (POST /api/sync)`, batches
      ? `${batches.perSecond}/s; per batch median ${batches.p50} ms, p99 ${batches.p99} ms`
      : failed('unreadable batch line', run)]);
    const charterTimes = part.match(/first \(compresses once\) (\d+) ms, then ([\d.]+) ms; (\d+) bytes br/);
    if (charterTimes && database === 'pglite') rows.push(['GET /api/charter (brotli)', `first ${charterTimes[1]} ms (compresses once), then ${charterTimes[2]} ms`]);
  }
  return rows;
}

function searchRows(run: Run): Row[] {
  const header = run.output.match(/Charter: (\d+) services \(([^)]+)\); index built in (\d+) ms/);
  const all = run.output.match(/all queries: p50 ([\d.]+) ms, p95 ([\d.]+) ms; worst per-query p95 ([\d.]+) ms \(target < (\d+) ms\)/);
  if (!header || !all) return [['Search in Chromium', failed('bench:search printed no summary', run)]];
  if (run.code !== 0) failures++;
  return [[
    `Search in headless Chromium, ${Number(header[1]).toLocaleString('en')} services`,
    `median ${all[1]} ms, p95 ${all[2]} ms, worst query p95 ${all[3]} ms (target < ${all[4]} ms${run.code === 0 ? '' : ', MISSED'}); index built in ${header[3]} ms`,
  ]];
}

function syncRows(run: Run): Row[] {
  const queued = run.output.match(/submissions queued:\s+(\d+) \((\d+) with a ~(\d+) KB photo\)/);
  const latency = run.output.match(/added latency:\s+(\d+) ms/);
  const trips = run.output.match(/round trips:\s+(\d+) \(ideal: ([^)]+)\)/);
  const flush = run.output.match(/flush time:\s+([\d.]+) s/);
  const stored = run.output.match(/sent \/ pending \/ stored: (\d+) \/ (\d+) \/ (\d+)/);
  if (!queued || !trips || !flush || !stored) return [['Outbox flush', failed('bench:sync printed no summary', run)]];
  if (run.code !== 0) failures++;
  return [[
    `Outbox flush: ${queued[1]} queued (${queued[2]} with a ~${queued[3]} KB photo), ${latency?.[1] ?? '?'} ms added per request`,
    `${flush[1]} s, ${trips[1]} round trips (ideal ${trips[2]}); sent ${stored[1]}, pending ${stored[2]}, stored ${stored[3]}`,
  ]];
}

async function wireRows(): Promise<Row[]> {
  const rows: Row[] = [];
  try {
    const { firstVisit: f, repeatVisit: r } = await measureVisits();
    rows.push(['Bytes on the wire, first visit (Chromium: page, JS, CSS, charter, service worker and its precache)', `${kb(f.received)} down, ${kb(f.sent)} up`]);
    rows.push(['Bytes on the wire, repeat visit, charter unchanged', `${kb(r.received)} down, ${kb(r.sent)} up; /api/charter answered ${r.charterStatuses.join(', ') || 'nothing'}`]);
  } catch (error) {
    rows.push(['Bytes on the wire, visits', failed(String((error as Error).message).split('\n')[0]!)]);
  }
  try {
    const d = await measureFieldDay();
    const overhead = d.sent + d.received - d.photoBytes;
    rows.push([
      `Bytes on the wire, a day of field work (${d.submissions} submissions, ${d.photos} photos of ${kb(d.photoBytes / d.photos)}, ${d.drains} syncs)`,
      `${kb(d.sent + d.received)} in all: ${kb(d.photoBytes)} of photos + ${kb(overhead)} of sync requests and answers`,
    ]);
  } catch (error) {
    rows.push(['Bytes on the wire, a day of field work', failed(String((error as Error).message).split('\n')[0]!)]);
  }
  return rows;
}

function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores; Node ${process.version}; ${osType()} ${release()}`;
}

const started = performance.now();
console.error('bench: server …');
const server = await runScript('tests/bench/server.ts');
console.error('bench: search …');
const search = await runScript('tests/bench/search.ts');
console.error('bench: sync …');
const sync = await runScript('tests/bench/sync.ts');
console.error('bench: bytes on the wire …');
const wire = await wireRows();

const rows: Row[] = [
  ...serverRows(server),
  ...searchRows(search),
  ...syncRows(sync),
  ...wire,
  ['Machine', machine()],
];
const escape = (cell: string) => cell.replace(/\|/g, '\\|');
console.log(`\n| Benchmark | Result |\n| --- | --- |\n${rows.map(([what, value]) => `| ${escape(what)} | ${escape(value)} |`).join('\n')}`);
console.log(`\n_${new Date().toISOString().slice(0, 10)}, ${Math.round((performance.now() - started) / 1000)} s for all benchmarks; bytes counted at TCP level on loopback (headers included, no TLS)._`);
process.exitCode = failures ? 1 : 0;
