/**
 * `npm run bench:transparency`: how long the transparency panel takes to compute (computeSnapshot, the
 * median of 3 runs) over many submissions, and how many bytes the panel's files weigh (not a test: it
 * asserts nothing). On PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, in a schema of its own that is
 * dropped at the end) with 100,000 and then 1,000,000 submissions, and on the embedded PGlite (on disk)
 * with 100,000. Sizes: BENCH_PG_SIZES="100000,1000000", BENCH_PGLITE_SIZES="100000" (empty skips).
 *
 * Seeded in SQL (INSERT … SELECT generate_series) over the sample charter: its request services spread
 * unevenly, 18 months back, most closed (some late, some declined, some paused waiting for the citizen),
 * the rest open in every status; status_history rows for each step; evaluations of every service with
 * grades and criteria; manifestações of every type, complaints forwarded to a secretariat; integrity
 * reports. Goal (issue 12): 1,000,000 submissions on PostgreSQL in under 2 s. On a shared machine the wall
 * time grows with everyone else's load: the CPU time the database spent (read from /proc) is printed too.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus as cpuList, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { servicesOf, summaryOf } from '../../src/shared/contract/transparency.ts';
import { readCharterFile } from '../../src/server/domain/charter-file.ts';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import type { Queryable, Storage } from '../../src/server/storage/types.ts';
import { computeSnapshot } from '../../src/server/domain/transparency/snapshot.ts';
import { openDataRows, toCsv } from '../../src/server/domain/transparency/open-data.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = readCharterFile(`${ROOT}data/sample-charter.json`);
if (!read.ok) throw new Error(`data/sample-charter.json is invalid: ${JSON.stringify(read.fields)}`);
const charter: Charter = read.charter;

const sizes = (text: string | undefined, fallback: string) => (text ?? fallback).split(',').map((s) => s.trim()).filter(Boolean).map(Number);
const PG_SIZES = sizes(process.env.BENCH_PG_SIZES, '100000,1000000');
const PGLITE_SIZES = sizes(process.env.BENCH_PGLITE_SIZES, '100000');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const NOW = new Date();
const RUNS = 3;
/** Rows per INSERT statement (keeps each transaction and PGlite's memory modest). */
const CHUNK = 100_000;

const forms = new Map(charter.forms.map((f) => [f.id, f]));
const requestServices = charter.services.filter((s) => s.formId && forms.get(s.formId)?.kind === 'request');
const ouvidoria = charter.forms.find((f) => f.kind === 'manifestation' && f.fields.some((field) => field.id === 'tipo' && field.options?.some((o) => o.value === 'reclamacao')))!;
const evaluationForm = charter.forms.find((f) => f.kind === 'evaluation')!;
const ouvidoriaService = charter.services.find((s) => s.formId === ouvidoria.id)!;
const criteria = evaluationForm.fields.find((f) => f.id === 'pontosPositivos')!.options!.map((o) => o.value);
const tipos = ouvidoria.fields.find((f) => f.id === 'tipo')!.options!.map((o) => o.value);

/** Promised days, roughly in calendar days (business days × 1.4), for due dates. */
const promisedDays = (s: (typeof requestServices)[number]) => {
  const { max, unit } = s.deadline;
  return unit === 'business_days' ? max * 1.4 : unit === 'calendar_days' ? max : unit === 'months' ? max * 30 : unit === 'hours' ? max / 24 : max / 1440;
};

async function createHelpers(db: Storage): Promise<void> {
  await db.query('CREATE TABLE IF NOT EXISTS bench_services (i integer PRIMARY KEY, service_id text, secretariat_id text, form_id text, form_version integer, days double precision, weight double precision)');
  await db.query('CREATE TABLE IF NOT EXISTS bench_all_services (i integer PRIMARY KEY, service_id text, secretariat_id text)');
  await db.query('DELETE FROM bench_services');
  await db.query('DELETE FROM bench_all_services');
  // Uneven demand: the first services of the list get far more requests than the last.
  const rows = requestServices.map((s, i) => ({ i, service_id: s.id, secretariat_id: s.secretariatId, form_id: s.formId, form_version: forms.get(s.formId!)!.version, days: promisedDays(s), weight: 1 / (i + 1) }));
  await db.query(
    `INSERT INTO bench_services SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(i integer, service_id text, secretariat_id text, form_id text, form_version integer, days double precision, weight double precision)`,
    [JSON.stringify(rows)],
  );
  await db.query(
    `INSERT INTO bench_all_services SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(i integer, service_id text, secretariat_id text)`,
    [JSON.stringify(charter.services.map((s, i) => ({ i, service_id: s.id, secretariat_id: s.secretariatId })))],
  );
}

/** Submissions number `from`..`to` (1-based), spread over 18 months before NOW. */
async function seed(db: Storage, from: number, to: number): Promise<void> {
  const requestCount = requestServices.length;
  const allCount = charter.services.length;
  const secretariats = charter.secretariats.map((s) => s.id);
  for (let start = from; start <= to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK - 1);
    await db.transaction(async (tx) => {
      // 80 % requests, 12 % evaluations, 8 % manifestações.
      await tx.query(
        `WITH x AS (
           SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6
           FROM generate_series($1::int, $2::int) g
         ), picked AS (
           SELECT x.*, $3::timestamptz - (x.r2 * 548 * interval '1 day') AS received_at,
             -- Skewed pick of a request service: r1² favours the first ones.
             least(${requestCount - 1}, floor(x.r1 * x.r1 * ${requestCount}))::int AS si,
             floor(x.r5 * ${allCount})::int AS ai
           FROM x
         ), requests AS (
           SELECT p.*, b.service_id, b.secretariat_id, b.form_id, b.form_version, b.days,
             -- 10 % waited for the citizen for 0–5 days.
             CASE WHEN p.r6 < 0.1 THEN floor(p.r6 * 10 * 5 * 86400)::int ELSE 0 END AS paused,
             p.received_at + (b.days * interval '1 day') AS due_at,
             -- Time taken: mostly within the promise, a tail beyond it.
             p.received_at + (b.days * 1.6 * p.r4 * p.r4 * interval '1 day') + interval '1 hour' AS done_at
           FROM picked p JOIN bench_services b ON b.i = p.si
           WHERE p.g % 25 < 20
         ), ins AS (
         INSERT INTO submissions (id, body_hash, kind, service_id, form_id, form_version, answers, attachments, created_at, received_at,
                                  protocol, status, secretariat_id, due_at, closed_at, paused_seconds, waiting_since, district)
         SELECT md5('bench' || g)::uuid, md5('body' || g), 'request', service_id, form_id, form_version,
           jsonb_build_object('descricao', 'Pedido de exemplo do benchmark com um texto de tamanho parecido com o real, número ' || g,
                              'nome', 'Pessoa de Teste ' || g, 'cpf', '529.982.247-25', 'telefone', '(77) 98888-7777',
                              'local', jsonb_build_object('district', 'sede', 'village', 'Centro'), 'consentimento', true),
           '[]'::jsonb, received_at, received_at, 'B-' || g,
           CASE WHEN done_at + paused * interval '1 second' < $3 AND r3 < 0.93 THEN (CASE WHEN r3 < 0.06 THEN 'declined' ELSE 'done' END)
                WHEN r3 < 0.25 THEN 'received' WHEN r3 < 0.5 THEN 'in_review' WHEN r3 < 0.8 THEN 'in_progress' ELSE 'waiting_citizen' END,
           secretariat_id, due_at + paused * interval '1 second',
           CASE WHEN done_at + paused * interval '1 second' < $3 AND r3 < 0.93 THEN done_at + paused * interval '1 second' END,
           paused,
           CASE WHEN NOT (done_at + paused * interval '1 second' < $3 AND r3 < 0.93) AND r3 >= 0.8 THEN least($3, received_at + interval '1 day') END,
           'sede'
         FROM requests
           RETURNING id, status, received_at, closed_at, paused_seconds
         )
         INSERT INTO status_history (submission_id, status, at)
         SELECT ins.id, h.status, h.at FROM ins
         CROSS JOIN LATERAL (VALUES
           ('received', ins.received_at, true),
           ('waiting_citizen', ins.received_at + interval '1 day', ins.paused_seconds > 0 OR ins.status = 'waiting_citizen'),
           ('in_progress', ins.received_at + interval '1 day' + ins.paused_seconds * interval '1 second', ins.paused_seconds > 0),
           (ins.status, coalesce(ins.closed_at, ins.received_at + interval '1 day'), ins.status IN ('done', 'declined', 'in_review', 'in_progress'))
         ) AS h(status, at, present)
         WHERE h.present`,
        [start, end, NOW],
      );
      await tx.query(
        `WITH x AS (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4 FROM generate_series($1::int, $2::int) g WHERE g % 25 BETWEEN 20 AND 22),
         ins AS (
         INSERT INTO submissions (id, body_hash, kind, service_id, form_id, form_version, answers, attachments, created_at, received_at, protocol, status, secretariat_id)
         SELECT md5('bench' || g)::uuid, md5('body' || g), 'evaluation', a.service_id, $4, $5,
           jsonb_build_object('nota', greatest(1, 5 - floor(x.r2 * x.r2 * 5)::int)::text,
             'pontosPositivos', to_jsonb(ARRAY(SELECT c FROM unnest($6::text[]) WITH ORDINALITY AS u(c, k) WHERE (g >> (k::int)) % 3 = 0)),
             'pontosNegativos', to_jsonb(ARRAY(SELECT c FROM unnest($6::text[]) WITH ORDINALITY AS u(c, k) WHERE (g >> (k::int + 3)) % 5 = 0)),
             'comentario', 'Comentário livre da avaliação ' || g, 'nome', 'Avaliador ' || g),
           '[]'::jsonb, $3::timestamptz - (x.r3 * 548 * interval '1 day'), $3::timestamptz - (x.r3 * 548 * interval '1 day'), 'B-' || g, 'received', a.secretariat_id
         FROM x JOIN bench_all_services a ON a.i = floor(x.r1 * ${allCount})::int
           RETURNING id, status, received_at, closed_at, paused_seconds
         )
         INSERT INTO status_history (submission_id, status, at)
         SELECT ins.id, h.status, h.at FROM ins
         CROSS JOIN LATERAL (VALUES
           ('received', ins.received_at, true),
           ('waiting_citizen', ins.received_at + interval '1 day', ins.paused_seconds > 0 OR ins.status = 'waiting_citizen'),
           ('in_progress', ins.received_at + interval '1 day' + ins.paused_seconds * interval '1 second', ins.paused_seconds > 0),
           (ins.status, coalesce(ins.closed_at, ins.received_at + interval '1 day'), ins.status IN ('done', 'declined', 'in_review', 'in_progress'))
         ) AS h(status, at, present)
         WHERE h.present`,
        [start, end, NOW, evaluationForm.id, evaluationForm.version, criteria],
      );
      await tx.query(
        `WITH x AS (SELECT g, random() AS r1, random() AS r2, random() AS r3 FROM generate_series($1::int, $2::int) g WHERE g % 25 >= 23),
         ins AS (
         INSERT INTO submissions (id, body_hash, kind, service_id, form_id, form_version, answers, attachments, created_at, received_at, protocol, status, secretariat_id,
                                  due_at, closed_at, forwarded_to)
         SELECT md5('bench' || g)::uuid, md5('body' || g), 'manifestation', $4, $5, $6,
           jsonb_build_object('tipo', ($7::text[])[1 + floor(x.r1 * x.r1 * ${tipos.length})::int], 'relato', 'Relato livre da manifestação ' || g, 'nome', 'Manifestante ' || g, 'consentimento', true),
           '[]'::jsonb, $3::timestamptz - (x.r3 * 548 * interval '1 day'), $3::timestamptz - (x.r3 * 548 * interval '1 day'), 'B-' || g,
           CASE WHEN x.r3 > 0.05 THEN 'done' ELSE 'in_review' END, $8,
           $3::timestamptz - (x.r3 * 548 * interval '1 day') + interval '30 days',
           CASE WHEN x.r3 > 0.05 THEN least($3::timestamptz, $3::timestamptz - (x.r3 * 548 * interval '1 day') + (x.r2 * 30 * interval '1 day')) END,
           CASE WHEN x.r2 < 0.9 THEN ($9::text[])[1 + floor(x.r2 / 0.9 * x.r2 / 0.9 * ${secretariats.length})::int] END
         FROM x
           RETURNING id, status, received_at, closed_at, paused_seconds
         )
         INSERT INTO status_history (submission_id, status, at)
         SELECT ins.id, h.status, h.at FROM ins
         CROSS JOIN LATERAL (VALUES
           ('received', ins.received_at, true),
           ('waiting_citizen', ins.received_at + interval '1 day', ins.paused_seconds > 0 OR ins.status = 'waiting_citizen'),
           ('in_progress', ins.received_at + interval '1 day' + ins.paused_seconds * interval '1 second', ins.paused_seconds > 0),
           (ins.status, coalesce(ins.closed_at, ins.received_at + interval '1 day'), ins.status IN ('done', 'declined', 'in_review', 'in_progress'))
         ) AS h(status, at, present)
         WHERE h.present`,
        [start, end, NOW, ouvidoriaService.id, ouvidoria.id, ouvidoria.version, tipos, ouvidoriaService.secretariatId, secretariats],
      );
    });
    process.stdout.write(`    seeded ${end.toLocaleString('en-US')}\r`);
  }
  // About 1 integrity report per 500 submissions, by day.
  await db.query(
    `INSERT INTO integrity_reports (id, client_hash, receipt_hash, identification, key_id, contents, received_day, status)
     SELECT gen_random_uuid(), md5('c' || g || $3), md5('r' || g || $3), 'anonymous', 'bench', '\\x00'::bytea,
       ($4::timestamptz - random() * 548 * interval '1 day')::date, 'received'
     FROM generate_series($1::int, $2::int) g`,
    [Math.floor(from / 500), Math.floor(to / 500) - 1, randomBytes(4).toString('hex'), NOW],
  );
  process.stdout.write('\n');
}

const cpus_count = cpuList().length;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** CPU time (ms) a local PostgreSQL backend has used, from /proc; null when it cannot be read. */
function backendCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * On PostgreSQL the snapshot is computed over a pool of its own (10 connections, like the server's), named
 * so that its backends are found in pg_stat_activity: besides the wall time, the CPU time they used is
 * read from /proc (when the database is local), which the load of other processes on a shared machine
 * does not inflate. Parallel workers are turned off so that all the work shows in those backends.
 */
async function postgresQueryable(schema: string): Promise<{ db: Queryable; cpu: () => Promise<number | null>; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10, application_name: 'bench-transparency', options: `-c search_path=${schema} -c max_parallel_workers_per_gather=0` });
  await Promise.all(Array.from({ length: 6 }, () => pool.query('SELECT 1')));
  return {
    db: { query: async (sql, params) => { const r = await pool.query(sql, params as unknown[]); return { rows: r.rows, rowCount: r.rowCount ?? 0 }; } },
    cpu: async () => {
      const { rows } = await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'bench-transparency'`);
      let sum = 0;
      for (const { pid } of rows) {
        const ms = backendCpuMs(pid);
        if (ms === null) return null;
        sum += ms;
      }
      return sum;
    },
    close: () => pool.end(),
  };
}

async function measureAt(db: Storage, label: string, size: number, schema?: string): Promise<void> {
  const times: number[] = [];
  const cpus: number[] = [];
  let snapshot;
  const pgDb = schema ? await postgresQueryable(schema) : null;
  try {
    for (let run = 0; run < RUNS; run++) {
      const cpuBefore = await pgDb?.cpu();
      const started = performance.now();
      snapshot = await computeSnapshot(pgDb?.db ?? db, charter, NOW);
      times.push(performance.now() - started);
      const cpuAfter = await pgDb?.cpu();
      if (cpuBefore != null && cpuAfter != null) cpus.push(cpuAfter - cpuBefore);
    }
  } finally {
    await pgDb?.close();
  }
  const summary = Buffer.from(JSON.stringify(summaryOf(snapshot!)));
  const services = Buffer.from(JSON.stringify(servicesOf(snapshot!)));
  const rows = openDataRows(snapshot!);
  const csv = Buffer.from(toCsv(rows));
  const json = Buffer.from(JSON.stringify({ computedAt: snapshot!.computedAt, rows }));
  const cpu = cpus.length === RUNS ? `; database CPU median ${median(cpus)} ms (runs: ${cpus.join(', ')} ms)` : '';
  console.log(`  ${label} ${size.toLocaleString('en-US')} submissions: computeSnapshot median ${Math.round(median(times))} ms (runs: ${times.map((t) => Math.round(t)).join(', ')} ms)${cpu}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus_count} cores`);
  console.log(`    summary JSON ${kb(summary.length)} (gzip ${kb(gzipSync(summary, { level: 9 }).length)}), services JSON ${kb(services.length)} (gzip ${kb(gzipSync(services, { level: 9 }).length)}), CSV ${kb(csv.length)} (gzip ${kb(gzipSync(csv, { level: 9 }).length)}, ${rows.length.toLocaleString('en-US')} rows), open-data JSON ${kb(json.length)} (gzip ${kb(gzipSync(json, { level: 9 }).length)})`);
}

async function run(db: Storage, label: string, targets: number[], vacuum: boolean, schema?: string): Promise<void> {
  if (!(await db.query('SELECT 1 FROM charter_versions LIMIT 1')).rows.length) await installCharter(db, charter);
  await createHelpers(db);
  let seeded = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM submissions')).rows[0]!.n);
  for (const size of targets) {
    const started = performance.now();
    if (seeded > size) continue;
    if (seeded < size) await seed(db, seeded + 1, size);
    seeded = size;
    // What autovacuum would have done on a live database.
    await db.query(vacuum ? 'VACUUM ANALYZE submissions' : 'ANALYZE submissions');
    await db.query('ANALYZE status_history');
    console.log(`    (seeding took ${Math.round((performance.now() - started) / 1000)} s)`);
    await measureAt(db, label, size, schema);
  }
}

console.log(`Transparency panel benchmark (sample charter: ${charter.secretariats.length} secretariats, ${charter.services.length} services, ${requestServices.length} with a request form)`);
if (DATABASE_URL && PG_SIZES.length) {
  // BENCH_SCHEMA keeps the seeded schema (and reuses it when it already holds the largest size) for EXPLAIN.
  const kept = process.env.BENCH_SCHEMA;
  const schema = kept ?? `bench_transparency_${randomBytes(4).toString('hex')}`;
  const db = await openStorage({ databaseUrl: DATABASE_URL, schema });
  try {
    await run(db, 'PostgreSQL', PG_SIZES, true, schema);
  } finally {
    await db.close();
    if (!kept) {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
} else if (PG_SIZES.length) {
  console.log('  PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
}
if (PGLITE_SIZES.length) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-transparency-'));
  const db = await openStorage({ dataDir: dir });
  try {
    await run(db, 'PGlite', PGLITE_SIZES, false);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
