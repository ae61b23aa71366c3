import type { AttachmentType } from '../../shared/schemas.ts';
import type { Queryable } from './types.ts';

export interface AttachmentMeta {
  sha256: string;
  type: AttachmentType;
  size: number;
}

/** Stores a verified file; 'exists' when the same hash was stored before (uploads are idempotent). */
export async function putAttachment(db: Queryable, file: AttachmentMeta & { bytes: Uint8Array }): Promise<'created' | 'exists'> {
  const result = await db.query(
    `INSERT INTO attachments (sha256, type, size, bytes) VALUES ($1, $2, $3, $4)
     ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
    [file.sha256, file.type, file.size, file.bytes],
  );
  return result.rowCount > 0 ? 'created' : 'exists';
}

export async function findAttachments(db: Queryable, hashes: readonly string[]): Promise<Map<string, AttachmentMeta>> {
  if (hashes.length === 0) return new Map();
  const result = await db.query<{ sha256: string; type: AttachmentType; size: number }>(
    'SELECT sha256, type, size FROM attachments WHERE sha256 = ANY($1::text[])',
    [[...new Set(hashes)]],
  );
  return new Map(result.rows.map((row) => [row.sha256, row]));
}

export async function readAttachment(db: Queryable, sha256: string): Promise<(AttachmentMeta & { bytes: Uint8Array }) | null> {
  const result = await db.query<{ sha256: string; type: AttachmentType; size: number; bytes: Uint8Array }>(
    'SELECT sha256, type, size, bytes FROM attachments WHERE sha256 = $1',
    [sha256],
  );
  return result.rows[0] ?? null;
}
