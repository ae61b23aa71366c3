/**
 * "Salvar cópia": every unsent record with its photos, in the file format that
 * `npm run outbox:import -- FILE` accepts on the server (OutboxExportSchema), for a phone that can
 * never get signal. Reading happens in one transaction; encoding happens after it.
 *
 * A denúncia of the integrity channel is never in the file: the import takes the named path (a protocol,
 * the queue of a secretariat), and a file carried by hand to a counter is the opposite of an anonymous
 * channel. It stays on the phone and goes by itself when there is signal; the page says so.
 */
import { OUTBOX_EXPORT_FORMAT, type OutboxExport } from '../../shared/contract/outbox-export.ts';
import { type Submission } from '../../shared/contract/submissions.ts';
import { bytesToBase64 } from './base64.ts';
import { isIntegrity, UNSENT_STATES, type BlobRow, type OutboxDb } from './db.ts';
import { toSubmission } from './enqueue.ts';
import { deviceSalt } from './file-address.ts';

export async function buildOutboxExport(db: OutboxDb, now: () => number = Date.now): Promise<OutboxExport> {
  const { submissions, blobs } = await db.transaction('r', db.records, db.blobs, async () => {
    // Replies to the city's questions are not submissions: the import takes submissions only.
    const records = (await db.records.where('state').anyOf(UNSENT_STATES as string[]).sortBy('createdAt')).filter((r) => r.answers && !r.replyTo && !isIntegrity(r));
    const hashes = [...new Set(records.flatMap((r) => r.attachments.map((a) => a.sha256)))];
    const rows = (await db.blobs.bulkGet(hashes)).filter((row): row is BlobRow => row !== undefined);
    return { submissions: records.map(toSubmission) as Submission[], blobs: rows };
  });
  const salt = await deviceSalt(db);
  const attachments = [];
  for (const row of blobs) {
    // The salt lets the server check the bytes against the address; older rows are plain SHA-256.
    attachments.push({ sha256: row.sha256, type: row.type, size: row.blob.size, ...(row.salted ? { salt } : {}), base64: bytesToBase64(new Uint8Array(await row.blob.arrayBuffer())) });
  }
  return { format: OUTBOX_EXPORT_FORMAT, version: 2, exportedAt: new Date(now()).toISOString(), submissions, attachments };
}

export function exportFileName(now: Date = new Date()): string {
  return `conecta-conquista-copia-${now.toISOString().slice(0, 16).replace(/[:T]/g, '-')}.json`;
}
