/** Sending the integrity channel's records: alone on the wire, after a random delay, never next to named traffic. */
import { ReportAcceptedSchema } from '../../shared/contract/integrity.ts';
import { parseAnswer } from '../../shared/contract/parse.ts';
import { DUE_STATES, isIntegrity, namedTrafficAt, type OutboxRecord } from '../outbox/db.ts';
import { integrityDelay, integrityRequest, setMessageReceived, setReportReceived } from '../outbox/integrity.ts';
import type { DrainState, SyncDeps } from './deps.ts';
import { answerFieldErrors, scheduleRetry, setRejected, updateUnlessSent } from './outcomes.ts';
import { SYNC_MESSAGES, TransientError, readError, request } from './request.ts';

/**
 * The integrity channel: at most one of its records per drain, alone on the wire. A record due for the first
 * time draws a random delay; when it comes, the record goes only if this drain sent nothing else (no batch,
 * no photo, no status read), else every waiting one draws a fresh delay from now. So a denúncia never leaves
 * in the same moment as the person's named requests, nor right after them, nor next to another of its kind.
 */
export async function sendIntegrity(deps: SyncDeps, state: DrainState): Promise<void> {
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
    const transient = error instanceof TransientError ? error : new TransientError(SYNC_MESSAGES.unexpected, false);
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
    await setRejected(deps, record.id, SYNC_MESSAGES.photoLost, { [wire.missing.fieldId]: SYNC_MESSAGES.photoLost });
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
    throw new TransientError(SYNC_MESSAGES.serverBusy, false);
  }
  if (response.status === 413) {
    await response.body?.cancel().catch(() => undefined);
    await setRejected(deps, record.id, SYNC_MESSAGES.tooLarge, {});
    report.rejected++;
    return;
  }
  if (response.status === 409 || response.status === 404 || response.status === 422) {
    // 409: this report was received long ago and its receipt can no longer be told; 404: no report has the
    // receipt a message names; 422: the server refused the answers or a file. Kept, with the server's words.
    const error = await readError(response);
    if (response.status === 409) {
      await updateUnlessSent(deps, record.id, { state: 'conflict', lastError: error?.message ?? SYNC_MESSAGES.conflict, updatedAt: deps.now() });
      report.conflicts++;
    } else {
      await setRejected(deps, record.id, error?.message ?? SYNC_MESSAGES.rejected, answerFieldErrors(error?.fields));
      report.rejected++;
    }
    return;
  }
  if (!response.ok) {
    const error = await readError(response);
    throw new TransientError(error?.message ?? SYNC_MESSAGES.unexpected, false);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (record.integrity?.kind === 'message') {
    // A 2xx that is not ours (a captive portal's page) proves nothing: try again.
    if (!body || (body as { ok?: unknown }).ok !== true) throw new TransientError(SYNC_MESSAGES.unexpected, false);
    await setMessageReceived(deps.db, record.id);
  } else {
    const accepted = parseAnswer(ReportAcceptedSchema, body);
    if (!accepted) throw new TransientError(SYNC_MESSAGES.unexpected, false);
    await setReportReceived(deps.db, record.id, accepted.receipt, accepted.receivedDay, deps.now());
  }
  report.integritySent++;
}
