/**
 * `npm run bench:server [-- --n 2000 --charter FILE]`: throughput and latency of the real server (not a test).
 * Posts N single submissions with concurrency 8, then N more in batches of 100, on the embedded PGlite (on
 * disk, with its real fsync) and, when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, on PostgreSQL; prints
 * the charter's size too. Then the server under attack, as its own process: 40 concurrent 5 MiB uploads and
 * 40 oversized error batches in flight, while /api/health is timed and the process's RSS is read.
 * Goals (issue 8): batches ≥ 2,000 submissions/s on both databases; health < 1 s and RSS < 1 GB under attack.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { bahiaDay } from '../../src/shared/dates.ts';
import type { Answers, AnswerValue } from '../../src/shared/contract/submissions.ts';
import type { Charter } from '../../src/shared/contract/charter.ts';
import type { FormDefinition, FormField } from '../../src/shared/contract/forms.ts';
import { isFieldVisible, validateAnswers } from '../../src/shared/validate-answers.ts';
import { buildApp } from '../../src/server/app.ts';
import { readCharterFile } from '../../src/server/domain/charter-file.ts';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import { startServerProcess } from '../soak/server-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' }, charter: { type: 'string' } } });
const N = Number(values.n);
const CONCURRENCY = 8;
const BATCH = 100;

const charterFile = values.charter ?? (existsSync(`${ROOT}data/sample-charter.json`) ? `${ROOT}data/sample-charter.json` : `${ROOT}tests/fixtures/charter.json`);
const read = readCharterFile(charterFile);
if (!read.ok) throw new Error(`${charterFile} is invalid: ${JSON.stringify(read.fields)}`);
const charter: Charter = read.charter;

/** A plausible valid answer per field type, or undefined when none can be made up (a required photo). */
function sampleAnswer(field: FormField, today: string, districtId: string): AnswerValue | undefined {
  const text = (min = 0) => 'Resposta de teste do benchmark'.padEnd(Math.max(min, 10), '.').slice(0, Math.max(min, field.maxLength ?? 200));
  const bound = (b: string | undefined) => (b === 'today' ? today : b);
  switch (field.type) {
    case 'text': case 'textarea': return text(field.minLength);
    case 'number': return field.min ?? (field.max !== undefined ? Math.min(1, field.max) : 1);
    case 'date': return bound(field.maxDate) ?? bound(field.minDate) ?? today;
    case 'select': case 'radio': return field.options![0]!.value;
    case 'multiselect': return field.options!.slice(0, Math.max(1, field.minItems ?? 1)).map((o) => o.value);
    case 'checkbox': case 'consent': return true;
    case 'cpf': return '529.982.247-25';
    case 'phone': return '(77) 98888-7777';
    case 'cep': return '45000-000';
    case 'email': return 'pessoa@exemplo.com';
    case 'photo': return undefined;
    case 'location': return { district: districtId };
  }
}

function answersFor(form: FormDefinition): Answers | null {
  const today = bahiaDay();
  const answers: Answers = {};
  for (const field of form.fields) {
    if (!isFieldVisible(form, field, answers)) continue;
    const value = sampleAnswer(field, today, charter.districts[0]?.id ?? 'sede');
    if (value === undefined) { if (field.required) return null; continue; }
    answers[field.id] = value;
  }
  return Object.keys(validateAnswers(form, answers, { today, districts: charter.districts })).length ? null : answers;
}

/** Templates of valid submissions across the charter's forms that need no photo. */
const templates = charter.forms.flatMap((form) => {
  const answers = answersFor(form);
  if (!answers) return [];
  const services = form.kind === 'request' ? charter.services.filter((s) => s.formId === form.id) : charter.services.slice(0, 1);
  return services.slice(0, 1).map((service) => ({ kind: form.kind, serviceId: service.id, formId: form.id, formVersion: form.version, answers }));
});
if (!templates.length) throw new Error('No form of the charter can be filled in without a photo.');

const submission = (i: number) => ({ id: crypto.randomUUID(), ...templates[i % templates.length]!, attachments: [], createdAt: new Date().toISOString() });

async function post(url: string, body: unknown): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await response.arrayBuffer();
  return response.status;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(label: string, count: number, seconds: number, latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`  ${label.padEnd(28)} ${String(Math.round(count / seconds)).padStart(6)} submissions/s   p50 ${percentile(sorted, 50).toFixed(1)} ms   p99 ${percentile(sorted, 99).toFixed(1)} ms   (${count} in ${seconds.toFixed(1)} s)`);
}

function rawSize(url: string, encoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      res.on('end', () => resolve(bytes));
    }).on('error', reject).end();
  });
}

async function bench(kind: 'pglite' | 'postgres', databaseUrl?: string) {
  const schema = databaseUrl ? `bench_${randomBytes(5).toString('hex')}` : undefined;
  const dataDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'conecta-bench-'));
  const storage = await openStorage(databaseUrl ? { databaseUrl, schema } : { dataDir });
  const app = await buildApp({ storage, rateLimit: false, logger: false });
  try {
    let started = performance.now();
    await installCharter(storage, charter);
    const installMs = performance.now() - started;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    console.log(`\n${kind}: charter installed in ${installMs.toFixed(0)} ms`);

    started = performance.now();
    const firstBr = await rawSize(`${base}/api/charter`, 'br');
    const firstMs = performance.now() - started;
    started = performance.now();
    await rawSize(`${base}/api/charter`, 'br');
    const warmMs = performance.now() - started;
    console.log(`  GET /api/charter: first (compresses once) ${firstMs.toFixed(0)} ms, then ${warmMs.toFixed(1)} ms; ${firstBr} bytes br`);

    // Warm up the route and the form cache.
    await post(`${base}/api/submissions`, submission(0));

    const singleLatencies: number[] = [];
    let next = 0;
    started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const item = submission(next++);
        const t = performance.now();
        const status = await post(`${base}/api/submissions`, item);
        singleLatencies.push(performance.now() - t);
        if (status !== 201) throw new Error(`single post answered ${status}`);
      }
    }));
    report(`single (concurrency ${CONCURRENCY})`, N, (performance.now() - started) / 1000, singleLatencies);

    const batchLatencies: number[] = [];
    started = performance.now();
    for (let sent = 0; sent < N; sent += BATCH) {
      const items = Array.from({ length: Math.min(BATCH, N - sent) }, (_, i) => submission(sent + i));
      const t = performance.now();
      const status = await post(`${base}/api/sync`, { submissions: items });
      batchLatencies.push(performance.now() - t);
      if (status !== 200) throw new Error(`sync answered ${status}`);
    }
    report(`batches of ${BATCH} (per batch)`, N, (performance.now() - started) / 1000, batchLatencies);
    console.log(`  (goal for batches: ≥ 2000 submissions/s)`);
  } finally {
    await app.close();
    await storage.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (schema && databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
}

const body = Buffer.from(JSON.stringify(charter));
const { brotliCompressSync, gzipSync, constants } = await import('node:zlib');
console.log(`Charter ${charter.version} from ${charterFile.replace(ROOT, '')}: ${charter.services.length} services, ${charter.forms.length} forms`);
console.log(`  raw ${body.length} bytes, gzip ${gzipSync(body, { level: 9 }).length} bytes, br ${brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: body.length > 1_000_000 ? 9 : 11 } }).length} bytes`);
console.log(`N = ${N} per mode; submission templates from ${templates.length} form(s)`);

// ---------------------------------------------------------------- under attack

const ATTACKERS = 40;
/** Polls the URL every 50 ms until its stdin closes, then prints the latencies (ms) as JSON. */
const HEALTH_PROBER = `
const url = process.argv[1]; const times = []; let done = false;
process.stdin.on('end', () => { done = true; }); process.stdin.resume();
(async () => { while (!done) { const t = performance.now(); try { await (await fetch(url)).arrayBuffer(); } catch {} times.push(performance.now() - t); await new Promise((r) => setTimeout(r, 50)); } process.stdout.write(JSON.stringify(times)); })();
`;
const FIVE_MIB = 5 * 1024 * 1024;

function peakRssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** A batch near the 2 MiB limit whose every item has 100 answers of a shape no answer takes. */
function oversizedErrorBatch(): string {
  const answers: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) answers[`campo${i}`] = { texto: 'x'.repeat(170) };
  const items = Array.from({ length: 100 }, () => ({ ...submission(0), answers }));
  return JSON.stringify({ submissions: items });
}

async function underAttack() {
  const dataDir = mkdtempSync(join(tmpdir(), 'conecta-attack-'));
  const storage = await openStorage({ dataDir });
  await installCharter(storage, charter);
  await storage.close();
  // Every attacker from its own address would each get 4 upload slots: give one address all 40.
  process.env.UPLOADS_PER_CLIENT = String(ATTACKERS);
  process.env.RATE_LIMIT_PER_MINUTE = '0';
  process.env.WATCHDOG_SECONDS = '0';
  const output: string[] = [];
  const server = await startServerProcess({ dataDir, output });
  const salt = 'be'.repeat(32);
  try {
    const batch = oversizedErrorBatch();
    console.log(`\nunder attack (server process, PGlite on disk): ${ATTACKERS} uploads of 5 MiB and ${ATTACKERS} error batches of ${(batch.length / 1048576).toFixed(1)} MiB at once`);
    // Everything the attackers send is made before the clock starts, and /api/health is timed from another
    // process: the bench's own event loop, busy pushing 200 MB, must not be what is measured.
    const uploads = Array.from({ length: ATTACKERS }, () => {
      const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(FIVE_MIB - 4)]);
      return { bytes, address: createHash('sha256').update(Buffer.from(salt, 'hex')).update(bytes).digest('hex') };
    });
    const prober = spawn(process.execPath, ['-e', HEALTH_PROBER, `${server.url}/api/health`], { stdio: ['pipe', 'pipe', 'inherit'] });
    let proberOutput = '';
    prober.stdout.setEncoding('utf8').on('data', (text: string) => { proberOutput += text; });
    await new Promise((resolve) => setTimeout(resolve, 500));
    let peak = 0;
    const rssTimer = setInterval(() => { peak = Math.max(peak, peakRssMb(server.pid).now); }, 100);
    const started = performance.now();
    const statuses: Record<string, number> = {};
    const count = (status: number) => { statuses[status] = (statuses[status] ?? 0) + 1; };
    await Promise.all([
      ...uploads.map(async ({ bytes, address }) => {
        const response = await fetch(`${server.url}/api/attachments/${address}`, { method: 'PUT', headers: { 'content-type': 'image/jpeg', 'x-attachment-salt': salt }, body: bytes });
        await response.arrayBuffer();
        count(response.status);
      }),
      ...Array.from({ length: ATTACKERS }, async () => {
        const response = await fetch(`${server.url}/api/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch });
        const text = await response.text();
        count(response.status);
        if (text.length > 200_000) console.log(`  an error batch answered ${text.length} bytes`);
      }),
    ]);
    const attackSeconds = (performance.now() - started) / 1000;
    clearInterval(rssTimer);
    prober.stdin.end();
    await new Promise((resolve) => prober.once('exit', resolve));
    const health = (JSON.parse(proberOutput) as number[]).sort((a, b) => a - b);
    const rss = peakRssMb(server.pid);
    console.log(`  attack took ${attackSeconds.toFixed(1)} s; answers ${Object.entries(statuses).map(([status, n]) => `${n}×${status}`).join(', ')}`);
    console.log(`  /api/health during the attack (from another process): ${health.length} probes, p50 ${percentile(health, 50).toFixed(0)} ms, p95 ${percentile(health, 95).toFixed(0)} ms, max ${health.at(-1)!.toFixed(0)} ms (goal < 1000 ms)`);
    console.log(`  RSS: peak ${Math.max(peak, rss.peak)} MB (goal < 1024 MB), now ${rss.now} MB`);
  } finally {
    await server.stop().catch(() => server.kill());
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await bench('pglite');
const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
if (databaseUrl) await bench('postgres', databaseUrl);
else console.log('\n(PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
await underAttack();
