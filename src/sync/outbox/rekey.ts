/**
 * Photos saved by an older version of the app are addressed by their plain SHA-256, which the server no
 * longer accepts (it would tell anyone holding a copy whether a document was filed). Before sending, each
 * such photo gets its salted address, and every draft and record that names it is rewritten to match, in
 * one transaction: a photo is never left named by an address that no row holds.
 */
import type { AnswerValue, Answers, Attachment } from '../../shared/contract/submissions.ts';
import { holdsData, type BlobRow, type OutboxDb } from './db.ts';
import { attachmentAddress, deviceSalt } from './file-address.ts';

function renameAnswers(answers: Answers | undefined, renamed: ReadonlyMap<string, string>): Answers | undefined {
  if (!answers) return answers;
  const out: Answers = {};
  for (const [key, value] of Object.entries(answers)) {
    out[key] = Array.isArray(value) ? (value.map((item) => renamed.get(item) ?? item) as AnswerValue) : value;
  }
  return out;
}

function renameAttachments(attachments: readonly Attachment[], renamed: ReadonlyMap<string, string>): Attachment[] {
  return attachments.map((a) => (renamed.has(a.sha256) ? { ...a, sha256: renamed.get(a.sha256)! } : a));
}

/** Returns how many photos were re-addressed (almost always 0, after one scan of a small table). */
export async function rekeyLegacyPhotos(db: OutboxDb): Promise<number> {
  // Only photos that records are waiting to send: a form open in another tab keeps its draft's names until it is queued.
  const legacy = await db.blobs.filter((row) => !row.salted).toArray();
  if (legacy.length === 0) return 0;
  const named = new Set<string>();
  await db.records.filter(holdsData).each((record) => record.attachments.forEach((a) => named.add(a.sha256)));
  const due = legacy.filter((row) => named.has(row.sha256));
  if (due.length === 0) return 0;
  const salt = await deviceSalt(db);
  // Hashing happens before the transaction: IndexedDB commits a transaction that waits on anything else.
  const renamed = new Map<string, string>();
  for (const row of due) renamed.set(row.sha256, await attachmentAddress(salt, row.blob));
  await db.transaction('rw', db.records, db.drafts, db.blobs, async () => {
    const rows = (await db.blobs.bulkGet([...renamed.keys()])).filter((row): row is BlobRow => row !== undefined && !row.salted);
    await db.blobs.bulkPut(rows.map((row) => ({ ...row, sha256: renamed.get(row.sha256)!, salted: true })));
    await db.blobs.bulkDelete(rows.map((row) => row.sha256));
    await db.records.filter((record) => holdsData(record) && record.attachments.some((a) => renamed.has(a.sha256))).modify((record) => {
      record.attachments = renameAttachments(record.attachments, renamed);
      record.answers = renameAnswers(record.answers, renamed);
    });
    await db.drafts.filter((draft) => draft.attachments.some((a) => renamed.has(a.sha256))).modify((draft) => {
      draft.attachments = renameAttachments(draft.attachments, renamed);
      draft.answers = renameAnswers(draft.answers, renamed)!;
    });
  });
  return renamed.size;
}
