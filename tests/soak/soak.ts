/**
 * The soak: N simulated devices (real outbox and sync engine over fake-indexeddb) submit through the
 * fault proxy to the real server running as a child process, which is killed with SIGKILL and started
 * again mid-run. Then the proxy calms down, the devices drain, the server stops, and the database and
 * every outbox are checked: each submission stored exactly once, every photo byte-identical, every
 * queue empty. Used by tests/integration/soak.test.ts (small) and `npm run soak` (full).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { requestTimeout } from '../../src/sync/drain/request.ts';
import { readCharterFile } from '../../src/server/domain/charter-file.ts';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import { seededRandom, startFaultProxy, type FaultWeights, type ProxyOutcome } from '../support/fault-proxy.ts';
import { SimulatedDevice, scaledClock, type DeviceStats } from './device.ts';
import { emptyFetchCounts, observedFetch, type FetchCounts } from './observed-fetch.ts';
import { ROOT, startServerProcess, type ServerProcess } from './server-process.ts';
import { verifySoak } from './verify.ts';
import { buildWorkload } from './workload.ts';

export interface SoakOptions {
  devices: number;
  submissions: number;
  /** Submissions with one photo each (byte-unique small JPEGs). */
  photos: number;
  seed: number;
  /** Times the server is killed with SIGKILL and started again while devices submit. */
  restarts: number;
  /** PostgreSQL (a fresh schema, dropped afterwards); unset: PGlite in a temporary DATA_DIR. */
  databaseUrl?: string;
  /** Added to every request by the proxy; the issue asks for 100-3000 ms. */
  latencyMs?: [number, number];
  /** How long the proxy holds a stalled connection before closing it. */
  stallMs?: number;
  weights?: Partial<FaultWeights>;
  /** The engine must abort any request open longer than this. */
  requestTimeoutMs?: number;
  /** Real time over which the people submit their forms (restarts happen inside it). */
  enqueueSpanMs?: number;
  /** How much faster the engine's clock runs than the wall clock (its backoff is minutes long). */
  timeScale?: number;
  /** After the proxy calms down, how long the devices get to empty their queues. */
  drainDeadlineMs?: number;
  charterFile?: string;
  /** Progress lines while it runs. */
  log?: (line: string) => void;
}

export interface SoakResult {
  options: Required<Omit<SoakOptions, 'databaseUrl' | 'log' | 'weights'>> & { database: 'pglite' | 'postgres' };
  /** Empty when the soak passed. */
  problems: string[];
  seconds: { total: number; submitting: number; drainAfterCalm: number };
  /** Each restart: how long the server was unreachable (kill, pause, start-up), in ms. */
  downtimesMs: number[];
  proxy: Record<ProxyOutcome, number>;
  fetch: FetchCounts;
  engine: Omit<DeviceStats, 'drainErrors' | 'enqueued'>;
  stored: { submissions: number; photos: number };
}

const OVERDUE_SLACK_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** True when the promise settled first; the timer never outlives the race (it would hold the process open). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
const seconds = (fromMs: number) => Math.round((performance.now() - fromMs) / 100) / 10;

async function withStorage<T>(databaseUrl: string | undefined, schema: string | undefined, dataDir: string, fn: (storage: Awaited<ReturnType<typeof openStorage>>) => Promise<T>): Promise<T> {
  const storage = await openStorage(databaseUrl ? { databaseUrl, schema } : { dataDir });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export async function runSoak(input: SoakOptions): Promise<SoakResult> {
  const options = {
    latencyMs: [100, 3000] as [number, number],
    stallMs: 20_000,
    requestTimeoutMs: 8_000,
    enqueueSpanMs: 30_000,
    timeScale: 60,
    drainDeadlineMs: 180_000,
    charterFile: join(ROOT, 'data/sample-charter.json'),
    ...input,
  };
  const log = input.log ?? (() => {});
  const started = performance.now();
  const problems: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'conecta-soak-'));
  const schema = options.databaseUrl ? `soak_${randomBytes(6).toString('hex')}` : undefined;
  const output: string[] = [];
  const devices: SimulatedDevice[] = [];
  let server: ServerProcess | undefined;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>> | undefined;
  const fetchCounts = emptyFetchCounts();
  const downtimesMs: number[] = [];
  let submitting = 0;
  let drainAfterCalm = 0;

  try {
    const read = readCharterFile(options.charterFile);
    if (!read.ok) throw new Error(`${options.charterFile} is not a valid charter.`);
    await withStorage(options.databaseUrl, schema, dataDir, (storage) => installCharter(storage, read.charter));
    const workload = buildWorkload({ charter: read.charter, submissions: options.submissions, photos: options.photos, seed: options.seed });
    log(`workload ready: ${workload.length} submissions, ${options.photos} photos (${seconds(started)} s)`);

    const serverOptions = { dataDir, databaseUrl: options.databaseUrl, databaseSchema: schema, output };
    server = await startServerProcess(serverOptions);
    proxy = await startFaultProxy({ target: server.url, seed: options.seed, weights: input.weights, latencyMs: options.latencyMs, stallMs: options.stallMs });
    log(`server up (pid ${server.pid}), proxy at ${proxy.url} (${seconds(started)} s)`);

    const clock = scaledClock(options.timeScale);
    // The engine's own allowance for the body's size, plus slack for a busy machine: only a stall the
    // engine failed to abort can outlast it.
    const fetch = observedFetch(fetchCounts, (init) => {
      const body = init?.body;
      const bytes = body instanceof Blob ? body.size : typeof body === 'string' ? body.length : 0;
      return requestTimeout(options.requestTimeoutMs, bytes) + OVERDUE_SLACK_MS;
    });
    for (let d = 0; d < options.devices; d++) {
      const mine = workload.filter((_, i) => i % options.devices === d);
      const gap = options.enqueueSpanMs / Math.max(1, mine.length);
      devices.push(new SimulatedDevice({
        index: d, submissions: mine, baseUrl: proxy.url, fetch, clock,
        random: seededRandom(options.seed * 31 + d + 1),
        enqueueGapMs: [0, 2 * gap], requestTimeoutMs: options.requestTimeoutMs,
      }));
    }

    const phaseStart = performance.now();
    const drainers = devices.map((device) => device.drainLoop());
    const enqueuers = devices.map((device) => device.enqueueAll());
    const pauses = seededRandom(options.seed + 7);
    const restarting = (async () => {
      for (let k = 1; k <= options.restarts; k++) {
        const at = phaseStart + (options.enqueueSpanMs * k) / (options.restarts + 1);
        await sleep(Math.max(0, at - performance.now()));
        const down = performance.now();
        await server!.kill();
        log(`server killed with SIGKILL (restart ${k}/${options.restarts}, ${seconds(started)} s)`);
        await sleep(300 + pauses() * 1_500);
        server = await startServerProcess(serverOptions);
        proxy!.setTarget(server.url);
        downtimesMs.push(Math.round(performance.now() - down));
        log(`server back (pid ${server.pid}) after ${downtimesMs.at(-1)} ms`);
      }
    })();
    await Promise.all([...enqueuers, restarting]);
    submitting = seconds(phaseStart);
    const enqueued = devices.reduce((sum, d) => sum + d.stats.enqueued, 0);
    log(`all ${enqueued} submissions enqueued (${submitting} s); calming the proxy`);

    const calmAt = performance.now();
    proxy.calm();
    devices.forEach((device) => device.networkIsBack());
    const drained = await settlesWithin(Promise.all(drainers), options.drainDeadlineMs);
    drainAfterCalm = seconds(calmAt);
    if (!drained) {
      problems.push(`Queues were not empty ${options.drainDeadlineMs / 1000} s after the proxy calmed down.`);
      devices.forEach((device) => device.stop());
      await settlesWithin(Promise.all(drainers), options.stallMs + 5_000);
    }
    log(`devices drained (${drainAfterCalm} s after calm)`);

    await server.stop();
    server = undefined;
    await proxy.close();

    const outboxes = await Promise.all(devices.map(async (device, index) => ({
      index,
      records: await device.records(),
      blobsLeft: await device.db.blobs.count(),
      expectedIds: workload.filter((_, i) => i % options.devices === index).map((s) => s.input.id),
    })));
    const stored = await withStorage(options.databaseUrl, schema, dataDir, async (storage) => {
      problems.push(...(await verifySoak(storage, workload, outboxes)));
      const count = async (table: string) => (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
      return { submissions: await count('submissions'), photos: await count('attachments') };
    });

    const log_ = output.join('');
    const leaked = workload.flatMap((s) => s.personalData).filter((value) => log_.includes(value));
    if (leaked.length) problems.push(`${leaked.length} CPF/phone/e-mail answer(s) appeared in the server's output.`);
    if (fetchCounts.overdue) {
      problems.push(
        `${fetchCounts.overdue} request(s) stayed open longer than the engine's timeout for their size plus ${OVERDUE_SLACK_MS} ms ` +
        `(slowest ${fetchCounts.slowestMs} ms): the sync engine did not abort stalled requests (SyncDeps.requestTimeoutMs).`,
      );
    }
    devices.forEach((device, index) => {
      for (const error of device.stats.drainErrors.slice(0, 3)) problems.push(`device ${index}: a drain threw: ${error.split('\n')[0]}`);
    });

    const sum = (key: keyof Omit<DeviceStats, 'drainErrors' | 'maxAttempts'>) => devices.reduce((total, d) => total + d.stats[key], 0);
    return {
      options: {
        devices: options.devices, submissions: options.submissions, photos: options.photos, seed: options.seed, restarts: options.restarts,
        latencyMs: options.latencyMs, stallMs: options.stallMs, requestTimeoutMs: options.requestTimeoutMs, enqueueSpanMs: options.enqueueSpanMs,
        timeScale: options.timeScale, drainDeadlineMs: options.drainDeadlineMs, charterFile: options.charterFile,
        database: options.databaseUrl ? 'postgres' : 'pglite',
      },
      problems,
      seconds: { total: seconds(started), submitting, drainAfterCalm },
      downtimesMs,
      proxy: { ...proxy.counts },
      fetch: fetchCounts,
      engine: {
        drains: sum('drains'), requests: sum('requests'), retries: sum('retries'), sent: sum('sent'), rejected: sum('rejected'), conflicts: sum('conflicts'),
        maxAttempts: Math.max(0, ...devices.map((d) => d.stats.maxAttempts)),
      },
      stored,
    };
  } finally {
    devices.forEach((device) => device.stop());
    devices.forEach((device) => device.close());
    await server?.kill().catch(() => undefined);
    await proxy?.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    if (options.databaseUrl && schema) await dropSchema(options.databaseUrl, schema).catch(() => undefined);
  }
}

/** The lines `npm run soak` and the test print. */
export function formatSoakResult(result: SoakResult): string {
  const { options: o, proxy, fetch: f, engine: e } = result;
  const statuses = Object.entries(f.byStatus).sort(([a], [b]) => Number(a) - Number(b)).map(([status, n]) => `${status}: ${n}`).join(', ');
  const faults = (Object.entries(proxy) as [ProxyOutcome, number][]).map(([fault, n]) => `${fault} ${n}`).join(', ');
  return [
    `soak on ${o.database}: ${o.devices} devices, ${o.submissions} submissions (${o.photos} photos), ${o.restarts} SIGKILL restart(s), seed ${o.seed}`,
    `  time: ${result.seconds.total} s in all; submitting ${result.seconds.submitting} s; draining after the proxy calmed ${result.seconds.drainAfterCalm} s` +
      (result.downtimesMs.length ? `; server down ${result.downtimesMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}` : ''),
    `  proxy (latency ${o.latencyMs[0]}-${o.latencyMs[1]} ms, stall ${o.stallMs} ms): ${faults}`,
    `  devices saw: ${f.requests} requests; answers ${statuses}; network errors ${f.networkErrors}; aborted ${f.aborted}; slowest ${f.slowestMs} ms`,
    `  sync answers per item: ${Object.entries(f.syncOutcomes).map(([outcome, n]) => `${outcome} ${n}`).join(', ') || 'none'}`,
    `  engine: ${e.drains} drains, ${e.requests} round trips, ${e.retries} retries scheduled, at most ${e.maxAttempts} failed tries in a row for one record; sent ${e.sent}, rejected ${e.rejected}, conflicts ${e.conflicts}`,
    `  server holds: ${result.stored.submissions} submissions, ${result.stored.photos} photos`,
    result.problems.length ? `  PROBLEMS:\n${result.problems.map((p) => `    - ${p}`).join('\n')}` : '  verdict: every submission stored exactly once, every photo byte-identical, every queue empty',
  ].join('\n');
}
