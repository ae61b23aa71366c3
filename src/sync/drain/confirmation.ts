/**
 * The drainer's confirmation: a sent record keeps its answers and photos until a status read at least
 * CONFIRM_AFTER_MS after the acknowledgement finds it still stored on the server.
 */
import { MAX_STATUS_IDS } from '../../shared/contract/status.ts';
import { deleteUnreferencedBlobs } from '../outbox/blob-store.ts';
import { readStatusChunk, withFoundStatus } from '../status/status-reader.ts';
import { CONFIRM_RETRY_MS, type DrainReport, type SyncDeps } from './deps.ts';
import { SYNC_MESSAGES, request } from './request.ts';

/**
 * Confirms sent records whose time has come, in batched status reads: found on the server, their answers
 * and photos are deleted from the phone (LGPD: kept no longer than needed) and their status is refreshed;
 * missing, they are queued again under the same id.
 */
export async function confirmSent(deps: SyncDeps, report: DrainReport): Promise<void> {
  const { db } = deps;
  const now = deps.now();
  const due = await db.records.where('state').equals('sent').filter((r) => r.answers !== undefined && (r.confirmAfter ?? 0) <= now).toArray();
  // Through the drainer's request: counted as this drain's traffic, with its timeout.
  const viaDrain = (path: string, init?: RequestInit) => request(deps, path, init ?? {}, report);
  for (let start = 0; start < due.length; start += MAX_STATUS_IDS) {
    const ids = due.slice(start, start + MAX_STATUS_IDS).map((r) => r.id);
    const body = await readStatusChunk(viaDrain, ids);
    if (!body) {
      // A read that fails is tried again a minute later for every record still due: not at the next drain a
      // second away, which would hammer the server and, as other traffic, keep holding back a denúncia
      // waiting for a quiet moment.
      const later = now + CONFIRM_RETRY_MS;
      await db.records.where('id').anyOf(due.slice(start).map((r) => r.id)).modify((r) => {
        if (r.state === 'sent' && r.answers !== undefined) r.confirmAfter = later;
      });
      return;
    }
    const missing = new Set(body.missing);
    await db.transaction('rw', db.records, db.drafts, db.blobs, async () => {
      const freed: string[] = [];
      for (const status of body.found) {
        const record = await db.records.get(status.id);
        if (!record || record.state !== 'sent' || !record.receipt) continue;
        const { answers: _dropped, confirmAfter: _c, ...kept } = record;
        await db.records.put(withFoundStatus({ ...kept, receipt: record.receipt }, status, now));
        freed.push(...record.attachments.map((a) => a.sha256));
      }
      for (const id of ids.filter((id) => missing.has(id))) {
        const record = await db.records.get(id);
        if (!record || record.state !== 'sent' || !record.answers) continue;
        const { receipt: _r, confirmAfter: _c, ...kept } = record;
        await db.records.put({ ...kept, state: 'queued', attempts: 0, nextAttemptAt: 0, lastError: SYNC_MESSAGES.lostByServer, updatedAt: now });
        report.resent++;
      }
      await deleteUnreferencedBlobs(db, freed);
    });
  }
}
