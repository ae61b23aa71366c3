/**
 * `npm run bench:staff [-- --n 200000 --pglite-n 200000 --reps 10 --pages 5 --csv-reps 3 --csv-all-reps 1 --only pglite|postgres --explain --keep]`:
 * the back office's work queue at scale (a benchmark, not a test: it prints figures and exits 0 unless something breaks).
 *
 * Fills a fresh database with N submissions spread over the sample charter's services and secretariats, every
 * kind, status and district, received over the last 12 months, with due dates from each service's promised time
 * (business days, holidays) — in bulk, a chunk of rows per INSERT … SELECT FROM jsonb_to_recordset, never through
 * the API. PostgreSQL (BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL; a schema of its own, dropped
 * afterwards) gets N (default 200,000, or BENCH_STAFF_N); the embedded PGlite (on disk, in a temporary folder)
 * gets the same count by default (200,000, or BENCH_STAFF_PGLITE_N; smaller for a quick run).
 *
 * Then, on the real server over loopback (tests/helpers/server.ts), an atendente of the largest secretariat and a
 * gestor of the two largest sign in through the API (tests/helpers/staff.ts: password, cookie, CSRF) and it times
 * the queue's first page, the counts (limit=1: the page is one row, the time is the counts'), filters (a status,
 * overdue, a service, a district, a month, a protocol), 'Carregar mais' (the next pages by cursor), a request's
 * page, and the CSV export (a month, and everything the person sees). Per measure: the median and p95 of the
 * timed requests (after a warm-up), the rows, and the response's bytes (decoded, and on the wire with br).
 * Reference goals (not enforced): lists p95 < 100 ms, a request's page p95 < 50 ms. With --explain it prints
 * EXPLAIN ANALYZE of the SQL each measure ran.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import pg from 'pg';
import { bahiaDay } from '../../src/shared/dates.ts';
import { dueDate } from '../../src/shared/deadlines.ts';
import type { Charter, Service } from '../../src/shared/contract/charter.ts';
import type { SubmissionKind } from '../../src/shared/contract/forms.ts';
import type { SubmissionStatus } from '../../src/shared/contract/status.ts';
import { seededRandom } from '../../src/shared/seeded-random.ts';
import type { StaffRole } from '../../src/shared/contract/staff.ts';
import { readCharterFile } from '../../src/server/charter-file.ts';
import { holidayCalendarFor } from '../../src/server/holidays.ts';
import { createAccount } from '../../src/server/staff/accounts.ts';
import { canSee } from '../../src/server/staff/permissions.ts';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import type { Storage } from '../../src/server/storage/types.ts';
import { countingStorage, SERVER_TIMERS } from '../helpers/counting-storage.ts';
import { startServer } from '../helpers/server.ts';
import { STAFF_PASSWORD, StaffClient } from '../helpers/staff.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
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
const LIST_GOAL_MS = 100;
const PAGE_GOAL_MS = 50;
for (const [name, value] of Object.entries({ n: POSTGRES_N, 'pglite-n': PGLITE_N, reps: REPS, pages: PAGES, 'csv-reps': CSV_REPS, 'csv-all-reps': CSV_ALL_REPS, chunk: CHUNK })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
}

const read = readCharterFile(`${ROOT}data/sample-charter.json`);
if (!read.ok) throw new Error(`data/sample-charter.json is invalid: ${JSON.stringify(read.fields)}`);
const charter: Charter = read.charter;
const calendar = holidayCalendarFor(charter);

// ---------------------------------------------------------------- the year of submissions

const formsByKind = (kind: SubmissionKind) => charter.forms.filter((f) => f.kind === kind);
const requestServices = charter.services.filter((s) => s.formId && charter.forms.find((f) => f.id === s.formId)?.kind === 'request');
const manifestationForms = formsByKind('manifestation');
const evaluationForm = formsByKind('evaluation')[0]!;
if (!requestServices.length || !manifestationForms.length || !evaluationForm) throw new Error('The sample charter needs request, manifestation and evaluation forms.');
/** The service a manifestação is filed under (the ouvidoria's own), or any service it is about. */
const manifestationServices = charter.services.filter((s) => manifestationForms.some((f) => f.id === s.formId));

interface Generated {
  id: string;
  body_hash: string;
  kind: SubmissionKind;
  service_id: string;
  form_id: string;
  form_version: number;
  answers: Record<string, unknown>;
  attachments: [];
  created_at: string;
  received_at: string;
  protocol: string;
  status: SubmissionStatus;
  secretariat_id: string;
  due_at: string | null;
  closed_at: string | null;
  district: string | null;
  village: string | null;
  assigned_to: string | null;
}

const OPEN_STATUSES: [SubmissionStatus, number][] = [['received', 0.35], ['in_review', 0.2], ['in_progress', 0.3], ['waiting_citizen', 0.1], ['answered', 0.05]];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
function weighted<T>(random: () => number, items: readonly [T, number][]): T {
  let r = random() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items.at(-1)![0];
}

/** Due dates per service and Bahia day of receipt: the real rule (business days, holidays), computed once per pair. */
const dueCache = new Map<string, number>();
function dueOf(service: Service, receivedMs: number): number {
  const compute = () => new Date(dueDate({ receivedAt: new Date(receivedMs), deadline: service.deadline, calendar }).dueAt).getTime();
  if (service.deadline.unit === 'minutes' || service.deadline.unit === 'hours') return compute();
  const key = `${service.id}|${bahiaDay(receivedMs)}`;
  let due = dueCache.get(key);
  if (due === undefined) dueCache.set(key, (due = compute()));
  return due;
}

function generate(n: number, assignees: readonly string[], now = Date.now()): Generated[] {
  const random = seededRandom(20_260_101);
  const yearMs = 365 * 24 * 3600_000;
  // Receipt instants first, in order, so protocols number each year's submissions as they arrived.
  const received = Array.from({ length: n }, () => now - random() * yearMs).sort((a, b) => a - b);
  const counters = new Map<string, number>();
  return received.map((receivedMs) => {
    const kind = weighted<SubmissionKind>(random, [['request', 0.85], ['manifestation', 0.1], ['evaluation', 0.05]]);
    const service = kind === 'request' ? pick(random, requestServices)
      : kind === 'manifestation' ? (random() < 0.5 ? pick(random, manifestationServices) : pick(random, charter.services))
      : pick(random, charter.services);
    const form = kind === 'request' ? charter.forms.find((f) => f.id === service.formId)!
      : kind === 'manifestation' ? pick(random, manifestationForms) : evaluationForm;
    const district = kind === 'evaluation' || random() < 0.1 ? null : pick(random, charter.districts);
    const village = district && district.villages.length && random() < 0.7 ? pick(random, district.villages) : null;
    const due = kind === 'evaluation' ? null : dueOf(service, receivedMs);
    // The older a submission, the likelier it is closed; evaluations are never work.
    const ageDays = (now - receivedMs) / 86_400_000;
    const closed = kind === 'evaluation' || random() < Math.min(0.95, (ageDays / 60) * 0.9);
    let status: SubmissionStatus;
    let closedAt: number | null = null;
    if (kind === 'evaluation') status = 'received';
    else if (closed) {
      status = random() < 0.9 ? 'done' : 'declined';
      closedAt = Math.min(now, receivedMs + random() * 1.5 * Math.max(3_600_000, (due ?? receivedMs) - receivedMs));
    } else status = weighted(random, OPEN_STATUSES);
    const year = bahiaDay(receivedMs).slice(0, 4);
    const number = (counters.get(year) ?? 0) + 1;
    counters.set(year, number);
    const receivedAt = new Date(receivedMs).toISOString();
    return {
      id: crypto.randomUUID(),
      body_hash: randomBytes(16).toString('hex'),
      kind,
      service_id: service.id,
      form_id: form.id,
      form_version: form.version,
      answers: { descricao: `Pedido sintético de ${service.name}`, ...(district ? { local: { district: district.id, ...(village ? { village } : {}) } } : {}) },
      attachments: [],
      created_at: receivedAt,
      received_at: receivedAt,
      protocol: `${year}-${String(number).padStart(6, '0')}`,
      status,
      secretariat_id: service.secretariatId,
      due_at: due === null ? null : new Date(due).toISOString(),
      closed_at: closedAt === null ? null : new Date(closedAt).toISOString(),
      district: district?.id ?? null,
      village,
      assigned_to: !closed && random() < 0.3 ? pick(random, assignees) : null,
    };
  });
}

async function fill(storage: Storage, rows: readonly Generated[]): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    await storage.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO submissions (id, body_hash, kind, service_id, form_id, form_version, answers, attachments, created_at, received_at, protocol, status,
                                  secretariat_id, due_at, closed_at, district, village, assigned_to)
         SELECT r.id, r.body_hash, r.kind, r.service_id, r.form_id, r.form_version, r.answers, r.attachments, r.created_at, r.received_at, r.protocol, r.status,
                r.secretariat_id, r.due_at, r.closed_at, r.district, r.village, r.assigned_to
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, body_hash text, kind text, service_id text, form_id text, form_version integer, answers jsonb,
                                                 attachments jsonb, created_at timestamptz, received_at timestamptz, protocol text, status text,
                                                 secretariat_id text, due_at timestamptz, closed_at timestamptz, district text, village text, assigned_to uuid)`,
        [JSON.stringify(chunk)],
      );
      // Each one's story: received, and its current status when it moved on.
      await tx.query(
        `INSERT INTO status_history (submission_id, status, at)
         SELECT r.id, 'received', r.received_at FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, received_at timestamptz)
         UNION ALL
         SELECT r.id, r.status, coalesce(r.closed_at, r.received_at + interval '1 hour')
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, status text, received_at timestamptz, closed_at timestamptz) WHERE r.status <> 'received'`,
        [JSON.stringify(chunk.map(({ id, status, received_at, closed_at }) => ({ id, status, received_at, closed_at })))],
      );
    });
  }
  await storage.query(
    `INSERT INTO protocol_counters (year, last) SELECT split_part(protocol, '-', 1)::int, max(split_part(protocol, '-', 2)::int) FROM submissions GROUP BY 1
     ON CONFLICT (year) DO UPDATE SET last = EXCLUDED.last`,
  );
  await storage.query('ANALYZE');
}

// ---------------------------------------------------------------- timing through the API

/** Storage whose queries can be recorded (to EXPLAIN what an endpoint ran). */
function recording(storage: Storage): { storage: Storage; record(fn: () => Promise<unknown>): Promise<{ sql: string; params: readonly unknown[] }[]> } {
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
  const answer = { ...(await browserGet(client, path)), queries: 0 };
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

interface Backend {
  name: 'pglite' | 'postgres';
  n: number;
  open(): Promise<{ storage: Storage; dispose(): Promise<void> }>;
}

async function runOn(backend: Backend): Promise<Measure[]> {
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
    const colleagues = await Promise.all(Array.from({ length: 8 }, (_, i) => createAccount(raw, { email: `colega${i}@bench.pmvc.ba.gov.br`, name: `Colega ${i}`, roles: ['atendente'], secretariats: [largest!] })));

    let started = performance.now();
    const rows = generate(N, colleagues.map((c) => c.id));
    const generatedMs = performance.now() - started;
    started = performance.now();
    await fill(raw, rows);
    const fillMs = performance.now() - started;
    console.log(`\n${backend.name}: ${N.toLocaleString('en')} submissions generated in ${(generatedMs / 1000).toFixed(1)} s, inserted (with their history, then ANALYZE) in ${(fillMs / 1000).toFixed(1)} s (${Math.round(N / (fillMs / 1000)).toLocaleString('en')}/s)`);

    const server = await startServer({ storage, charter: false, trustProxy: 1 });
    try {
      const people: { who: string; roles: StaffRole[]; secretariats: string[] }[] = [
        { who: `atendente (${largest})`, roles: ['atendente'], secretariats: [largest!] },
        { who: `gestor (${largest}, ${second})`, roles: ['gestor'], secretariats: [largest!, second!] },
      ];
      const now = Date.now();
      const month = (back: number) => bahiaDay(now - back * 30 * 86_400_000);
      for (const person of people) {
        const account = await createAccount(raw, { email: `${person.roles[0]}@bench.pmvc.ba.gov.br`, name: person.who, roles: person.roles, secretariats: person.secretariats, password: STAFF_PASSWORD });
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
      }
    } finally {
      await server.close();
    }
  } finally {
    await dispose();
  }
  return measures;
}

const backends: Backend[] = [];
if (!values.only || values.only === 'pglite') {
  backends.push({
    name: 'pglite',
    n: PGLITE_N,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'bench-staff-'));
      const storage = await openStorage({ dataDir: dir });
      return { storage, dispose: async () => { await storage.close(); if (!values.keep) rmSync(dir, { recursive: true, force: true }); else console.log(`kept ${dir}`); } };
    },
  });
}
const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (databaseUrl && (!values.only || values.only === 'postgres')) {
  backends.push({
    name: 'postgres',
    n: POSTGRES_N,
    async open() {
      const schema = `bench_staff_${randomBytes(4).toString('hex')}`;
      const storage = await openStorage({ databaseUrl, schema });
      return {
        storage,
        dispose: async () => {
          await storage.close();
          if (values.keep) { console.log(`kept schema ${schema}`); return; }
          const client = new pg.Client({ connectionString: databaseUrl });
          await client.connect();
          try { await client.query(`DROP SCHEMA ${schema} CASCADE`); } finally { await client.end(); }
        },
      };
    },
  });
} else if (!databaseUrl) {
  console.log('PostgreSQL skipped: set BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL.');
}

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
