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
 * - A record of the integrity channel (sync/outbox/integrity.ts, sent by drain/integrity-sending.ts) is never in a batch: it goes alone, by its own
 *   route, a random 3–30 s after it became due, and only in a drain that sent nothing else (sendIntegrity).
 */
import { MAX_BATCH } from '../../shared/contract/sync.ts';
import { MAX_REPLIES } from '../../shared/contract/submissions.ts';
import { DUE_STATES, isIntegrity, type OutboxRecord } from '../outbox/db.ts';
import { rekeyLegacyPhotos } from '../outbox/rekey.ts';
import { postBatch, postIsolating, serverAnswersHealthy, setStuck } from './batches.ts';
import { confirmSent } from './confirmation.ts';
import { LONE_STUCK_RETRY_MS, SYNC_LOCK_NAME, STUCK_RETRY_MS, emptyReport, type DrainOptions, type DrainReport, type DrainState, type SyncDeps } from './deps.ts';
import { sendIntegrity } from './integrity-sending.ts';
import { scheduleRetry } from './outcomes.ts';
import { SYNC_MESSAGES, TransientError } from './request.ts';
import { uploadPhotos } from './uploads.ts';

const MAX_ROUNDS = 50;

export async function drainOutbox(deps: SyncDeps, options: DrainOptions = {}): Promise<DrainReport> {
  const run = () => drainHoldingLock(deps, options);
  if (!deps.locks) return run();
  return deps.locks.request(SYNC_LOCK_NAME, options.manual ? {} : { ifAvailable: true }, async (lock) => {
    if (!lock) return { ...(await summarize(deps, emptyReport())), ran: false };
    return run();
  });
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
/** Whether a record other than these waits in backoff because the server failed on it (not for lack of signal). */
async function othersWaitOnServer(deps: SyncDeps, suspects: readonly OutboxRecord[]): Promise<boolean> {
  const ids = new Set(suspects.map((r) => r.id));
  return (await deps.db.records.where('state').equals('retry').filter((r) => !ids.has(r.id) && r.lastError === SYNC_MESSAGES.serverBusy).count()) > 0;
}

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
        const transient = error instanceof TransientError ? error : new TransientError(SYNC_MESSAGES.serverBusy, false);
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
    // Every batch failed, down to single records: a broken server, not a record's fault — unless the server
    // says it is healthy, which points at the records (the others may have gone in an earlier drain). That is
    // weaker evidence than others taken now, so they are set aside for minutes, and later rounds ask again.
    // And never while another record waits after a server error of an earlier drain: failures on two
    // records, a moment apart, are the server's (4 answers of 500 to a photo and then a plain record did that).
    if (!(await othersWaitOnServer(deps, state.suspects)) && await serverAnswersHealthy(deps, state)) await setStuck(deps, state, LONE_STUCK_RETRY_MS);
    else failure = new TransientError(SYNC_MESSAGES.serverBusy, false);
  }
  if (state.serverWorks) await setStuck(deps, state);
  state.suspects = [];
  if (failure === undefined) {
    deps.onNetwork?.(true);
    return true;
  }
  const transient = failure instanceof TransientError ? failure : new TransientError(SYNC_MESSAGES.unexpected, false);
  if (transient.offline) state.report.offline = true;
  deps.onNetwork?.(!transient.offline);
  // A stuck record not reached this time stays stuck: it must not rejoin the batches it blocked.
  await deps.db.records.where('id').anyOf([...wasStuck]).filter((r) => r.state === 'sending')
    .modify({ state: 'stuck', nextAttemptAt: deps.now() + STUCK_RETRY_MS, updatedAt: deps.now() });
  state.report.retrying += await scheduleRetry(deps, ids, transient.message, transient.retryAfterMs);
  return false;
}
