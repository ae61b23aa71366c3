import { describe, expect, it, vi } from 'vitest';
import { OutboxExportSchema } from '../../src/shared/contract/outbox-export.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { SubmissionSchema } from '../../src/shared/contract/submissions.ts';
import { enqueueSubmission, MissingFileError } from '../../src/sync/outbox/enqueue.ts';
import { StorageFullError } from '../../src/sync/outbox/storage-errors.ts';
import { buildOutboxExport } from '../../src/sync/outbox/export.ts';
import { attachmentAddress, deviceSalt } from '../../src/sync/outbox/file-address.ts';
import { correctionDraftId, createDraftWriter, deleteDraft, deleteRecord, findResumableDraft, saveDraftWithFile } from '../../src/sync/outbox/drafts.ts';
import type { Draft } from '../../src/sync/outbox/db.ts';
import { freshDb, photo, queue, uuid } from '../support/sync-outbox.ts';

function draft(overrides: Partial<Draft> = {}): Draft {
  return {
    id: uuid(), serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: 1, kind: 'request', answers: {}, attachments: [],
    createdAt: 1, updatedAt: 1, summary: { serviceName: 'Tapa-buraco', formTitle: 'Pedir conserto' }, ...overrides,
  };
}

describe('enqueueSubmission', () => {
  it('writes the record, its photo and the end of its draft together', async () => {
    const { db } = freshDb();
    const d = draft();
    await db.drafts.put(d);
    const record = await queue(db, { id: d.id, draftId: d.id }, true);
    expect(record).toMatchObject({ state: 'queued', attempts: 0, nextAttemptAt: 0 });
    expect(record.summary.byteSize).toBeGreaterThan(record.attachments[0]!.size);
    expect(await db.blobs.count()).toBe(1);
    expect(await db.drafts.get(d.id)).toBeUndefined();
  });

  it('keeps the first record when the same submission is queued twice', async () => {
    const { db } = freshDb();
    const first = await queue(db);
    const again = await queue(db, { id: first.id, answers: { endereco: 'outra' } });
    expect(again.answers).toEqual(first.answers);
    expect(await db.records.count()).toBe(1);
  });

  it('writes nothing at all when the storage is full, and says so in plain words', async () => {
    const { db } = freshDb();
    const d = draft();
    await db.drafts.put(d);
    vi.spyOn(db.blobs, 'bulkPut').mockRejectedValueOnce(new DOMException('full', 'QuotaExceededError'));
    await expect(queue(db, { draftId: d.id }, true)).rejects.toBeInstanceOf(StorageFullError);
    await expect(queue(db, {}, false).then(() => 'second write works')).resolves.toBe('second write works');
    expect(await db.records.count()).toBe(1);
    expect(await db.blobs.count()).toBe(0);
    expect(await db.drafts.get(d.id)).toBeDefined();
    expect(new StorageFullError().message).toMatch(/armazenamento do celular está cheio/);
  });

  it('refuses a submission naming a photo that is not stored', async () => {
    const { db } = freshDb();
    const file = await photo(db);
    await expect(enqueueSubmission(db, {
      id: uuid(), kind: 'request', serviceId: 's', formId: 'f', formVersion: 1, answers: { fotos: [file.sha256] },
      attachments: [{ sha256: file.sha256, type: 'image/jpeg', size: file.blob.size, fieldId: 'fotos' }], files: [],
      summary: { serviceName: 's', formTitle: 'f' },
    })).rejects.toBeInstanceOf(MissingFileError);
    expect(await db.records.count()).toBe(0);
  });
});

describe('drafts', () => {
  it('saves every change, the newest last, without waiting for the disk', async () => {
    const { db } = freshDb();
    const errors: unknown[] = [];
    const writer = createDraftWriter(db, (e) => errors.push(e));
    const base = draft();
    for (let i = 1; i <= 50; i++) writer.save({ ...base, answers: { texto: 'a'.repeat(i) }, updatedAt: i });
    await writer.flush();
    expect((await db.drafts.get(base.id))?.answers).toEqual({ texto: 'a'.repeat(50) });
    expect(errors).toEqual([]);
  });

  it('offers the newest draft of the same form and service, and deletes one with its own photos only', async () => {
    const { db } = freshDb();
    const file = await photo(db);
    const attachment = { sha256: file.sha256, type: file.type, size: file.blob.size, fieldId: 'fotos' };
    const old = draft({ updatedAt: 5 });
    const newer = draft({ updatedAt: 9, attachments: [attachment] });
    await db.drafts.put(old);
    await saveDraftWithFile(db, newer, { sha256: file.sha256, blob: file.blob, type: file.type, size: file.blob.size });
    await db.drafts.put(draft({ formId: 'outro', updatedAt: 20 }));
    expect((await findResumableDraft(db, 'tapa-buraco', 'tapa-buraco'))?.id).toBe(newer.id);

    const record = await queue(db, { answers: { fotos: [file.sha256] }, attachments: [attachment], files: [] });
    await deleteDraft(db, newer.id);
    expect(await db.blobs.get(file.sha256)).toBeDefined(); // still used by the queued record
    await deleteRecord(db, record.id);
    expect(await db.blobs.get(file.sha256)).toBeUndefined();
  });
});

describe('buildOutboxExport ("Salvar cópia")', () => {
  it('exports unsent records with their photos in the import format, and nothing already sent', async () => {
    const { db } = freshDb();
    const withPhoto = await queue(db, {}, true);
    const rejected = await queue(db);
    await db.records.update(rejected.id, { state: 'rejected', fieldErrors: { endereco: 'x' } });
    const sent = await queue(db);
    await db.records.update(sent.id, { state: 'sent', answers: undefined });

    const file = await buildOutboxExport(db, () => Date.UTC(2026, 0, 2));
    const parsed = parseContract(OutboxExportSchema, JSON.parse(JSON.stringify(file)));
    expect(parsed.ok).toBe(true);
    expect(file.exportedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(file.submissions.map((s) => (s as { id: string }).id).sort()).toEqual([withPhoto.id, rejected.id].sort());
    for (const submission of file.submissions) expect(parseContract(SubmissionSchema, submission).ok).toBe(true);
    const blob = (await db.blobs.get(withPhoto.attachments[0]!.sha256))!.blob;
    const salt = await deviceSalt(db);
    expect(file.version).toBe(2);
    expect(file.attachments).toEqual([{
      sha256: withPhoto.attachments[0]!.sha256, type: 'image/jpeg', size: blob.size, salt,
      base64: Buffer.from(await blob.arrayBuffer()).toString('base64'),
    }]);
    // The salt lets the server check the bytes against the address.
    expect(await attachmentAddress(salt, blob)).toBe(withPhoto.attachments[0]!.sha256);
  });
});

describe('photos nothing names any more', () => {
  it('leave the phone when a submission is queued', async () => {
    const { db } = freshDb();
    const removed = await photo(db, 'removida do formulário');
    await db.blobs.put({ sha256: removed.sha256, blob: removed.blob, type: removed.type, size: removed.blob.size, createdAt: 1 });
    const kept = await queue(db, {}, true);

    expect(await db.blobs.get(removed.sha256)).toBeUndefined();
    expect(await db.blobs.get(kept.attachments[0]!.sha256)).toBeDefined();
  });
});

describe('deleting a rejected record', () => {
  it('also deletes its correction draft, which holds the same personal data', async () => {
    const { db } = freshDb();
    const record = await queue(db, {}, true);
    await db.records.update(record.id, { state: 'rejected' });
    await db.drafts.put(draft({ id: correctionDraftId(record.id), correctsRecordId: record.id, answers: { cpf: '529.982.247-25' }, attachments: record.attachments }));

    await deleteRecord(db, record.id);

    expect(await db.drafts.get(correctionDraftId(record.id))).toBeUndefined();
    expect(await db.blobs.count()).toBe(0);
  });
});
