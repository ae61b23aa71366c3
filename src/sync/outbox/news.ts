/**
 * News of a sent request: a status or a public note the city wrote after the request arrived, that the
 * person has not yet seen (opening the request marks it seen). Used by the list, the home page, the app
 * badge and the service worker alike.
 */
import type { StatusEvent } from '../../shared/contract/status.ts';
import type { OutboxDb, OutboxRecord } from './db.ts';

/** The city's last word on a request: its latest status event. */
export function latestEvent(record: Pick<OutboxRecord, 'statusHistory'>): StatusEvent | undefined {
  return record.statusHistory?.at(-1);
}

/** The latest public note, if the city wrote any. */
export function latestNote(record: Pick<OutboxRecord, 'statusHistory'>): string | undefined {
  return [...(record.statusHistory ?? [])].reverse().find((event) => event.note)?.note;
}

export function hasNews(record: OutboxRecord): boolean {
  if (record.state !== 'sent' || !record.statusHistory || record.statusHistory.length < 2) return false;
  const last = latestEvent(record)!;
  return record.newsSeenAt === undefined || Date.parse(last.at) > Date.parse(record.newsSeenAt);
}

/** The person opened the request: what the city wrote so far is no longer "novo". */
export async function markNewsSeen(db: OutboxDb, id: string): Promise<void> {
  await db.transaction('rw', db.records, async () => {
    const record = await db.records.get(id);
    const last = record && latestEvent(record);
    if (last && record.newsSeenAt !== last.at) await db.records.update(id, { newsSeenAt: last.at });
  });
}
