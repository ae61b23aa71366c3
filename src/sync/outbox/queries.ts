/**
 * What the pages read from the outbox, in one place: a page or a form never touches a table, it reads
 * through these (kept live by the hooks of apps/citizen/outbox-ui/outbox-hooks.ts) and writes through
 * enqueue, drafts, reply, integrity and erase.
 */
import { UNSENT_STATES, isIntegrity, type BlobRow, type Draft, type OutboxDb, type OutboxRecord } from './db.ts';
import { hasNews } from './news.ts';

/** Every record shown as a request of its own, newest first: replies show on their request's page. */
export async function listRequests(db: OutboxDb): Promise<OutboxRecord[]> {
  return (await db.records.orderBy('createdAt').reverse().toArray()).filter((record) => !record.replyTo);
}

/** Drafts, the latest touched first. */
export function listDrafts(db: OutboxDb): Promise<Draft[]> {
  return db.drafts.orderBy('updatedAt').reverse().toArray();
}

/** One record; null when it is not (or no longer) on this phone. */
export async function findRecord(db: OutboxDb, id: string): Promise<OutboxRecord | null> {
  return (await db.records.get(id)) ?? null;
}

export function findDraft(db: OutboxDb, id: string): Promise<Draft | undefined> {
  return db.drafts.get(id);
}

/** The stored files of these addresses; an address gone from the phone is left out. */
export async function findFiles(db: OutboxDb, addresses: readonly string[]): Promise<BlobRow[]> {
  return (await db.blobs.bulkGet([...addresses])).filter((row): row is BlobRow => row !== undefined);
}

/** Records not yet acknowledged by the server: anything that would delete them must warn first. */
export function countUnsent(db: OutboxDb): Promise<number> {
  return db.records.where('state').anyOf(UNSENT_STATES as string[]).count();
}

/** Sent requests with news the person has not seen (the list, the home page, the app badge). */
export async function countNews(db: OutboxDb): Promise<number> {
  return db.records.where('state').equals('sent').filter(hasNews).count();
}

/** The replies written to a request, oldest first (its page shows them under the question). */
export function repliesTo(db: OutboxDb, requestId: string): Promise<OutboxRecord[]> {
  return db.records.filter((record) => record.replyTo === requestId).sortBy('createdAt');
}

/** Denúncias sent from this phone whose receipt is still kept (the person has not said "Já anotei"). */
export async function keptReceipts(db: OutboxDb): Promise<OutboxRecord[]> {
  return (await db.records.where('state').equals('sent').sortBy('createdAt'))
    .filter((record) => isIntegrity(record) && record.integrity?.kind === 'report' && record.integrity.receipt);
}

/** Messages for this receipt still waiting to leave the phone. */
export async function pendingMessages(db: OutboxDb, receipt: string): Promise<OutboxRecord[]> {
  return (await db.records.where('state').anyOf(UNSENT_STATES as string[]).sortBy('createdAt'))
    .filter((record) => isIntegrity(record) && record.integrity?.kind === 'message' && record.integrity.receipt === receipt);
}
