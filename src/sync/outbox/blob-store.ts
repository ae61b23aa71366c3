/**
 * Photo Blobs are shared by drafts and records (the same photo address may appear in both); a Blob is
 * deleted only when no draft and no record that still holds its data names it any more.
 */
import type { Attachment } from '../../shared/contract/submissions.ts';
import { holdsData, type OutboxDb } from './db.ts';

/** Must run inside a read-write transaction on records, drafts and blobs. */
export async function deleteUnreferencedBlobs(db: OutboxDb, candidates: Iterable<string>): Promise<number> {
  const wanted = new Set(candidates);
  if (wanted.size === 0) return 0;
  const stillUsed = new Set<string>();
  const note = (attachments: readonly Attachment[] | undefined) => attachments?.forEach((a) => stillUsed.add(a.sha256));
  // Unsent records, and sent ones not yet confirmed by a later status read, still hold their photos.
  await db.records.filter(holdsData).each((record) => note(record.attachments));
  await db.drafts.each((draft) => note(draft.attachments));
  const doomed = [...wanted].filter((hash) => !stillUsed.has(hash));
  await db.blobs.bulkDelete(doomed);
  return doomed.length;
}
