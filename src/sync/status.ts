/** Progress of a sent record, from GET /api/submissions/:id (the random id is the capability). */
import type { SubmissionStatusResponse } from '../shared/schemas.ts';
import type { OutboxDb } from './db.ts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** True when the status was refreshed; false when offline or the server did not answer. */
export async function refreshRecordStatus(db: OutboxDb, id: string, fetchFn: FetchLike, now: () => number = Date.now, baseUrl = ''): Promise<boolean> {
  let response: Response;
  try {
    response = await fetchFn(`${baseUrl}/api/submissions/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' } });
  } catch {
    return false;
  }
  if (!response.ok) return false;
  let body: SubmissionStatusResponse;
  try {
    // A captive portal or a proxy may answer 200 with a page of its own.
    body = (await response.json()) as SubmissionStatusResponse;
  } catch {
    return false;
  }
  await db.transaction('rw', db.records, async () => {
    const record = await db.records.get(id);
    if (!record || record.state !== 'sent' || !record.receipt) return;
    await db.records.update(id, {
      receipt: { ...record.receipt, status: body.status, protocol: body.protocol },
      statusHistory: body.history,
      statusCheckedAt: now(),
    });
  });
  return true;
}
