/**
 * A simulated phone: its own fake-indexeddb and outbox database, the real enqueue and drain code, and a
 * person who submits forms now and then while the phone keeps draining in the background, as
 * requestSync does in the app (after every enqueue, and again when the earliest backoff is due).
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openOutboxDb, type OutboxDb, type OutboxRecord } from '../../src/sync/outbox/db.ts';
import type { DrainOptions, SyncDeps } from '../../src/sync/drain/deps.ts';
import { drainOutbox } from '../../src/sync/drain/loop.ts';
import { enqueueSubmission } from '../../src/sync/outbox/enqueue.ts';
import type { FetchLike } from './observed-fetch.ts';
import { SOAK_SALT, type SoakSubmission } from './workload.ts';

/**
 * The engine's clock runs faster than the wall clock, so that its backoff (2 s growing to 5 min) fits a
 * test run while keeping its shape; the network (latency, stalls, timeouts) stays in real time.
 */
export interface ScaledClock {
  now(): number;
  toRealMs(virtualMs: number): number;
}

export function scaledClock(scale: number): ScaledClock {
  const base = Date.now();
  const started = performance.now();
  return {
    now: () => Math.floor(base + (performance.now() - started) * scale),
    toRealMs: (virtualMs) => virtualMs / scale,
  };
}

export interface DeviceStats {
  enqueued: number;
  drains: number;
  /** Round trips the engine reported (HEAD/PUT of photos, POST of batches). */
  requests: number;
  /** Records put back to wait for a retry, summed over drains. */
  retries: number;
  sent: number;
  rejected: number;
  conflicts: number;
  /** The most failed tries one record had in a row (the engine resets the count when the network is back). */
  maxAttempts: number;
  /** A drain that threw instead of reporting: always a bug. */
  drainErrors: string[];
}

export interface DeviceOptions {
  index: number;
  submissions: readonly SoakSubmission[];
  baseUrl: string;
  fetch: FetchLike;
  clock: ScaledClock;
  random: () => number;
  /** Real ms between two submissions of this device's person. */
  enqueueGapMs: readonly [number, number];
  /** The engine's base timeout; it aborts a request open longer (more for a bigger body). */
  requestTimeoutMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** With nothing due, look again this often (the app's timer does the same). */
const IDLE_RECHECK_MS = 250;

export class SimulatedDevice {
  readonly db: OutboxDb;
  readonly stats: DeviceStats = { enqueued: 0, drains: 0, requests: 0, retries: 0, sent: 0, rejected: 0, conflicts: 0, maxAttempts: 0, drainErrors: [] };
  #doneEnqueuing = false;
  #stopped = false;
  #nextOptions: DrainOptions = {};
  /** Bumped by every trigger; a trigger during a drain means "drain again" (requestSync's rerun). */
  #pokes = 0;
  #wake: (() => void) | undefined;

  constructor(private readonly options: DeviceOptions) {
    this.db = openOutboxDb({ indexedDB: new IDBFactory(), IDBKeyRange, name: `soak-device-${options.index}` });
  }

  #deps(): SyncDeps {
    const { fetch, clock, random, baseUrl, requestTimeoutMs } = this.options;
    return { db: this.db, fetch, now: clock.now, random, baseUrl, requestTimeoutMs };
  }

  #poke(options: DrainOptions = {}): void {
    this.#nextOptions = { ...this.#nextOptions, ...options };
    this.#pokes++;
    this.#wake?.();
  }

  /** The person submits every form of this device, one after another, with pauses. */
  async enqueueAll(): Promise<void> {
    const { submissions, enqueueGapMs: [minGap, maxGap], random } = this.options;
    // The workload's photos are addressed with the soak's salt: this phone takes it as its own.
    await this.db.meta.put({ key: 'fileAddressSalt', value: SOAK_SALT });
    for (const submission of submissions) {
      if (this.#stopped) break;
      await sleep(minGap + random() * (maxGap - minGap));
      await enqueueSubmission(this.db, submission.input, () => submission.createdAt);
      this.stats.enqueued++;
      this.#poke();
    }
    this.#doneEnqueuing = true;
    this.#poke();
  }

  /** The browser says the network is back: retry now rather than after the backoff. */
  networkIsBack(): void {
    this.#poke({ resetBackoff: true });
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  /** Drains until everything enqueued has left the queue (or stop()). */
  async drainLoop(): Promise<void> {
    const { clock } = this.options;
    while (!this.#stopped) {
      const options = this.#nextOptions;
      this.#nextOptions = {};
      const pokesBefore = this.#pokes;
      let waitMs = IDLE_RECHECK_MS;
      try {
        const report = await drainOutbox(this.#deps(), options);
        this.stats.drains++;
        this.stats.requests += report.requests;
        this.stats.retries += report.retrying;
        this.stats.sent += report.sent;
        this.stats.rejected += report.rejected;
        this.stats.conflicts += report.conflicts;
        if (report.retrying) {
          const waiting = await this.db.records.where('state').equals('retry').toArray();
          this.stats.maxAttempts = Math.max(this.stats.maxAttempts, ...waiting.map((r) => r.attempts));
        }
        // Done when nothing waits to be sent and every sent record was confirmed (its data left the phone).
        if (this.#doneEnqueuing && report.pending === 0 && report.nextAttemptAt === undefined) return;
        if (report.pending > 0 || report.nextAttemptAt !== undefined) {
          waitMs = report.nextAttemptAt === undefined ? 0 : Math.max(0, clock.toRealMs(report.nextAttemptAt - clock.now()));
        }
      } catch (error) {
        this.stats.drainErrors.push(String((error as Error)?.stack ?? error));
      }
      if (this.#stopped) return;
      if (this.#pokes !== pokesBefore) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(waitMs, IDLE_RECHECK_MS * 8));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  records(): Promise<OutboxRecord[]> {
    return this.db.records.toArray();
  }

  close(): void {
    this.db.close();
  }
}
