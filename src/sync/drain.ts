/**
 * The drainer: sends what the outbox holds, photos first, then submissions in batches, and records
 * each answer of the server. It runs the same in a page and in the service worker; every dependency
 * comes in as a parameter so that tests drive it with fake-indexeddb and a fake endpoint.
 *
 * Rules that keep data safe:
 * - A record leaves the queue only on the server's acknowledgement (accepted or duplicate).
 * - No fetch happens inside a Dexie transaction (a transaction would commit on its own while the
 *   network awaits, and IndexedDB would abort it).
 * - One drainer at a time across tabs and the service worker (Web Lock). Without Web Locks two
 *   drainers may both send a record: the server's idempotency on the record id makes that harmless.
 */
import { MAX_BATCH, type ApiError, type Receipt, type SyncItemResult, type SyncResponse } from '../shared/schemas.ts';
import { backoffDelay } from './backoff.ts';
import { deleteUnreferencedBlobs } from './blob-store.ts';
import { DUE_STATES, type OutboxDb, type OutboxRecord } from './db.ts';
import { toSubmission } from './enqueue.ts';

export const SYNC_LOCK_NAME = 'conecta-outbox-sync';

export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export interface SyncDeps {
  db: OutboxDb;
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
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
}

/**
 * A connection that stalls must not hold the sync lock forever. The allowance grows with the body so a
 * photo still goes up over 2G (about 32 kbit/s: 4 KB a second).
 */
export function requestTimeout(baseMs: number, bodyBytes: number): number {
  return baseMs + Math.ceil(bodyBytes / 4096) * 1000;
}
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface DrainReport {
  /** False when another drainer held the lock. */
  ran: boolean;
  sent: number;
  rejected: number;
  conflicts: number;
  /** Records that failed this time and wait for their backoff. */
  retrying: number;
  /** The network failed (no signal, or the server is unreachable). */
  offline: boolean;
  /** Records still waiting to be sent (queued, sending, retry). */
  pending: number;
  /** Epoch ms of the earliest retry, when there is one. */
  nextAttemptAt?: number;
  /** Round trips made: HEAD and PUT of photos, POST of batches. */
  requests: number;
}

export interface DrainOptions {
  /** "Enviar agora": retry at once whatever is waiting, and wait for another drainer to finish. */
  manual?: boolean;
  /** The browser says the network is back (`online`, Background Sync): retry at once, but never wait for the lock. */
  resetBackoff?: boolean;
}

const MAX_ROUNDS = 50;
/** Photos go up a few at a time: parallel enough to hide latency, gentle on one bar of signal. */
const PHOTO_CONCURRENCY = 3;

export const MESSAGES = {
  offline: 'Sem conexão com a Prefeitura. Vamos tentar de novo sozinhos.',
  serverBusy: 'O sistema da Prefeitura não respondeu agora. Vamos tentar de novo sozinhos.',
  unexpected: 'O envio não foi concluído. Vamos tentar de novo sozinhos.',
  conflict: 'Este pedido já chegou à Prefeitura com respostas diferentes. A sua cópia continua guardada aqui: use "Salvar cópia" ou procure a Ouvidoria (telefone 162).',
  photoLost: 'Uma foto deste pedido não está mais guardada no celular. Abra o pedido para corrigir, adicione a foto de novo e envie.',
  tooLarge: 'Este pedido é grande demais para enviar. Abra o pedido para corrigir e use menos fotos ou um texto menor.',
  rejected: 'A Prefeitura não aceitou algumas respostas. Abra o pedido para corrigir.',
} as const;

/** A failure that is nobody's fault: try again later with backoff. */
class TransientError extends Error {
  constructor(message: string, readonly offline: boolean, readonly retryAfterMs = 0) {
    super(message);
  }
}

export async function drainOutbox(deps: SyncDeps, options: DrainOptions = {}): Promise<DrainReport> {
  const run = () => drainHoldingLock(deps, options);
  if (!deps.locks) return run();
  return deps.locks.request(SYNC_LOCK_NAME, options.manual ? {} : { ifAvailable: true }, async (lock) => {
    if (!lock) return { ...(await summarize(deps, emptyReport())), ran: false };
    return run();
  });
}

function emptyReport(): DrainReport {
  return { ran: true, sent: 0, rejected: 0, conflicts: 0, retrying: 0, offline: false, pending: 0, requests: 0 };
}

async function drainHoldingLock(deps: SyncDeps, options: DrainOptions): Promise<DrainReport> {
  const { db } = deps;
  const report = emptyReport();
  if (options.manual || options.resetBackoff) {
    await db.records.where('state').equals('retry').modify({ nextAttemptAt: 0, attempts: 0 });
  }
  const forcePut = new Set<string>();
  const missingOnce = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const now = deps.now();
    // Holding the lock, any record still 'sending' belongs to a drainer that died: send it again, same id.
    const due = (await db.records.where('state').anyOf(DUE_STATES as string[]).sortBy('createdAt'))
      .filter((r) => r.state !== 'retry' || r.nextAttemptAt <= now);
    if (due.length === 0) break;
    const keepGoing = await sendRound(deps, due, report, forcePut, missingOnce);
    if (!keepGoing) break;
  }
  return summarize(deps, report);
}

async function summarize(deps: SyncDeps, report: DrainReport): Promise<DrainReport> {
  const waiting = await deps.db.records.where('state').anyOf(DUE_STATES as string[]).toArray();
  report.pending = waiting.length;
  const retryTimes = waiting.filter((r) => r.state === 'retry').map((r) => r.nextAttemptAt);
  if (retryTimes.length) report.nextAttemptAt = Math.min(...retryTimes);
  else delete report.nextAttemptAt;
  return report;
}

/** One pass over the due records. False when the network or the server failed: stop and back off. */
async function sendRound(deps: SyncDeps, due: OutboxRecord[], report: DrainReport, forcePut: Set<string>, missingOnce: Set<string>): Promise<boolean> {
  const ids = due.map((r) => r.id);
  await deps.db.records.where('id').anyOf(ids).filter((r) => DUE_STATES.includes(r.state)).modify({ state: 'sending', updatedAt: deps.now() });
  // Only what is really marked goes out: a record erased or settled since it was read stays as it is.
  let sending = await deps.db.records.where('id').anyOf(ids).filter((r) => r.state === 'sending').sortBy('createdAt');
  try {
    sending = await uploadPhotos(deps, sending, report, forcePut);
    const size = Math.max(1, Math.min(deps.batchSize ?? MAX_BATCH, MAX_BATCH));
    for (let start = 0; start < sending.length; start += size) {
      const batch = sending.slice(start, start + size);
      await postBatch(deps, batch, report, forcePut, missingOnce);
    }
    deps.onNetwork?.(true);
    return true;
  } catch (error) {
    const transient = error instanceof TransientError ? error : new TransientError(MESSAGES.unexpected, false);
    if (transient.offline) report.offline = true;
    deps.onNetwork?.(!transient.offline);
    report.retrying += await scheduleRetry(deps, ids, transient.message, transient.retryAfterMs);
    return false;
  }
}

async function request(deps: SyncDeps, path: string, init: RequestInit, report: DrainReport): Promise<Response> {
  report.requests++;
  let response: Response;
  try {
    const body = init.body;
    const bytes = body instanceof Blob ? body.size : typeof body === 'string' ? body.length : 0;
    const signal = AbortSignal.timeout(requestTimeout(deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, bytes));
    response = await deps.fetch(`${deps.baseUrl ?? ''}${path}`, { ...init, credentials: 'same-origin', signal });
  } catch {
    throw new TransientError(MESSAGES.offline, true);
  }
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    const retryAfter = Number(response.headers.get('retry-after'));
    await response.body?.cancel().catch(() => undefined);
    throw new TransientError(MESSAGES.serverBusy, false, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0);
  }
  return response;
}

async function readError(response: Response): Promise<ApiError | undefined> {
  try {
    return (await response.json()) as ApiError;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the server holds every photo of the given records. Returns the records that can go on;
 * a record whose photo is gone from the phone or refused by the server is set aside as rejected.
 */
async function uploadPhotos(deps: SyncDeps, records: OutboxRecord[], report: DrainReport, forcePut: Set<string>): Promise<OutboxRecord[]> {
  const refused = new Map<string, string>();
  const hashes = [...new Set(records.flatMap((r) => r.attachments.map((a) => a.sha256)))];
  const uploadOne = async (sha256: string): Promise<void> => {
    const path = `/api/attachments/${sha256}`;
    if (!forcePut.has(sha256)) {
      const head = await request(deps, path, { method: 'HEAD' }, report);
      if (head.ok) return;
    }
    const row = await deps.db.blobs.get(sha256);
    if (!row) {
      refused.set(sha256, MESSAGES.photoLost);
      return;
    }
    const put = await request(deps, path, { method: 'PUT', body: row.blob, headers: { 'content-type': row.type } }, report);
    if (put.ok) {
      forcePut.delete(sha256);
      await put.body?.cancel().catch(() => undefined);
      return;
    }
    const error = await readError(put);
    refused.set(sha256, error?.message ? `Uma foto não foi aceita: ${error.message}` : MESSAGES.photoLost);
  };
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < hashes.length) {
      try {
        await uploadOne(hashes[next++]!);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  // Every upload in flight finishes before the records are marked for retry.
  await Promise.all(Array.from({ length: Math.min(PHOTO_CONCURRENCY, hashes.length) }, worker));
  if (failure !== undefined) throw failure;
  if (refused.size === 0) return records;
  const blocked = records.filter((r) => r.attachments.some((a) => refused.has(a.sha256)));
  for (const record of blocked) {
    const attachment = record.attachments.find((a) => refused.has(a.sha256))!;
    await setRejected(deps, record.id, refused.get(attachment.sha256)!, { [attachment.fieldId]: refused.get(attachment.sha256)! });
    report.rejected++;
  }
  return records.filter((r) => !blocked.includes(r));
}

async function postBatch(deps: SyncDeps, batch: OutboxRecord[], report: DrainReport, forcePut: Set<string>, missingOnce: Set<string>): Promise<void> {
  const response = await request(deps, '/api/sync', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ submissions: batch.map(toSubmission) }),
  }, report);
  if (response.status === 413) {
    await response.body?.cancel().catch(() => undefined);
    if (batch.length === 1) {
      await setRejected(deps, batch[0]!.id, MESSAGES.tooLarge, {});
      report.rejected++;
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await postBatch(deps, batch.slice(0, half), report, forcePut, missingOnce);
    await postBatch(deps, batch.slice(half), report, forcePut, missingOnce);
    return;
  }
  if (!response.ok) {
    const error = await readError(response);
    throw new TransientError(error?.message ?? MESSAGES.unexpected, false);
  }
  const body = (await response.json().catch(() => undefined)) as SyncResponse | undefined;
  const results = new Map((body?.results ?? []).filter((r) => r.id).map((r) => [r.id!, r]));
  const unanswered: string[] = [];
  const { db } = deps;
  // A batch's answers are recorded together, and the photos of sent records are dropped in one pass.
  await db.transaction('rw', db.records, db.drafts, db.blobs, async () => {
    const sentPhotos: string[] = [];
    for (const record of batch) {
      const result = results.get(record.id);
      if (!result) {
        unanswered.push(record.id);
        continue;
      }
      if (await applyResult(deps, record, result, report, forcePut, missingOnce, unanswered)) sentPhotos.push(...record.attachments.map((a) => a.sha256));
    }
    await deleteUnreferencedBlobs(db, sentPhotos);
  });
  if (unanswered.length) report.retrying += await scheduleRetry(deps, unanswered, MESSAGES.unexpected, 0);
}

/** Records one item's outcome (inside the batch's transaction); true when the record is now sent. */
async function applyResult(
  deps: SyncDeps, record: OutboxRecord, result: SyncItemResult, report: DrainReport,
  forcePut: Set<string>, missingOnce: Set<string>, unanswered: string[],
): Promise<boolean> {
  switch (result.outcome) {
    case 'accepted':
    case 'duplicate':
      if (!result.receipt) {
        unanswered.push(record.id);
        return false;
      }
      await setSent(deps, record.id, result.receipt);
      report.sent++;
      return true;
    case 'rejected':
      await setRejected(deps, record.id, result.error?.message ?? MESSAGES.rejected, answerFieldErrors(result.error?.fields));
      report.rejected++;
      return false;
    case 'conflict':
      await updateUnlessSent(deps, record.id, { state: 'conflict', lastError: MESSAGES.conflict, updatedAt: deps.now() });
      report.conflicts++;
      return false;
    case 'missing_attachments':
      // The server lost or never got a photo: upload it again without asking, and resend at once, once.
      record.attachments.forEach((a) => forcePut.add(a.sha256));
      if (!missingOnce.has(record.id)) {
        missingOnce.add(record.id);
        await updateUnlessSent(deps, record.id, { state: 'retry', nextAttemptAt: 0, updatedAt: deps.now() });
      } else {
        unanswered.push(record.id);
      }
      return false;
    default:
      unanswered.push(record.id);
      return false;
  }
}

/** Server field errors name answer fields, sometimes as contract paths ("answers.cpf"). */
function answerFieldErrors(fields: Record<string, string> | undefined): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields ?? {})) {
    const key = path.startsWith('answers.') ? path.slice('answers.'.length).split('.')[0]! : path;
    errors[key] ??= message;
  }
  return errors;
}

/** Acknowledged: keep the receipt and the summary as history, drop the answers (LGPD; photos go after the batch). */
async function setSent(deps: SyncDeps, id: string, receipt: Receipt): Promise<void> {
  const record = await deps.db.records.get(id);
  if (!record) return;
  const { answers: _dropped, lastError: _e, fieldErrors: _f, ...kept } = record;
  await deps.db.records.put({
    ...kept,
    state: 'sent',
    receipt,
    statusHistory: record.statusHistory?.length ? record.statusHistory : [{ status: receipt.status, at: receipt.receivedAt }],
    nextAttemptAt: 0,
    updatedAt: deps.now(),
  });
}

async function setRejected(deps: SyncDeps, id: string, message: string, fieldErrors: Record<string, string>): Promise<void> {
  await updateUnlessSent(deps, id, { state: 'rejected', lastError: message, fieldErrors, nextAttemptAt: 0, updatedAt: deps.now() });
}

/**
 * The server's acknowledgement is final: where Web Locks are missing, a second drainer's later answer
 * (a photo it found already dropped, say) must not turn a sent record back into one needing work.
 */
async function updateUnlessSent(deps: SyncDeps, id: string, changes: Partial<OutboxRecord>): Promise<void> {
  await deps.db.records.where('id').equals(id).filter((r) => r.state !== 'sent').modify(changes);
}

/** Records still 'sending' go to 'retry' with a jittered, growing delay. Returns how many. */
async function scheduleRetry(deps: SyncDeps, ids: string[], message: string, minimumDelayMs: number): Promise<number> {
  const now = deps.now();
  let count = 0;
  await deps.db.records.where('id').anyOf(ids).filter((r) => r.state === 'sending').modify((record) => {
    record.attempts += 1;
    record.state = 'retry';
    record.nextAttemptAt = now + Math.max(minimumDelayMs, backoffDelay(record.attempts, deps.random));
    record.lastError = message;
    record.updatedAt = now;
    count++;
  });
  return count;
}
