/**
 * Progress of sent records, from POST /api/submissions/status: one request for many records (the random
 * ids are the capability). Answers are parsed with the shared schema: a captive portal's page or a
 * proxy's error never reaches the phone's database.
 */
import { MAX_STATUS_IDS, StatusBatchResponseSchema, parseAnswer } from '../shared/schemas.ts';
import type { OutboxDb } from './db.ts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Refreshes the given sent records; true when the server answered (false offline or on a bad answer). */
export async function refreshStatuses(db: OutboxDb, ids: readonly string[], fetchFn: FetchLike, now: () => number = Date.now, baseUrl = ''): Promise<boolean> {
  for (let start = 0; start < ids.length; start += MAX_STATUS_IDS) {
    const chunk = ids.slice(start, start + MAX_STATUS_IDS);
    let body;
    try {
      const response = await fetchFn(`${baseUrl}/api/submissions/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ ids: chunk }),
      });
      if (!response.ok) return false;
      body = parseAnswer(StatusBatchResponseSchema, await response.json());
    } catch {
      return false;
    }
    if (!body) return false;
    const found = body.found;
    await db.transaction('rw', db.records, async () => {
      for (const status of found) {
        const record = await db.records.get(status.id);
        if (!record || record.state !== 'sent' || !record.receipt) continue;
        await db.records.update(status.id, {
          receipt: { ...record.receipt, status: status.status, protocol: status.protocol },
          statusHistory: status.history,
          statusCheckedAt: now(),
        });
      }
    });
  }
  return true;
}

/** One record (its page's "Atualizar"). */
export function refreshRecordStatus(db: OutboxDb, id: string, fetchFn: FetchLike, now: () => number = Date.now, baseUrl = ''): Promise<boolean> {
  return refreshStatuses(db, [id], fetchFn, now, baseUrl);
}
