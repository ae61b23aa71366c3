/** Posting records in batches, and splitting a batch the server fails on until the one record to blame is found. */
import { HealthAnswerSchema } from '../../shared/contract/health.ts';
import { SyncResponseSchema, type SyncItemResult } from '../../shared/contract/sync.ts';
import { parseAnswer } from '../../shared/contract/parse.ts';
import type { OutboxRecord } from '../outbox/db.ts';
import { toSubmission } from '../outbox/enqueue.ts';
import { toReply } from '../outbox/reply.ts';
import { STUCK_RETRY_MS, type DrainState, type SyncDeps } from './deps.ts';
import { answerFieldErrors, scheduleRetry, setRejected, setSent, updateUnlessSent } from './outcomes.ts';
import { BatchFailure, SYNC_MESSAGES, TransientError, readError, request } from './request.ts';

/** Whole-batch failures one drain may spend isolating a bad record before it backs off like any failure. */
const MAX_WHOLE_BATCH_FAILURES = 16;

/**
 * Posts a batch; when the server fails on it as a whole twice (500, or an answer that is not ours), splits
 * it in halves and tries each, so one record the server cannot take is found and set aside while the rest
 * are stored. Busy answers (503, 507, 429) and a lost network are never split: they are nobody's fault.
 */
export async function postIsolating(deps: SyncDeps, batch: OutboxRecord[], state: DrainState): Promise<void> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await postBatch(deps, batch, state);
      state.serverWorks = true;
      return;
    } catch (error) {
      if (!(error instanceof BatchFailure)) throw error;
      state.wholeBatchFailures++;
      if (state.wholeBatchFailures > MAX_WHOLE_BATCH_FAILURES) throw new TransientError(SYNC_MESSAGES.serverBusy, false);
    }
  }
  if (batch.length > 1) {
    const half = Math.ceil(batch.length / 2);
    await postIsolating(deps, batch.slice(0, half), state);
    await postIsolating(deps, batch.slice(half), state);
    return;
  }
  // One record, failing twice. It is judged once the round is over: only if the server took other
  // batches (or, when nothing else went, says it is healthy) does that point at the record; meanwhile
  // the others go on, so it can never hold them back.
  const [record] = batch;
  if (state.wereStuck.has(record!.id)) {
    await updateUnlessSent(deps, record!.id, { state: 'stuck', lastError: SYNC_MESSAGES.stuck, nextAttemptAt: deps.now() + STUCK_RETRY_MS, updatedAt: deps.now() });
    state.report.stuck++;
    return;
  }
  state.suspects.push(record!);
}

/**
 * Whether the server works apart from the records that failed: asked when single records failed twice and
 * nothing else went in this drain (the others went in an earlier one, as happens when backoffs end at
 * different moments). A health answer of "ok" means the database answers: the records are to blame. Anything
 * else (an error, "degraded", no signal) counts as a broken server, a reason to wait.
 */
export async function serverAnswersHealthy(deps: SyncDeps, state: DrainState): Promise<boolean> {
  try {
    const response = await request(deps, '/api/health', { method: 'GET' }, state.report);
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return false;
    }
    const body = parseAnswer(HealthAnswerSchema, await response.json().catch(() => undefined));
    return body?.status === 'ok';
  } catch {
    return false;
  }
}

/** Sets this round's suspects aside; `retryMs` is LONE_STUCK_RETRY_MS when only the health answer pointed at them. */
export async function setStuck(deps: SyncDeps, state: DrainState, retryMs = STUCK_RETRY_MS): Promise<void> {
  for (const record of state.suspects) {
    await updateUnlessSent(deps, record.id, { state: 'stuck', lastError: SYNC_MESSAGES.stuck, nextAttemptAt: deps.now() + retryMs, updatedAt: deps.now() });
    state.report.stuck++;
  }
  state.suspects = [];
}

export async function postBatch(deps: SyncDeps, batch: OutboxRecord[], state: DrainState): Promise<void> {
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
      await setRejected(deps, batch[0]!.id, SYNC_MESSAGES.tooLarge, {});
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
    throw new TransientError(error?.message ?? SYNC_MESSAGES.unexpected, false);
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
  if (unanswered.length) report.retrying += await scheduleRetry(deps, unanswered, SYNC_MESSAGES.unexpected, 0);
  if (retryLater.length) report.retrying += await scheduleRetry(deps, retryLater, SYNC_MESSAGES.serverBusy, 0);
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
      await setRejected(deps, record.id, result.error?.message ?? SYNC_MESSAGES.rejected, answerFieldErrors(result.error?.fields));
      report.rejected++;
      return;
    case 'conflict':
      await updateUnlessSent(deps, record.id, { state: 'conflict', lastError: SYNC_MESSAGES.conflict, updatedAt: deps.now() });
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
