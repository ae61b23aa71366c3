/**
 * The seeding half of `npm run bench:staff`: a year of synthetic submissions over the sample charter's services
 * and secretariats (every kind, status and district, due dates from each service's promised time with business
 * days and holidays), generated from a fixed seed and inserted in bulk, never through the API.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { bahiaDay } from '../../src/shared/dates.ts';
import { dueDate } from '../../src/shared/deadlines.ts';
import type { Charter, Service } from '../../src/shared/contract/charter.ts';
import type { SubmissionKind } from '../../src/shared/contract/forms.ts';
import type { SubmissionStatus } from '../../src/shared/contract/status.ts';
import { seededRandom } from '../../src/shared/seeded-random.ts';
import { readCharterFile } from '../../src/server/domain/charter-file.ts';
import { holidayCalendarFor } from '../../src/server/domain/deadlines.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import { createAccount } from '../../src/server/storage/accounts.ts';
import { performance } from 'node:perf_hooks';
import type { Storage } from '../../src/server/storage/types.ts';

const read = readCharterFile(fileURLToPath(new URL('../../data/sample-charter.json', import.meta.url)));
if (!read.ok) throw new Error(`data/sample-charter.json is invalid: ${JSON.stringify(read.fields)}`);
export const charter: Charter = read.charter;
const calendar = holidayCalendarFor(charter);

// ---------------------------------------------------------------- the year of submissions

const formsByKind = (kind: SubmissionKind) => charter.forms.filter((f) => f.kind === kind);
export const requestServices = charter.services.filter((s) => s.formId && charter.forms.find((f) => f.id === s.formId)?.kind === 'request');
const manifestationForms = formsByKind('manifestation');
const evaluationForm = formsByKind('evaluation')[0]!;
if (!requestServices.length || !manifestationForms.length || !evaluationForm) throw new Error('The sample charter needs request, manifestation and evaluation forms.');
/** The service a manifestação is filed under (the ouvidoria's own), or any service it is about. */
const manifestationServices = charter.services.filter((s) => manifestationForms.some((f) => f.id === s.formId));

export interface Generated {
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

export function generate(n: number, assignees: readonly string[], now = Date.now()): Generated[] {
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

/** Inserts the rows and their status history in bulk, `chunkSize` rows per INSERT … SELECT FROM jsonb_to_recordset, then ANALYZE. */
export async function fill(storage: Storage, rows: readonly Generated[], chunkSize: number): Promise<void> {
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
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

/** Fills the fresh database with N submissions (staff-seed.ts), assigned to 8 colleagues of the largest secretariat. */
export async function seed(raw: Storage, backend: BenchDatabase, largest: string, chunk: number): Promise<Generated[]> {
  const N = backend.n;
  const colleagues = await Promise.all(Array.from({ length: 8 }, (_, i) => createAccount(raw, { email: `colega${i}@bench.pmvc.ba.gov.br`, name: `Colega ${i}`, roles: ['atendente'], secretariats: [largest] })));
  let started = performance.now();
  const rows = generate(N, colleagues.map((c) => c.id));
  const generatedMs = performance.now() - started;
  started = performance.now();
  await fill(raw, rows, chunk);
  const fillMs = performance.now() - started;
  console.log(`\n${backend.name}: ${N.toLocaleString('en')} submissions generated in ${(generatedMs / 1000).toFixed(1)} s, inserted (with their history, then ANALYZE) in ${(fillMs / 1000).toFixed(1)} s (${Math.round(N / (fillMs / 1000)).toLocaleString('en')}/s)`);
  return rows;
}

/** A kept schema's rows, as far as the measures sample them (requests, in the order received, as generate() gives them). */
export async function seeded(raw: Storage, schema: string): Promise<Generated[]> {
  const result = await raw.query<Generated & Record<string, unknown>>('SELECT id, kind, secretariat_id, service_id, protocol FROM submissions ORDER BY received_at, id');
  console.log(`\nreused schema ${schema}: ${result.rows.length.toLocaleString('en')} submissions, measured as they are (ANALYZE first)`);
  await raw.query('ANALYZE');
  return result.rows;
}

// ---------------------------------------------------------------- the databases

/** Where the benchmark runs: a PGlite on disk in a temporary folder, or a PostgreSQL schema of its own (dropped afterwards unless kept). */
export interface BenchDatabase {
  name: 'pglite' | 'postgres';
  n: number;
  /** A schema kept by an earlier run (--schema): already seeded, so it is measured as it is. */
  reused: boolean;
  open(): Promise<{ storage: Storage; dispose(): Promise<void> }>;
}

/**
 * The databases asked for (`only`), PostgreSQL when BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL names one;
 * `reuse` names a PostgreSQL schema an earlier run kept (--keep), measured again without seeding (minutes at 1,000,000).
 */
export function benchDatabases({ only, keep, pgliteN, postgresN, reuse }: { only?: string; keep: boolean; pgliteN: number; postgresN: number; reuse?: string }): BenchDatabase[] {
  const backends: BenchDatabase[] = [];
  if (!reuse && (!only || only === 'pglite')) {
    backends.push({
      name: 'pglite',
      n: pgliteN,
      reused: false,
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'bench-staff-'));
        const storage = await openStorage({ dataDir: dir });
        return { storage, dispose: async () => { await storage.close(); if (!keep) rmSync(dir, { recursive: true, force: true }); else console.log(`kept ${dir}`); } };
      },
    });
  }
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (databaseUrl && (!only || only === 'postgres')) {
    backends.push({
      name: 'postgres',
      n: postgresN,
      reused: reuse !== undefined,
      async open() {
        const schema = reuse ?? `bench_staff_${randomBytes(4).toString('hex')}`;
        const storage = await openStorage({ databaseUrl, schema });
        return {
          storage,
          dispose: async () => {
            await storage.close();
            if (keep) { console.log(`kept schema ${schema}`); return; }
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
  return backends;
}
