/**
 * The one entry point that pages, triggers and the service worker use to send the outbox.
 * drainOutbox does the work (drain.ts); requestSync coalesces requests from many triggers into one
 * drain at a time in this context and keeps a timer while work is waiting.
 */
import { getOutboxDb } from '../outbox/db.ts';
import type { DrainOptions, DrainReport, LockManagerLike, SyncDeps } from './deps.ts';
import { drainOutbox } from './loop.ts';

/** The Background Sync tag the page registers and the service worker answers. */
export const BACKGROUND_SYNC_TAG = 'conecta-outbox';

export type SyncReason = 'startup' | 'online' | 'visible' | 'timer' | 'manual' | 'enqueue' | 'background-sync';

/** Dependencies of a page or a service worker: the real database, network, clock and locks. */
export function defaultSyncDeps(overrides: Partial<SyncDeps> = {}): SyncDeps {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return {
    db: getOutboxDb(),
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    random: () => Math.random(),
    locks: nav?.locks,
    ...overrides,
  };
}

type Listener = (report: DrainReport) => void;
const listeners = new Set<Listener>();
let running: Promise<DrainReport> | undefined;
let rerun: DrainOptions | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let depsOverride: Partial<SyncDeps> = {};

/** Page wiring (e.g. the online flag of the app store) hears every drain's outcome. */
export function onSyncReport(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function configureSync(overrides: Partial<SyncDeps>): void {
  depsOverride = { ...depsOverride, ...overrides };
}

/** When another context holds the lock, look again later in case it died mid-drain. */
const LOCKED_RECHECK_MS = 3_000;
const MIN_TIMER_MS = 1_000;

/** The network is back by the browser's word: waiting records should not sit out their backoff. */
const RESETS_BACKOFF: readonly SyncReason[] = ['online', 'background-sync'];

export function requestSync(reason: SyncReason): Promise<DrainReport> {
  const options: DrainOptions = { manual: reason === 'manual', resetBackoff: RESETS_BACKOFF.includes(reason) };
  if (running) {
    rerun = { manual: options.manual || rerun?.manual, resetBackoff: options.resetBackoff || rerun?.resetBackoff };
    return running;
  }
  return startDrain(options);
}

function startDrain(options: DrainOptions): Promise<DrainReport> {
  clearTimeout(timer);
  timer = undefined;
  const current = (async () => {
    let report = await drainOutbox(defaultSyncDeps(depsOverride), options);
    while (rerun) {
      const next = rerun;
      rerun = undefined;
      report = await drainOutbox(defaultSyncDeps(depsOverride), next);
    }
    return report;
  })();
  running = current;
  current
    .then((report) => {
      schedule(report);
      listeners.forEach((listener) => listener(report));
    })
    .catch(() => schedule(undefined))
    .finally(() => {
      if (running !== current) return;
      running = undefined;
      // A request that came after the drain's last look at `rerun` (a record just queued) is not dropped.
      if (rerun) {
        const next = rerun;
        rerun = undefined;
        void startDrain(next);
      }
    });
  return current;
}

function schedule(report: DrainReport | undefined): void {
  // Nothing waiting to be sent, and no sent record waiting for its confirmation read.
  if (report && report.pending === 0 && report.nextAttemptAt === undefined) return;
  const wait = report?.nextAttemptAt !== undefined ? report.nextAttemptAt - Date.now() : LOCKED_RECHECK_MS;
  clearTimeout(timer);
  timer = setTimeout(() => void requestSync('timer'), Math.max(MIN_TIMER_MS, wait));
}
