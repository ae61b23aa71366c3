/**
 * The drainer: sends what the outbox holds and records each answer of the server. It runs the same in a
 * page and in the service worker; every dependency comes in as a parameter so that tests drive it with
 * fake-indexeddb and a fake endpoint.
 *
 * Rules that keep data safe:
 * - A record leaves the queue only on the server's acknowledgement (accepted or duplicate), and its answers
 *   and photos leave the phone only when a status read at least CONFIRM_AFTER_MS later finds it still
 *   stored; if the server says it does not have it, the record is sent again under the same id.
 * - One record the server cannot take never holds back the others: a batch that fails as a whole twice is
 *   split in halves, down to the one record, which is set aside as "stuck" and retried alone now and then.
 * - No fetch happens inside a Dexie transaction (a transaction would commit on its own while the
 *   network awaits, and IndexedDB would abort it).
 * - One drainer at a time across tabs and the service worker (Web Lock). Without Web Locks two
 *   drainers may both send a record: the server's idempotency on the record id makes that harmless.
 * - A record of the integrity channel (sync/integrity.ts) is never in a batch: it goes alone, by its own
 *   route, a random 3–30 s after it became due, and only in a drain that sent nothing else (sendIntegrity).
 */
import { ReportAcceptedSchema } from '../shared/contract/integrity.ts';
import { ATTACHMENT_SALT_HEADER, MAX_REPLIES } from '../shared/contract/submissions.ts';
import { ApiErrorSchema, type ApiError } from '../shared/contract/errors.ts';
import { MAX_BATCH, SyncResponseSchema, type SyncItemResult } from '../shared/contract/sync.ts';
import { MAX_STATUS_IDS, StatusBatchResponseSchema, type ProtocolReceipt } from '../shared/contract/status.ts';
import { parseAnswer } from '../shared/contract/parse.ts';
import { backoffDelay } from './backoff.ts';
import { deleteUnreferencedBlobs } from './blob-store.ts';
import { DUE_STATES, isIntegrity, namedTrafficAt, type OutboxDb, type OutboxRecord } from './db.ts';
import { toSubmission } from './enqueue.ts';
import { deviceSalt } from './hash.ts';
import { integrityDelay, integrityRequest, setMessageReceived, setReportReceived } from './integrity.ts';
import { rekeyLegacyPhotos } from './rekey.ts';
import { toReply } from './reply.ts';

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
  /** How long after the acknowledgement a sent record is confirmed by a status read; tests shorten it. */
  confirmAfterMs?: number;
}

/**
 * A connection that stalls must not hold the sync lock forever. The allowance grows with the body so a
 * photo still goes up over 2G (about 32 kbit/s: 4 KB a second).
 */
export function requestTimeout(baseMs: number, bodyBytes: number): number {
  return baseMs + Math.ceil(bodyBytes / 4096) * 1000;
}
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Long enough for a server's write to be past any crash window; short enough to free the phone soon. */
export const CONFIRM_AFTER_MS = 2 * 60_000;
/** After a confirmation read that failed, the next one for the same records. */
export const CONFIRM_RETRY_MS = 60_000;
/** A stuck record is tried again alone this often (or at once with "Enviar agora"). */
export const STUCK_RETRY_MS = 60 * 60_000;
/** Whole-batch failures one drain may spend isolating a bad record before it backs off like any failure. */
const MAX_WHOLE_BATCH_FAILURES = 16;

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
  stuck: 'O sistema da Prefeitura não conseguiu receber este pedido, embora receba os outros. Ele continua guardado aqui e será tentado de novo mais tarde; se puder, use "Salvar cópia" e procure a Ouvidoria (telefone 162).',
  lostByServer: 'A Prefeitura não encontrou este pedido depois de recebê-lo. Ele será enviado de novo sozinho.',
} as const;

/** A failure that is nobody's fault: try again later with backoff. */
class TransientError extends Error {
  constructor(message: string, readonly offline: boolean, readonly retryAfterMs = 0) {
    super(message);
  }
}

/** The server answered, but not with a usable answer for this batch (500, or a body that is not ours). */
class BatchFailure extends Error {}

export async function drainOutbox(deps: SyncDeps, options: DrainOptions = {}): Promise<DrainReport> {
  const run = () => drainHoldingLock(deps, options);
  if (!deps.locks) return run();
  return deps.locks.request(SYNC_LOCK_NAME, options.manual ? {} : { ifAvailable: true }, async (lock) => {
    if (!lock) return { ...(await summarize(deps, emptyReport())), ran: false };
    return run();
  });
}

function emptyReport(): DrainReport {
  return { ran: true, sent: 0, rejected: 0, conflicts: 0, stuck: 0, retrying: 0, resent: 0, offline: false, pending: 0, requests: 0, integritySent: 0 };
}

/** What one drain learns as it goes: photos to upload again, retries already spent, whether anything got through. */
interface DrainState {
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

async function drainHoldingLock(deps: SyncDeps, options: DrainOptions): Promise<DrainReport> {
  const { db } = deps;
  const state: DrainState = { report: emptyReport(), forcePut: new Set(), missingOnce: new Set(), wholeBatchFailures: 0, serverWorks: false, suspects: [], wereStuck: new Set() };
  if (options.manual || options.resetBackoff) {
    await db.records.where('state').equals('retry').modify({ nextAttemptAt: 0, attempts: 0 });
  }
  if (options.manual) await db.records.where('state').equals('stuck').modify({ nextAttemptAt: 0 });
  await rekeyLegacyPhotos(db);
  // First, so that a record the server turns out to have lost goes out again in this same drain.
  await confirmSent(deps, state.report);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const now = deps.now();
    // Holding the lock, any record still 'sending' belongs to a drainer that died: send it again, same id.
    const due = (await db.records.where('state').anyOf(DUE_STATES as string[]).sortBy('createdAt'))
      .filter((r) => !isIntegrity(r) && ((r.state !== 'retry' && r.state !== 'stuck') || r.nextAttemptAt <= now));
    if (due.length === 0) break;
    const keepGoing = await sendRound(deps, due, state);
    if (!keepGoing) break;
  }
  await sendIntegrity(deps, state);
  return summarize(deps, state.report);
}

async function summarize(deps: SyncDeps, report: DrainReport): Promise<DrainReport> {
  const waiting = await deps.db.records.where('state').anyOf(DUE_STATES as string[]).toArray();
  report.pending = waiting.length;
  const times = waiting.filter((r) => r.state === 'retry' || r.state === 'stuck').map((r) => r.nextAttemptAt);
  const integrityTimes = waiting.filter((r) => isIntegrity(r) && (r.state === 'queued' || r.state === 'sending') && r.integrity?.sendAt !== undefined)
    .map((r) => r.integrity!.sendAt!);
  times.push(...integrityTimes);
  if (integrityTimes.length) report.integrityAt = Math.min(...integrityTimes);
  else delete report.integrityAt;
  const unconfirmed = await deps.db.records.where('state').equals('sent').filter((r) => r.answers !== undefined).toArray();
  times.push(...unconfirmed.map((r) => r.confirmAfter ?? 0));
  if (times.length) report.nextAttemptAt = Math.min(...times);
  else delete report.nextAttemptAt;
  return report;
}

/**
 * One pass over the due records. Photos start uploading at once while records without photos are posted
 * in parallel; a record with photos is posted as soon as its photos are up. False when the network or the
 * server failed: stop and back off.
 */
async function sendRound(deps: SyncDeps, due: OutboxRecord[], state: DrainState): Promise<boolean> {
  const ids = due.map((r) => r.id);
  await deps.db.records.where('id').anyOf(ids).filter((r) => DUE_STATES.includes(r.state)).modify({ state: 'sending', updatedAt: deps.now() });
  // Only what is really marked goes out: a record erased or settled since it was read stays as it is.
  const sending = await deps.db.records.where('id').anyOf(ids).filter((r) => r.state === 'sending').sortBy('createdAt');
  const wasStuck = new Set(due.filter((r) => r.state === 'stuck').map((r) => r.id));
  wasStuck.forEach((id) => state.wereStuck.add(id));
  const replies = sending.filter((r) => r.replyTo !== undefined);
  const submissions = sending.filter((r) => r.replyTo === undefined);
  const alone = submissions.filter((r) => wasStuck.has(r.id));
  const plain = submissions.filter((r) => !wasStuck.has(r.id) && r.attachments.length === 0);
  const withPhotos = submissions.filter((r) => !wasStuck.has(r.id) && r.attachments.length > 0);
  const size = Math.max(1, Math.min(deps.batchSize ?? MAX_BATCH, MAX_BATCH));
  let failure: unknown;
  const remember = (error: unknown) => { failure ??= error; };

  const postPlain = (async () => {
    for (let start = 0; start < plain.length && failure === undefined; start += size) {
      await postIsolating(deps, plain.slice(start, start + size), state).catch(remember);
    }
  })();
  const postPhotos = (async () => {
    const ready = await uploadPhotos(deps, withPhotos, state).catch((error) => { remember(error); return [] as OutboxRecord[]; });
    for (let start = 0; start < ready.length && failure === undefined; start += size) {
      await postIsolating(deps, ready.slice(start, start + size), state).catch(remember);
    }
  })();
  const postReplies = (async () => {
    for (let start = 0; start < replies.length && failure === undefined; start += MAX_REPLIES) {
      const chunk = replies.slice(start, start + MAX_REPLIES);
      await postBatch(deps, chunk, state).catch(async (error: unknown) => {
        // No signal stops everything; a failure of the replies' own route waits alone, in backoff, and
        // never holds back the requests, their photos or the stuck ones.
        if (error instanceof TransientError && error.offline) return remember(error);
        const transient = error instanceof TransientError ? error : new TransientError(MESSAGES.serverBusy, false);
        state.report.retrying += await scheduleRetry(deps, chunk.map((r) => r.id), transient.message, transient.retryAfterMs);
      });
    }
  })();
  await Promise.all([postPlain, postPhotos, postReplies]);
  // Records that were stuck go one by one, after the rest: they can never hold anything back.
  for (const record of alone) {
    if (failure !== undefined) break;
    await postIsolating(deps, [record], state).catch(remember);
  }

  if (failure === undefined && state.suspects.length && !state.serverWorks) {
    // Every batch failed, down to single records: a broken server, not a record's fault.
    failure = new TransientError(MESSAGES.serverBusy, false);
  }
  if (state.serverWorks) await setStuck(deps, state);
  state.suspects = [];
  if (failure === undefined) {
    deps.onNetwork?.(true);
    return true;
  }
  const transient = failure instanceof TransientError ? failure : new TransientError(MESSAGES.unexpected, false);
  if (transient.offline) state.report.offline = true;
  deps.onNetwork?.(!transient.offline);
  // A stuck record not reached this time stays stuck: it must not rejoin the batches it blocked.
  await deps.db.records.where('id').anyOf([...wasStuck]).filter((r) => r.state === 'sending')
    .modify({ state: 'stuck', nextAttemptAt: deps.now() + STUCK_RETRY_MS, updatedAt: deps.now() });
  state.report.retrying += await scheduleRetry(deps, ids, transient.message, transient.retryAfterMs);
  return false;
}

async function request(deps: SyncDeps, path: string, init: RequestInit, report: DrainReport): Promise<Response> {
  report.requests++;
  let response: Response;
  try {
    const body = init.body;
    const bytes = body instanceof Blob ? body.size : typeof body === 'string' ? body.length : 0;
    const signal = AbortSignal.timeout(requestTimeout(deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, bytes));
    response = await deps.fetch(`${deps.baseUrl ?? ''}${path}`, { ...init, credentials: init.credentials ?? 'same-origin', signal });
  } catch {
    throw new TransientError(MESSAGES.offline, true);
  }
  // "Come back later": busy (503), full (507), too many requests (429), timed out (408). Never a record's fault.
  if (response.status === 503 || response.status === 507 || response.status === 429 || response.status === 408 || response.status === 502 || response.status === 504) {
    const retryAfter = Number(response.headers.get('retry-after'));
    await response.body?.cancel().catch(() => undefined);
    throw new TransientError(MESSAGES.serverBusy, false, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0);
  }
  return response;
}

async function readError(response: Response): Promise<ApiError | undefined> {
  try {
    return parseAnswer(ApiErrorSchema, await response.json()) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the server holds every photo of the given records. Returns the records that can go on;
 * a record whose photo is gone from the phone or refused by the server is set aside as rejected.
 */
async function uploadPhotos(deps: SyncDeps, records: OutboxRecord[], state: DrainState): Promise<OutboxRecord[]> {
  if (records.length === 0) return records;
  const { report, forcePut } = state;
  const salt = await deviceSalt(deps.db);
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
    const put = await request(deps, path, { method: 'PUT', body: row.blob, headers: { 'content-type': row.type, [ATTACHMENT_SALT_HEADER]: salt } }, report);
    if (put.ok) {
      forcePut.delete(sha256);
      await put.body?.cancel().catch(() => undefined);
      return;
    }
    if (put.status >= 500) {
      await put.body?.cancel().catch(() => undefined);
      throw new TransientError(MESSAGES.serverBusy, false);
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

/**
 * Posts a batch; when the server fails on it as a whole twice (500, or an answer that is not ours), splits
 * it in halves and tries each, so one record the server cannot take is found and set aside while the rest
 * are stored. Busy answers (503, 507, 429) and a lost network are never split: they are nobody's fault.
 */
async function postIsolating(deps: SyncDeps, batch: OutboxRecord[], state: DrainState): Promise<void> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await postBatch(deps, batch, state);
      state.serverWorks = true;
      return;
    } catch (error) {
      if (!(error instanceof BatchFailure)) throw error;
      state.wholeBatchFailures++;
      if (state.wholeBatchFailures > MAX_WHOLE_BATCH_FAILURES) throw new TransientError(MESSAGES.serverBusy, false);
    }
  }
  if (batch.length > 1) {
    const half = Math.ceil(batch.length / 2);
    await postIsolating(deps, batch.slice(0, half), state);
    await postIsolating(deps, batch.slice(half), state);
    return;
  }
  // One record, failing twice. It is judged once the round is over: only if the server took other
  // batches does that point at the record; meanwhile the others go on, so it can never hold them back.
  const [record] = batch;
  if (state.wereStuck.has(record!.id)) {
    await updateUnlessSent(deps, record!.id, { state: 'stuck', lastError: MESSAGES.stuck, nextAttemptAt: deps.now() + STUCK_RETRY_MS, updatedAt: deps.now() });
    state.report.stuck++;
    return;
  }
  state.suspects.push(record!);
}

async function setStuck(deps: SyncDeps, state: DrainState): Promise<void> {
  for (const record of state.suspects) {
    await updateUnlessSent(deps, record.id, { state: 'stuck', lastError: MESSAGES.stuck, nextAttemptAt: deps.now() + STUCK_RETRY_MS, updatedAt: deps.now() });
    state.report.stuck++;
  }
  state.suspects = [];
}

async function postBatch(deps: SyncDeps, batch: OutboxRecord[], state: DrainState): Promise<void> {
  const { report } = state;
  // A batch is all submissions or all replies (sendRound keeps them apart).
  const isReplies = batch[0]?.replyTo !== undefined;
  const response = await request(deps, isReplies ? '/api/replies' : '/api/sync', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(isReplies ? { replies: batch.map(toReply) } : { submissions: batch.map(toSubmission) }),
  }, report);
  if (response.status === 413) {
    await response.body?.cancel().catch(() => undefined);
    if (batch.length === 1) {
      await setRejected(deps, batch[0]!.id, MESSAGES.tooLarge, {});
      report.rejected++;
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await postBatch(deps, batch.slice(0, half), state);
    await postBatch(deps, batch.slice(half), state);
    return;
  }
  if (response.status >= 500) {
    await response.body?.cancel().catch(() => undefined);
    throw new BatchFailure();
  }
  if (!response.ok) {
    // A 4xx for the whole batch (a malformed batch): the phone's fault, not the records'; keep them and retry.
    const error = await readError(response);
    throw new TransientError(error?.message ?? MESSAGES.unexpected, false);
  }
  const body = parseAnswer(SyncResponseSchema, await response.json().catch(() => undefined));
  // A 200 that is not our answer (a captive portal's page, a proxy's): the batch counts as failed.
  if (!body) throw new BatchFailure();
  const results = new Map(body.results.filter((r) => r.id).map((r) => [r.id!, r as SyncItemResult]));
  const unanswered: string[] = [];
  const retryLater: string[] = [];
  const { db } = deps;
  await db.transaction('rw', db.records, async () => {
    for (const record of batch) {
      const result = results.get(record.id);
      if (!result) {
        unanswered.push(record.id);
        continue;
      }
      await applyResult(deps, record, result, state, unanswered, retryLater);
    }
  });
  if (unanswered.length) report.retrying += await scheduleRetry(deps, unanswered, MESSAGES.unexpected, 0);
  if (retryLater.length) report.retrying += await scheduleRetry(deps, retryLater, MESSAGES.serverBusy, 0);
}

/** Records one item's outcome (inside the batch's transaction). */
async function applyResult(
  deps: SyncDeps, record: OutboxRecord, result: SyncItemResult, state: DrainState, unanswered: string[], retryLater: string[],
): Promise<void> {
  const { report, forcePut, missingOnce } = state;
  switch (result.outcome) {
    case 'accepted':
    case 'duplicate':
      if (!result.receipt) {
        unanswered.push(record.id);
        return;
      }
      await setSent(deps, record.id, result.receipt);
      report.sent++;
      return;
    case 'rejected':
      await setRejected(deps, record.id, result.error?.message ?? MESSAGES.rejected, answerFieldErrors(result.error?.fields));
      report.rejected++;
      return;
    case 'conflict':
      await updateUnlessSent(deps, record.id, { state: 'conflict', lastError: MESSAGES.conflict, updatedAt: deps.now() });
      report.conflicts++;
      return;
    case 'missing_attachments':
      // The server lost or never got a photo: upload it again without asking, and resend at once, once.
      record.attachments.forEach((a) => forcePut.add(a.sha256));
      if (!missingOnce.has(record.id)) {
        missingOnce.add(record.id);
        await updateUnlessSent(deps, record.id, { state: 'retry', nextAttemptAt: 0, updatedAt: deps.now() });
      } else {
        unanswered.push(record.id);
      }
      return;
    case 'retry_later':
      // The server failed on this item only (nothing was stored): the others went through; this one waits.
      retryLater.push(record.id);
      return;
    default:
      unanswered.push(record.id);
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

/**
 * Acknowledged: the record is sent, with its receipt. Its answers and photos stay until confirmSent finds it
 * on the server a little later (a server that lost a write after answering gets it again).
 */
async function setSent(deps: SyncDeps, id: string, receipt: ProtocolReceipt): Promise<void> {
  const record = await deps.db.records.get(id);
  if (!record) return;
  const { lastError: _e, fieldErrors: _f, ...kept } = record;
  if (record.replyTo) {
    // A reply is a few words already in the request's story on the server: nothing to keep for a later check.
    const { answers: _a, ...reply } = kept;
    await deps.db.records.put({ ...reply, state: 'sent', receipt, nextAttemptAt: 0, updatedAt: deps.now() });
    return;
  }
  await deps.db.records.put({
    ...kept,
    state: 'sent',
    receipt,
    confirmAfter: deps.now() + (deps.confirmAfterMs ?? CONFIRM_AFTER_MS),
    statusHistory: record.statusHistory?.length ? record.statusHistory : [{ status: receipt.status, at: receipt.receivedAt }],
    nextAttemptAt: 0,
    updatedAt: deps.now(),
  });
}

/**
 * Confirms sent records whose time has come, in batched status reads: found on the server, their answers
 * and photos are deleted from the phone (LGPD: kept no longer than needed) and their status is refreshed;
 * missing, they are queued again under the same id.
 */
async function confirmSent(deps: SyncDeps, report: DrainReport): Promise<void> {
  const { db } = deps;
  const now = deps.now();
  const due = await db.records.where('state').equals('sent').filter((r) => r.answers !== undefined && (r.confirmAfter ?? 0) <= now).toArray();
  for (let start = 0; start < due.length; start += MAX_STATUS_IDS) {
    const ids = due.slice(start, start + MAX_STATUS_IDS).map((r) => r.id);
    // A read that fails (no signal, a busy server, an answer that is not ours) is tried again a minute later
    // for every record still due: not at the next drain a second away, which would hammer the server and,
    // as other traffic, keep holding back a denúncia waiting for a quiet moment.
    const postpone = async () => {
      const later = now + CONFIRM_RETRY_MS;
      await db.records.where('id').anyOf(due.slice(start).map((r) => r.id)).modify((r) => {
        if (r.state === 'sent' && r.answers !== undefined) r.confirmAfter = later;
      });
    };
    let response: Response;
    try {
      response = await request(deps, '/api/submissions/status', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids }),
      }, report);
    } catch {
      await postpone();
      return;
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      await postpone();
      return;
    }
    const body = parseAnswer(StatusBatchResponseSchema, await response.json().catch(() => undefined));
    if (!body) {
      await postpone();
      return;
    }
    const missing = new Set(body.missing);
    await db.transaction('rw', db.records, db.drafts, db.blobs, async () => {
      const freed: string[] = [];
      for (const status of body.found) {
        const record = await db.records.get(status.id);
        if (!record || record.state !== 'sent' || !record.receipt) continue;
        const { answers: _dropped, confirmAfter: _c, ...kept } = record;
        await db.records.put({
          ...kept,
          receipt: { ...record.receipt, status: status.status, protocol: status.protocol },
          statusHistory: status.history,
          statusCheckedAt: now,
          ...(status.dueAt !== undefined ? { dueAt: status.dueAt } : {}),
        });
        freed.push(...record.attachments.map((a) => a.sha256));
      }
      for (const id of ids.filter((id) => missing.has(id))) {
        const record = await db.records.get(id);
        if (!record || record.state !== 'sent' || !record.answers) continue;
        const { receipt: _r, confirmAfter: _c, ...kept } = record;
        await db.records.put({ ...kept, state: 'queued', attempts: 0, nextAttemptAt: 0, lastError: MESSAGES.lostByServer, updatedAt: now });
        report.resent++;
      }
      await deleteUnreferencedBlobs(db, freed);
    });
  }
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

/**
 * The integrity channel: at most one of its records per drain, alone on the wire. A record due for the first
 * time draws a random delay; when it comes, the record goes only if this drain sent nothing else (no batch,
 * no photo, no status read), else every waiting one draws a fresh delay from now. So a denúncia never leaves
 * in the same moment as the person's named requests, nor right after them, nor next to another of its kind.
 */
async function sendIntegrity(deps: SyncDeps, state: DrainState): Promise<void> {
  const { db } = deps;
  const now = deps.now();
  const due = (await db.records.where('state').anyOf(DUE_STATES as string[]).sortBy('createdAt'))
    .filter((r) => isIntegrity(r) && ((r.state !== 'retry' && r.state !== 'stuck') || r.nextAttemptAt <= now));
  if (due.length === 0) return;
  // Other traffic: this drain's, or a named request the page or the service worker sent since a delay was drawn.
  const lastNamed = await namedTrafficAt(db);
  const otherTraffic = state.report.requests > 0 || due.some((r) => r.integrity?.drawnAt !== undefined && lastNamed >= r.integrity.drawnAt);
  const chosen = otherTraffic ? undefined : due.find((r) => r.integrity?.sendAt !== undefined && r.integrity.sendAt <= now);
  // A record due for the first time draws its delay; after other traffic, every waiting one draws again.
  await drawDelays(deps, due.filter((r) => r !== chosen && (otherTraffic || r.integrity?.sendAt === undefined)));
  if (!chosen) return;
  await db.records.where('id').equals(chosen.id).filter((r) => DUE_STATES.includes(r.state)).modify({ state: 'sending', updatedAt: now });
  const record = await db.records.get(chosen.id);
  if (record?.state !== 'sending') return;
  try {
    await postIntegrity(deps, record, state);
    deps.onNetwork?.(true);
  } catch (error) {
    const transient = error instanceof TransientError ? error : new TransientError(MESSAGES.unexpected, false);
    if (transient.offline) state.report.offline = true;
    deps.onNetwork?.(!transient.offline);
    state.report.retrying += await scheduleRetry(deps, [record.id], transient.message, transient.retryAfterMs);
  }
  // Whatever happened, this one draws a new delay once it is due again, and the others count theirs from now.
  await db.records.where('id').equals(record.id).filter((r) => r.state !== 'sent').modify((r) => {
    if (r.integrity) {
      delete r.integrity.sendAt;
      delete r.integrity.drawnAt;
    }
  });
  await drawDelays(deps, due.filter((r) => r !== chosen));
}

async function drawDelays(deps: SyncDeps, records: OutboxRecord[]): Promise<void> {
  if (records.length === 0) return;
  await deps.db.records.where('id').anyOf(records.map((r) => r.id)).filter((r) => isIntegrity(r) && DUE_STATES.includes(r.state)).modify((record) => {
    record.integrity = { ...record.integrity!, sendAt: deps.now() + integrityDelay(deps.random), drawnAt: deps.now() };
  });
}

async function postIntegrity(deps: SyncDeps, record: OutboxRecord, state: DrainState): Promise<void> {
  const { report } = state;
  const wire = await integrityRequest(deps.db, record);
  if ('missing' in wire) {
    await setRejected(deps, record.id, MESSAGES.photoLost, { [wire.missing.fieldId]: MESSAGES.photoLost });
    report.rejected++;
    return;
  }
  // No cookie (a staff session on a shared computer) and no referrer (the page the person is on) goes with it.
  const response = await request(deps, wire.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(wire.body),
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  }, report);
  if (response.status >= 500) {
    await response.body?.cancel().catch(() => undefined);
    throw new TransientError(MESSAGES.serverBusy, false);
  }
  if (response.status === 413) {
    await response.body?.cancel().catch(() => undefined);
    await setRejected(deps, record.id, MESSAGES.tooLarge, {});
    report.rejected++;
    return;
  }
  if (response.status === 409 || response.status === 404 || response.status === 422) {
    // 409: this report was received long ago and its receipt can no longer be told; 404: no report has the
    // receipt a message names; 422: the server refused the answers or a file. Kept, with the server's words.
    const error = await readError(response);
    if (response.status === 409) {
      await updateUnlessSent(deps, record.id, { state: 'conflict', lastError: error?.message ?? MESSAGES.conflict, updatedAt: deps.now() });
      report.conflicts++;
    } else {
      await setRejected(deps, record.id, error?.message ?? MESSAGES.rejected, answerFieldErrors(error?.fields));
      report.rejected++;
    }
    return;
  }
  if (!response.ok) {
    const error = await readError(response);
    throw new TransientError(error?.message ?? MESSAGES.unexpected, false);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (record.integrity?.kind === 'message') {
    // A 2xx that is not ours (a captive portal's page) proves nothing: try again.
    if (!body || (body as { ok?: unknown }).ok !== true) throw new TransientError(MESSAGES.unexpected, false);
    await setMessageReceived(deps.db, record.id);
  } else {
    const accepted = parseAnswer(ReportAcceptedSchema, body);
    if (!accepted) throw new TransientError(MESSAGES.unexpected, false);
    await setReportReceived(deps.db, record.id, accepted.receipt, accepted.receivedDay, deps.now());
  }
  report.integritySent++;
}
