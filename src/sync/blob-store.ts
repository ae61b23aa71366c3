/**
 * Photo Blobs are shared by drafts and unsent records (the same photo hash may appear in both); a Blob
 * is deleted only when nothing unsent names it any more.
 */
import type { Attachment } from '../shared/schemas.ts';
import { type OutboxDb, UNSENT_STATES } from './db.ts';

/** Must run inside a read-write transaction on records, drafts and blobs. */
export async function deleteUnreferencedBlobs(db: OutboxDb, candidates: Iterable<string>): Promise<number> {
  const wanted = new Set(candidates);
  if (wanted.size === 0) return 0;
  const stillUsed = new Set<string>();
  const note = (attachments: readonly Attachment[] | undefined) => attachments?.forEach((a) => stillUsed.add(a.sha256));
  await db.records.where('state').anyOf(UNSENT_STATES as string[]).each((record) => note(record.attachments));
  await db.drafts.each((draft) => note(draft.attachments));
  const doomed = [...wanted].filter((hash) => !stillUsed.has(hash));
  await db.blobs.bulkDelete(doomed);
  return doomed.length;
}
