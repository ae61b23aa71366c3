import type { AttachmentType } from '../../shared/contract/submissions.ts';
import type { AttachmentRow } from './types.ts';
import type { Queryable, Storage } from './types.ts';

export type AttachmentMeta = AttachmentRow;

/**
 * The files a submission may cite, by address. Only salted addresses count: a file stored under its plain
 * SHA-256 (before salting) is never confirmed by address, so holding a copy of a document tells no one
 * whether it was filed. The "Salvar cópia" import (staff, from the person's own file) may include them.
 */
export async function findAttachments(db: Queryable, hashes: readonly string[], { includeUnsalted = false } = {}): Promise<Map<string, AttachmentMeta>> {
  if (hashes.length === 0) return new Map();
  const result = await db.query<{ sha256: string; type: AttachmentType; size: number }>(
    'SELECT sha256, type, size FROM attachments WHERE sha256 = ANY($1::text[]) AND (salted OR $2)',
    [[...new Set(hashes)], includeUnsalted],
  );
  return new Map(result.rows.map((row) => [row.sha256, row]));
}

/** A stored file with its bytes (staff and tests; no citizen route reads files back). */
export async function readAttachment(storage: Storage, sha256: string): Promise<(AttachmentMeta & { bytes: Buffer }) | null> {
  const result = await storage.query<{ sha256: string; type: AttachmentType; size: number }>(
    'SELECT sha256, type, size FROM attachments WHERE sha256 = $1',
    [sha256],
  );
  const row = result.rows[0];
  if (!row) return null;
  const bytes = await storage.files.read(storage, sha256);
  return bytes ? { ...row, bytes } : null;
}

/**
 * Deletes files that no submission cites and that arrived before `before` (uploads whose submission never
 * came). Small batches: if a submission cites one of them at the same instant, the foreign key from
 * submission_attachments makes that batch fail, and the file is looked at again next time.
 */
export async function sweepOrphanAttachments(storage: Storage, before: Date, batchSize = 200): Promise<number> {
  let removed = 0;
  for (;;) {
    let gone: string[];
    try {
      const deleted = await storage.query<{ sha256: string }>(
        `DELETE FROM attachments WHERE sha256 IN (
           SELECT a.sha256 FROM attachments a
           WHERE a.received_at < $1 AND NOT EXISTS (SELECT 1 FROM submission_attachments l WHERE l.sha256 = a.sha256)
           LIMIT $2)
         RETURNING sha256`,
        [before, batchSize],
      );
      gone = deleted.rows.map((row) => row.sha256);
    } catch {
      break;
    }
    await storage.files.remove(gone);
    removed += gone.length;
    if (gone.length < batchSize) break;
  }
  return removed;
}
