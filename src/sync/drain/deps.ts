/** What the drainer is given (database, network, clock, locks), what it reports, and what one drain learns as it goes. */
import type { FetchLike } from '../api.ts';
import type { OutboxDb, OutboxRecord } from '../outbox/db.ts';

export const SYNC_LOCK_NAME = 'conecta-outbox-sync';

export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export interface SyncDeps {
  db: OutboxDb;
  fetch: FetchLike;
  now: () => number;
  random: () => number;
  /** navigator.locks where it exists. */
  locks?: LockManagerLike | undefined;
  /** '' in the browser (same origin); the server's URL in tests. */
  baseUrl?: string;
  batchSize?: number;
  /** Told whether the network answered at all: a failed fetch is the offline signal. */
  onNetwork?: (reachable: boolean) => void;
  /** Base time a request may take before it counts as stalled; tests shorten it. */
  requestTimeoutMs?: number;
  /** How long after the acknowledgement a sent record is confirmed by a status read; tests shorten it. */
  confirmAfterMs?: number;
}

/** Long enough for a server's write to be past any crash window; short enough to free the phone soon. */
export const CONFIRM_AFTER_MS = 2 * 60_000;
/** After a confirmation read that failed, the next one for the same records. */
export const CONFIRM_RETRY_MS = 60_000;
/** A stuck record is tried again alone this often (or at once with "Enviar agora"). */
export const STUCK_RETRY_MS = 60 * 60_000;
/**
 * A record set aside on the health answer alone (nothing else went in that drain) is tried again sooner: a
 * database that just restarted also fails every write while the health answer still says "ok" for a moment.
 */
export const LONE_STUCK_RETRY_MS = 5 * 60_000;

export interface DrainReport {
  /** False when another drainer held the lock. */
  ran: boolean;
  sent: number;
  rejected: number;
  conflicts: number;
  /** Records set aside this time because the server failed on them alone. */
  stuck: number;
  /** Records that failed this time and wait for their backoff. */
  retrying: number;
  /** Sent records the server no longer had, queued again under the same id. */
  resent: number;
  /** The network failed (no signal, or the server is unreachable). */
  offline: boolean;
  /** Records still waiting to be sent (queued, sending, retry, stuck). */
  pending: number;
  /** Epoch ms of the earliest retry or confirmation due, when there is one. */
  nextAttemptAt?: number;
  /** Round trips made: HEAD and PUT of photos, POST of batches, status reads. */
  requests: number;
  /**
   * Records of the integrity channel acknowledged this time. Counted apart from `sent`: what follows a
   * named request's acknowledgement (the push subscription's update) must never follow one of these.
   */
  integritySent: number;
  /** Epoch ms at which the next record of the integrity channel may go, when one waits for its delay. */
  integrityAt?: number;
}

export interface DrainOptions {
  /** "Enviar agora": retry at once whatever is waiting (stuck records too), and wait for another drainer to finish. */
  manual?: boolean;
  /** The browser says the network is back (`online`, Background Sync): retry at once, but never wait for the lock. */
  resetBackoff?: boolean;
}

export function emptyReport(): DrainReport {
  return { ran: true, sent: 0, rejected: 0, conflicts: 0, stuck: 0, retrying: 0, resent: 0, offline: false, pending: 0, requests: 0, integritySent: 0 };
}

/** What one drain learns as it goes: photos to upload again, retries already spent, whether anything got through. */
export interface DrainState {
  report: DrainReport;
  forcePut: Set<string>;
  missingOnce: Set<string>;
  wholeBatchFailures: number;
  /** The server took at least one batch this drain: a batch failing now points at its records, not at the server. */
  serverWorks: boolean;
  /** Single records the server failed on twice before it took anything: stuck if it then takes others. */
  suspects: OutboxRecord[];
  /** Records that were stuck when this drain began: failing alone again, they stay stuck. */
  wereStuck: Set<string>;
}
