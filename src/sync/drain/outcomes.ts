/** What the drainer writes on a record after the server's answer: sent, rejected, or waiting for a retry. */
import type { ProtocolReceipt } from '../../shared/contract/status.ts';
import type { OutboxRecord } from '../outbox/db.ts';
import { backoffDelay } from './backoff.ts';
import { CONFIRM_AFTER_MS, type SyncDeps } from './deps.ts';

/** Server field errors name answer fields, sometimes as contract paths ("answers.cpf"). */
export function answerFieldErrors(fields: Record<string, string> | undefined): Record<string, string> {
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
export async function setSent(deps: SyncDeps, id: string, receipt: ProtocolReceipt): Promise<void> {
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

export async function setRejected(deps: SyncDeps, id: string, message: string, fieldErrors: Record<string, string>): Promise<void> {
  await updateUnlessSent(deps, id, { state: 'rejected', lastError: message, fieldErrors, nextAttemptAt: 0, updatedAt: deps.now() });
}

/**
 * The server's acknowledgement is final: where Web Locks are missing, a second drainer's later answer
 * (a photo it found already dropped, say) must not turn a sent record back into one needing work.
 */
export async function updateUnlessSent(deps: SyncDeps, id: string, changes: Partial<OutboxRecord>): Promise<void> {
  await deps.db.records.where('id').equals(id).filter((r) => r.state !== 'sent').modify(changes);
}

/** Records still 'sending' go to 'retry' with a jittered, growing delay. Returns how many. */
export async function scheduleRetry(deps: SyncDeps, ids: string[], message: string, minimumDelayMs: number): Promise<number> {
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
