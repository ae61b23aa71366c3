/**
 * `npm run bench:staff [-- --n 200000 --pglite-n 200000 --reps 10 --pages 5 --csv-reps 3 --csv-all-reps 1 --only pglite|postgres --explain --keep --schema bench_staff_…]`:
 * the back office's work queue at scale (a benchmark, not a test: it prints figures and exits 0 unless something breaks).
 *
 * Fills a fresh database (staff-seed.ts) with N submissions spread over the sample charter's services and secretariats, every
 * kind, status and district, received over the last 12 months, with due dates from each service's promised time
 * (business days, holidays) — in bulk, a chunk of rows per INSERT … SELECT FROM jsonb_to_recordset, never through
 * the API. PostgreSQL (BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL; a schema of its own, dropped
 * afterwards) gets N (default 200,000, or BENCH_STAFF_N); the embedded PGlite (on disk, in a temporary folder)
 * gets the same count by default (200,000, or BENCH_STAFF_PGLITE_N; smaller for a quick run).
 *
 * Then, on the real server over loopback (tests/support/server.ts), an atendente of the largest secretariat and a
 * gestor of the two largest sign in through the API (tests/support/staff.ts: password, cookie, CSRF) and it times
 * the queue's first page, the counts (limit=1: the page is one row, the time is the counts'), filters (a status,
 * overdue, a service, a district, a month, a protocol), 'Carregar mais' (the next pages by cursor), a request's
 * page, and the CSV export (a month, and everything the person sees). Per measure: the median and p95 of the
 * timed requests (after a warm-up), the rows, and the response's bytes (decoded, and on the wire with br).
 * Reference goals (not enforced; a city's five years, 1,000,000 submissions on PostgreSQL): lists p95 < 50 ms, a
 * request's page p95 < 10 ms, the CSV export ≥ 20,000 rows/s. With --explain it prints
 * EXPLAIN ANALYZE of the SQL each measure ran. --keep keeps the PostgreSQL schema and prints its name; --schema
 * measures such a kept schema again (PostgreSQL only, migrated on open, not seeded again): a before and an after
 * on the same rows, without minutes of seeding each.
 */
import { Agent, request as httpRequest } from 'node:http';
import { loadavg, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { bahiaDay } from '../../src/shared/dates.ts';
import type { StaffRole } from '../../src/shared/contract/staff.ts';
import { createAccount } from '../../src/server/storage/accounts.ts';
import { canSee } from '../../src/server/domain/permissions.ts';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import type { Storage } from '../../src/server/storage/types.ts';
import { countingStorage, SERVER_TIMERS } from '../support/counting-storage.ts';
import { startServer } from '../support/server.ts';
import { STAFF_PASSWORD, StaffClient } from '../support/staff.ts';
import { benchDatabases, charter, requestServices, seed, seeded, type BenchDatabase, type Generated } from './staff-seed.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: process.env.BENCH_STAFF_N ?? '200000' },
    'pglite-n': { type: 'string', default: process.env.BENCH_STAFF_PGLITE_N ?? '200000' },
    reps: { type: 'string', default: process.env.BENCH_STAFF_REPS ?? '10' },
    pages: { type: 'string', default: '5' },
    'csv-reps': { type: 'string', default: '3' },
    'csv-all-reps': { type: 'string', default: '1' },
    chunk: { type: 'string', default: '5000' },
    only: { type: 'string' },
    explain: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    schema: { type: 'string' },
  },
});
const POSTGRES_N = Number(values.n);
const PGLITE_N = Number(values['pglite-n']);
const REPS = Number(values.reps);
const PAGES = Number(values.pages);
const CSV_REPS = Number(values['csv-reps']);
const CSV_ALL_REPS = Number(values['csv-all-reps']);
const CHUNK = Number(values.chunk);
const WARM_UP = 2;
/** This run's mark on the accounts it creates: a reused schema already holds an earlier run's. */
const RUN = Date.now().toString(36);
const LIST_GOAL_MS = 50;
const PAGE_GOAL_MS = 10;
for (const [name, value] of Object.entries({ n: POSTGRES_N, 'pglite-n': PGLITE_N, reps: REPS, pages: PAGES, 'csv-reps': CSV_REPS, 'csv-all-reps': CSV_ALL_REPS, chunk: CHUNK })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
}

// ---------------------------------------------------------------- timing through the API

/** Runs `fn` and returns the SQL statements it sent. */
type Recorder = (fn: () => Promise<unknown>) => Promise<{ sql: string; params: readonly unknown[] }[]>;

function recording(storage: Storage): { storage: Storage; record: Recorder } {
  let log: { sql: string; params: readonly unknown[] }[] | null = null;
  const proxy = new Proxy(storage, {
    get(target, property) {
      if (property === 'query') {
        return (sql: string, params: readonly unknown[] = []) => {
          log?.push({ sql, params });
          return target.query(sql, params as unknown[]);
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    storage: proxy,
    async record(fn) {
      log = [];
      try { await fn(); return log; } finally { log = null; }
    },
  };
}

let address = 0;
/** Each timed request from its own address: the staff API's per-address limit (600 a minute) is not what is measured. */
const fresh = () => ({ 'x-forwarded-for': `172.${16 + ((++address >> 16) & 15)}.${(address >> 8) & 255}.${address & 255}` });

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const fmt = (ms: number) => (ms >= 1000 ? ms.toFixed(0) : ms.toFixed(1));
const failures: string[] = [];
const kb = (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);

interface Fetched {
  status: number;
  /** From sending the request to the answer's last byte. */
  ms: number;
  /** Bytes on the wire (compressed when the server compressed) and the encoding. */
  wire: number;
  encoding: string;
  /** Decoded. */
  bytes: number;
  text: string;
  body: any;
  /** SQL statements the server sent while answering (sessions included). */
  queries: number;
}

/**
 * A GET as the back office's browser sends it: the session cookie, `accept-encoding: br, gzip` (fetch would ask
 * for gzip only and hide the bytes on the wire), so the time includes the server's compression and the size is
 * what crosses the network. Node's http client, decoded here.
 */
function browserGet(client: StaffClient, path: string): Promise<Omit<Fetched, 'queries'>> {
  const url = new URL(path, client.base);
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, {
      agent,
      headers: { cookie: `${client.cookieName ?? 'gestao'}=${client.token}`, 'accept-encoding': 'br, gzip', ...fresh() },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('aborted', () => reject(new Error(`GET ${path}: the server cut the answer after ${((performance.now() - start) / 1000).toFixed(1)} s`)));
      response.on('end', () => {
        const ms = performance.now() - start;
        const raw = Buffer.concat(chunks);
        const encoding = String(response.headers['content-encoding'] ?? 'identity');
        const decoded = encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw;
        const text = decoded.toString('utf8');
        const body: unknown = String(response.headers['content-type'] ?? '').includes('application/json') && text ? JSON.parse(text) : undefined;
        resolve({ status: response.statusCode ?? 0, ms, wire: raw.length, encoding, bytes: decoded.length, text, body });
      });
    });
    outgoing.on('error', (error) => reject(new Error(`GET ${path} failed after ${((performance.now() - start) / 1000).toFixed(1)} s: ${error.message}`)));
    outgoing.end();
  });
}
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

interface Measure {
  backend: string;
  n: number;
  who: string;
  what: string;
  goal: number | null;
  median: number;
  p95: number;
  count: number;
  rows: number;
  bytes: number;
  wire: number;
  encoding: string;
  /** Queries per request: the median over the timed requests, and the most any one cost. */
  queries: number;
  maxQueries: number;
}

/** Reads the server's query counter (set per backend). */
let queryCounter: () => number = () => 0;

async function get(client: StaffClient, path: string): Promise<Fetched> {
  const before = queryCounter();
  // A kept-alive socket the server closed while idle (after a long export) resets: sent again on a fresh one.
  const sent = await browserGet(client, path).catch((error: Error) => (/ECONNRESET/.test(error.message) ? browserGet(client, path) : Promise.reject(error)));
  const answer = { ...sent, queries: 0 };
  answer.queries = queryCounter() - before;
  if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  return answer;
}

const rowsOf = (answer: Fetched) => (Array.isArray(answer.body?.items) ? answer.body.items.length : answer.body ? 1 : Math.max(0, answer.text.split('\r\n').length - 2));

/** Times `reps` requests (after a warm-up), cycling through `paths`. */
async function time(client: StaffClient, paths: readonly string[], reps: number, warmUp: number): Promise<Timed> {
  const times: number[] = [];
  const queries: number[] = [];
  let last: Fetched | undefined;
  for (let i = 0; i < warmUp + reps; i++) {
    last = await get(client, paths[i % paths.length]!);
    if (i >= warmUp) { times.push(last.ms); queries.push(last.queries); }
  }
  return { times, queries, last: last! };
}

interface Timed { times: number[]; queries: number[]; last: Fetched }

/** 'Carregar mais': from the first page, follows nextCursor PAGES times; every page after the first is timed. */
async function timeCursorPages(client: StaffClient, base: string): Promise<Timed & { paths: string[] } | null> {
  const times: number[] = [];
  const queries: number[] = [];
  const paths: string[] = [];
  let last: Fetched | undefined;
  const walks = Math.max(1, Math.ceil(REPS / PAGES));
  for (let walk = 0; walk < walks + 1; walk++) {
    let cursor: string | null = (await get(client, base)).body.nextCursor;
    for (let page = 0; page < PAGES && cursor; page++) {
      const path = `${base}${base.includes('?') ? '&' : '?'}after=${encodeURIComponent(cursor)}`;
      last = await get(client, path);
      if (walk > 0) { times.push(last.ms); queries.push(last.queries); } // the first walk warms up
      else paths.push(path);
      cursor = last.body.nextCursor;
    }
  }
  return last ? { times, queries, last, paths } : null;
}

async function explain(storage: Storage, queries: readonly { sql: string; params: readonly unknown[] }[]): Promise<void> {
  for (const { sql, params } of queries) {
    if (!/^\s*SELECT/i.test(sql) || /staff_sessions|staff_accounts WHERE|charter_versions|form_versions|answer_templates/.test(sql)) continue;
    const plan = await storage.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params as unknown[]);
    console.log(`\n    ${sql.replace(/\s+/g, ' ').slice(0, 160)}…`);
    for (const row of plan.rows) console.log(`      ${Object.values(row)[0]}`);
  }
}

/** Signs `person` in and times every measure of the queue as that person sees it. */
async function measureAs(
  person: { who: string; roles: StaffRole[]; secretariats: string[] },
  { backend, raw, record, server, rows, month }: {
    backend: BenchDatabase; raw: Storage; record: Recorder; server: { url: string }; rows: readonly Generated[]; month: (back: number) => string;
  },
): Promise<Measure[]> {
  const N = backend.n;
  const measures: Measure[] = [];
  const account = await createAccount(raw, { email: `${person.roles[0]}-${RUN}@bench.pmvc.ba.gov.br`, name: person.who, roles: person.roles, secretariats: person.secretariats, password: STAFF_PASSWORD });
  const client = new StaffClient(server.url);
  await client.signIn(account.email);
  // Requests only: what a secretariat sees of a manifestação depends on the Ouvidoria's steps.
  const visible = rows.filter((r) => r.kind === 'request' && canSee(account, { kind: r.kind, secretariatId: r.secretariat_id }));
  const sample = Array.from({ length: REPS + WARM_UP }, (_, i) => visible[Math.floor(((i + 0.5) / (REPS + WARM_UP)) * visible.length)]!);
  const first = await get(client, '/api/gestao/requests');
  const counts = first.body.counts as Record<string, number>;
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  console.log(`  ${person.who}: sees ${total.toLocaleString('en')} (${Object.entries(counts).map(([status, n]) => `${status} ${n}`).join(', ')})`);
  const service = sample[0]!.service_id;
  const district = charter.districts.find((d) => d.id === 'igua')?.id ?? charter.districts[0]!.id;
  const month3 = `from=${month(3)}&to=${month(2)}`;
  const cases: { what: string; goal: number | null; paths: string[]; reps?: number; warmUp?: number; cursor?: true }[] = [
    // Not a goal of its own: what every signed-in request costs (session, its idle clock, the hooks).
    { what: '(baseline: GET /session)', goal: null, paths: ['/api/gestao/session'] },
    { what: 'first page', goal: LIST_GOAL_MS, paths: ['/api/gestao/requests'] },
    { what: 'counts (limit=1)', goal: LIST_GOAL_MS, paths: ['/api/gestao/requests?limit=1'] },
    { what: 'filter: status=received', goal: LIST_GOAL_MS, paths: ['/api/gestao/requests?status=received'] },
    { what: 'filter: overdue', goal: LIST_GOAL_MS, paths: ['/api/gestao/requests?overdue=1'] },
    { what: 'filter: a service', goal: LIST_GOAL_MS, paths: [`/api/gestao/requests?service=${service}`] },
    { what: 'filter: a district', goal: LIST_GOAL_MS, paths: [`/api/gestao/requests?district=${district}`] },
    { what: 'filter: a month received', goal: LIST_GOAL_MS, paths: [`/api/gestao/requests?${month3}`] },
    { what: 'filter: a protocol', goal: LIST_GOAL_MS, paths: sample.map((r) => `/api/gestao/requests?protocol=${r.protocol}`) },
    { what: `Carregar mais (pages 2–${PAGES + 1})`, goal: LIST_GOAL_MS, paths: ['/api/gestao/requests'], cursor: true },
    { what: `Carregar mais, overdue`, goal: LIST_GOAL_MS, paths: ['/api/gestao/requests?overdue=1'], cursor: true },
    { what: 'a request\'s page', goal: PAGE_GOAL_MS, paths: sample.map((r) => `/api/gestao/requests/${r.id}`) },
    { what: 'CSV export, a month', goal: null, paths: [`/api/gestao/requests.csv?${month3}`], reps: CSV_REPS, warmUp: 1 },
    // Everything the person sees: long enough to be its own warm-up, and timed once unless asked (--csv-all-reps).
    { what: 'CSV export, everything', goal: null, paths: ['/api/gestao/requests.csv'], reps: CSV_ALL_REPS, warmUp: 0 },
  ];
  for (const { what, goal, paths: given, reps = REPS, warmUp = WARM_UP, cursor } of cases) {
    let timed: (Timed & { paths: readonly string[] }) | null;
    try {
      timed = cursor ? await timeCursorPages(client, given[0]!) : { ...(await time(client, given, reps, warmUp)), paths: given };
    } catch (error) {
      failures.push(`${backend.name}, ${person.who}, ${what}: ${(error as Error).message}`);
      console.log(`    ${what.padEnd(30)} FAILED: ${(error as Error).message}`);
      continue;
    }
    if (!timed) { console.log(`    ${what.padEnd(30)} (a single page: nothing to load)`); continue; }
    const sorted = [...timed.times].sort((a, b) => a - b);
    const queryCounts = [...timed.queries].sort((a, b) => a - b);
    const { last } = timed;
    const measure: Measure = {
      backend: backend.name, n: N, who: person.who, what, goal, median: percentile(sorted, 50), p95: percentile(sorted, 95), count: sorted.length,
      rows: rowsOf(last), bytes: last.bytes, wire: last.wire, encoding: last.encoding,
      queries: percentile(queryCounts, 50), maxQueries: queryCounts.at(-1)!,
    };
    measures.push(measure);
    console.log(`    ${what.padEnd(30)} median ${fmt(measure.median).padStart(7)} ms  p95 ${fmt(measure.p95).padStart(7)} ms  (${String(measure.count).padStart(2)}×)  ${String(measure.queries).padStart(4)} queries  ${String(measure.rows).padStart(6)} rows  ${kb(measure.bytes).padStart(9)} (${last.encoding} ${kb(last.wire)})${goal !== null && measure.p95 >= goal ? `  ← over the ${goal} ms goal` : ''}`);
    if (values.explain) await explain(raw, await record(() => get(client, timed.paths.at(-1)!)));
  }
  return measures;
}

async function runOn(backend: BenchDatabase): Promise<Measure[]> {
  const N = backend.n;
  const { storage: raw, dispose } = await backend.open();
  const { storage: recorded, record } = recording(raw);
  // The server's own timers (the health probe each second) are not the measured request's queries.
  const { storage, queries } = countingStorage(recorded, { ignore: SERVER_TIMERS });
  queryCounter = queries;
  const measures: Measure[] = [];
  try {
    await installCharter(raw, charter);
    // Who works the queue: an atendente of the secretariat with the most services, a gestor of the two largest.
    const perSecretariat = new Map<string, number>();
    for (const service of requestServices) perSecretariat.set(service.secretariatId, (perSecretariat.get(service.secretariatId) ?? 0) + 1);
    const [largest, second] = [...perSecretariat.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const rows = backend.reused ? await seeded(raw, values.schema!) : await seed(raw, backend, largest!, CHUNK);

    const server = await startServer({ storage, charter: false, trustProxy: 1 });
    try {
      const people: { who: string; roles: StaffRole[]; secretariats: string[] }[] = [
        { who: `atendente (${largest})`, roles: ['atendente'], secretariats: [largest!] },
        { who: `gestor (${largest}, ${second})`, roles: ['gestor'], secretariats: [largest!, second!] },
      ];
      const now = Date.now();
      const month = (back: number) => bahiaDay(now - back * 30 * 86_400_000);
      for (const person of people) measures.push(...(await measureAs(person, { backend, raw, record, server, rows, month })));
    } finally {
      await server.close();
    }
  } finally {
    await dispose();
  }
  return measures;
}

if (values.schema && values.only === 'pglite') throw new Error('--schema names a kept PostgreSQL schema: not with --only pglite');
const backends = benchDatabases({ only: values.only, keep: values.keep || values.schema !== undefined, pgliteN: PGLITE_N, postgresN: POSTGRES_N, ...(values.schema ? { reuse: values.schema } : {}) });
if (values.schema && !backends.length) throw new Error('--schema needs BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL');

const began = performance.now();
console.log(`bench:staff — PGlite ${PGLITE_N.toLocaleString('en')}, PostgreSQL ${POSTGRES_N.toLocaleString('en')} submissions; ${REPS} timed requests per measure after ${WARM_UP} warm-up (CSV of a month: ${CSV_REPS} after 1; of everything: ${CSV_ALL_REPS}); ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const all: Measure[] = [];
for (const backend of backends) all.push(...(await runOn(backend)));

console.log(`\n${((performance.now() - began) / 1000).toFixed(0)} s in all; load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
console.log('| database | submissions | who | what | median (ms) | p95 (ms) | queries | rows | bytes | on the wire |');
console.log('|---|---:|---|---|---:|---:|---:|---:|---:|---:|');
for (const m of all) {
  console.log(`| ${m.backend} | ${m.n.toLocaleString('en')} | ${m.who} | ${m.what} | ${fmt(m.median)} | ${fmt(m.p95)}${m.goal !== null && m.p95 >= m.goal ? ` (goal ${m.goal})` : ''} | ${m.queries}${m.maxQueries !== m.queries ? ` (max ${m.maxQueries})` : ''} | ${m.rows} | ${kb(m.bytes)} | ${kb(m.wire)} ${m.encoding} |`);
}
agent.destroy();
if (failures.length) {
  console.log(`\n${failures.length} measure(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exitCode = 1;
}
