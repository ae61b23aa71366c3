/**
 * Progress of sent records, from POST /api/submissions/status: one request for many records (the random
 * ids are the capability). Answers are parsed with the shared schema: a captive portal's page or a
 * proxy's error never reaches the phone's database.
 */
import {
  MAX_STATUS_IDS, StatusBatchResponseSchema, type ProtocolReceipt, type StatusBatchResponse, type SubmissionStatusResponse,
} from '../../shared/contract/status.ts';
import { callApi, type FetchLike } from '../api.ts';
import { isIntegrity, noteNamedTraffic, type OutboxDb, type OutboxRecord } from '../outbox/db.ts';

/**
 * The one status read of the client (the drainer's confirmation, the pages' and the push handler's refresh):
 * POST /api/submissions/status for at most MAX_STATUS_IDS ids. Undefined when no usable answer came (no
 * signal, a busy server, a body that is not ours).
 */
export async function readStatusChunk(fetchFn: FetchLike, ids: readonly string[], baseUrl = ''): Promise<StatusBatchResponse | undefined> {
  const answer = await callApi('/api/submissions/status', StatusBatchResponseSchema, { method: 'POST', body: { ids }, fetch: fetchFn, baseUrl });
  return answer.ok ? answer.value : undefined;
}

/** What a status found on the server writes on a sent record, wherever the read came from. */
export function withFoundStatus(record: OutboxRecord & { receipt: ProtocolReceipt }, status: SubmissionStatusResponse, now: number): OutboxRecord {
  return {
    ...record,
    receipt: { ...record.receipt, status: status.status, protocol: status.protocol },
    statusHistory: status.history,
    statusCheckedAt: now,
    ...(status.dueAt !== undefined ? { dueAt: status.dueAt } : {}),
  };
}

/**
 * Refreshes the given sent records; true when the server answered (false offline or on a bad answer).
 * A record of the integrity channel is never named in a status read: it has no id on the server, and one
 * request naming it with the person's named requests would link them.
 */
export async function refreshStatuses(db: OutboxDb, given: readonly string[], fetchFn: FetchLike, now: () => number = Date.now, baseUrl = ''): Promise<boolean> {
  const integrity = new Set((await db.records.bulkGet([...given])).filter((r) => r && isIntegrity(r)).map((r) => r!.id));
  const ids = given.filter((id) => !integrity.has(id));
  for (let start = 0; start < ids.length; start += MAX_STATUS_IDS) {
    await noteNamedTraffic(db, now());
    const body = await readStatusChunk(fetchFn, ids.slice(start, start + MAX_STATUS_IDS), baseUrl);
    if (!body) return false;
    await db.transaction('rw', db.records, async () => {
      for (const status of body.found) {
        const record = await db.records.get(status.id);
        if (!record || record.state !== 'sent' || !record.receipt) continue;
        await db.records.put(withFoundStatus({ ...record, receipt: record.receipt }, status, now()));
      }
    });
  }
  return true;
}

/** Statuses after which the city normally writes nothing more: looked at again only now and then. */
const SETTLED = new Set(['done', 'declined']);
const SETTLED_RECHECK_MS = 24 * 3600_000;

/**
 * Every sent record that may still change, in as few requests as possible: on start-up, when the signal
 * comes back, and when the person opens the list (the page decides when; this decides what).
 */
export async function refreshOpenStatuses(db: OutboxDb, fetchFn: FetchLike, now: () => number = Date.now, baseUrl = ''): Promise<boolean> {
  const sent = await db.records.where('state').equals('sent').toArray();
  const open = sent.filter((record) => record.receipt && !record.replyTo && !isIntegrity(record) && (!SETTLED.has(record.receipt.status) || now() - (record.statusCheckedAt ?? 0) > SETTLED_RECHECK_MS));
  if (open.length === 0) return true;
  return refreshStatuses(db, open.map((record) => record.id), fetchFn, now, baseUrl);
}

/** The ids a push subscription follows: every sent named request (never a reply, never the integrity channel). */
export async function followedRequestIds(db: OutboxDb): Promise<string[]> {
  return (await db.records.where('state').equals('sent').toArray()).filter((record) => !record.replyTo && !isIntegrity(record)).map((record) => record.id);
}

/** One record (its page's "Atualizar"). */
export function refreshRecordStatus(db: OutboxDb, id: string, fetchFn: FetchLike, now: () => number = Date.now, baseUrl = ''): Promise<boolean> {
  return refreshStatuses(db, [id], fetchFn, now, baseUrl);
}
