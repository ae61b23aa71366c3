/**
 * Drafts: saved on every change, never sent by themselves. Writes are coalesced (the newest draft
 * replaces one still waiting) so typing never waits for the disk and no change is lost.
 */
import type { OutboxDb, Draft, BlobRow } from './db.ts';
import { deleteUnreferencedBlobs } from './blob-store.ts';
import { guardQuota } from './storage-errors.ts';

export interface DraftWriter {
  /** Schedules the write of this draft state; returns at once. */
  save(draft: Draft): void;
  /** Resolves when everything saved so far is on disk. */
  flush(): Promise<void>;
}

/**
 * The write is issued in the keystroke's own task: a write scheduled for later was measured to lose the
 * last characters when the tab closed right after typing (tests/e2e/outbox-drafts.test.ts); its cost
 * (one structured clone of the answers) is small, and a write in flight absorbs the keystrokes after it.
 */
export function createDraftWriter(db: OutboxDb, onError: (error: unknown) => void): DraftWriter {
  let waiting: Draft | undefined;
  let writing: Promise<void> | undefined;
  const drain = async () => {
    while (waiting) {
      const draft = waiting;
      waiting = undefined;
      try {
        await guardQuota(() => db.drafts.put(draft));
      } catch (error) {
        onError(error);
      }
    }
  };
  return {
    save(draft) {
      waiting = draft;
      writing ??= drain().finally(() => {
        writing = undefined;
      });
    },
    async flush() {
      while (writing) await writing;
    },
  };
}

/** Stores a photo and the draft that names it in one transaction. */
export async function saveDraftWithFile(db: OutboxDb, draft: Draft, file: Omit<BlobRow, 'createdAt'>): Promise<void> {
  await guardQuota(() =>
    db.transaction('rw', db.drafts, db.blobs, async () => {
      await db.blobs.put({ ...file, createdAt: Date.now() });
      await db.drafts.put(draft);
    }),
  );
}

/** The most recent draft of this form for this service, to offer "continue where you stopped". */
export async function findResumableDraft(db: OutboxDb, formId: string, serviceId: string): Promise<Draft | undefined> {
  const drafts = await db.drafts.where('[formId+serviceId]').equals([formId, serviceId]).toArray();
  return drafts.filter((d) => !d.correctsRecordId).sort((a, b) => b.updatedAt - a.updatedAt)[0];
}

export async function deleteDraft(db: OutboxDb, id: string): Promise<void> {
  await db.transaction('rw', db.drafts, db.records, db.blobs, async () => {
    const draft = await db.drafts.get(id);
    if (!draft) return;
    await db.drafts.delete(id);
    await deleteUnreferencedBlobs(db, draft.attachments.map((a) => a.sha256));
  });
}

/** Deletes a record (the UI warns first when it is unsent) and the photos only it used. */
export async function deleteRecord(db: OutboxDb, id: string): Promise<void> {
  await db.transaction('rw', db.drafts, db.records, db.blobs, async () => {
    const record = await db.records.get(id);
    if (!record) return;
    await db.records.delete(id);
    await deleteUnreferencedBlobs(db, record.attachments.map((a) => a.sha256));
  });
}
