/**
 * Drafts: saved on every change, never sent by themselves. Writes are coalesced (the newest draft
 * replaces one still waiting) and issued in idle time, so typing never waits for the disk and no change is lost.
 */
import type { OutboxDb, Draft, BlobRow } from './db.ts';
import { deleteUnreferencedBlobs } from './blob-store.ts';
import { guardQuota } from './storage-errors.ts';

export interface DraftWriter {
  /** Schedules the write of this draft state; returns at once. */
  save(draft: Draft): void;
  /** Issues a write still waiting for idle time now; resolves when everything saved so far is on disk. */
  flush(): Promise<void>;
}

/** The longest a change waits for idle time before its write is issued anyway. */
const IDLE_TIMEOUT_MS = 200;

/** requestIdleCallback where there is one (browsers); typed here because tests compile this file without DOM types. */
interface IdleScheduler {
  requestIdleCallback?(run: () => void, options: { timeout: number }): number;
  cancelIdleCallback?(handle: number): void;
}

function whenIdle(run: () => void): () => void {
  const scope = globalThis as IdleScheduler;
  if (scope.requestIdleCallback && scope.cancelIdleCallback) {
    const handle = scope.requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
    return () => scope.cancelIdleCallback!(handle);
  }
  const handle = setTimeout(run, 0);
  return () => clearTimeout(handle);
}

/**
 * The write is issued in the first idle time after the keystroke, not in the keystroke's own task:
 * issuing a Dexie put was most of the JavaScript of a keystroke (tests/bench/typing.ts) and pushed
 * keystroke tasks past 50 ms on a throttled phone CPU. The last keystroke reaches the disk within the idle
 * deadline, unasked (tests/e2e/outbox-drafts.test.ts). A write still waiting is issued at once by flush(),
 * which the form calls on hidden visibility (switching app: the page lives on, the write completes) and on
 * pagehide; a tab closed within that fraction of a second may still lose the last keystroke, because no
 * browser promises to finish a write started while the page goes away. The newest draft replaces one still
 * waiting, and a write in flight absorbs the keystrokes after it.
 */
export function createDraftWriter(db: OutboxDb, onError: (error: unknown) => void): DraftWriter {
  let waiting: Draft | undefined;
  let writing: Promise<void> | undefined;
  let cancelIdle: (() => void) | undefined;
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
  const writeNow = () => {
    writing ??= drain().finally(() => {
      writing = undefined;
      // A save() between the end of the loop and this line (a microtask, not a keystroke) found a write in flight.
      if (waiting) writeNow();
    });
  };
  const schedule = () => {
    if (writing || cancelIdle) return;
    cancelIdle = whenIdle(() => {
      cancelIdle = undefined;
      writeNow();
    });
  };
  return {
    save(draft) {
      waiting = draft;
      schedule();
    },
    async flush() {
      if (cancelIdle) {
        cancelIdle();
        cancelIdle = undefined;
        writeNow();
      }
      while (writing) await writing;
    },
  };
}

/** Stores a photo and the draft that names it in one transaction. */
export async function saveDraftWithFile(db: OutboxDb, draft: Draft, file: Omit<BlobRow, 'createdAt'>): Promise<void> {
  await guardQuota(() =>
    db.transaction('rw', db.drafts, db.blobs, async () => {
      await db.blobs.put({ ...file, createdAt: Date.now(), salted: true });
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

/** The draft in which a rejected record is corrected; submitting it resends under the record's id. */
export function correctionDraftId(recordId: string): string {
  return `corrigir-${recordId}`;
}

/** Deletes a record (the UI warns first when it is unsent), its correction draft and the photos only they used. */
export async function deleteRecord(db: OutboxDb, id: string): Promise<void> {
  await db.transaction('rw', db.drafts, db.records, db.blobs, async () => {
    const record = await db.records.get(id);
    if (!record) return;
    const correction = await db.drafts.get(correctionDraftId(id));
    await db.records.delete(id);
    await db.drafts.delete(correctionDraftId(id));
    await deleteUnreferencedBlobs(db, [...record.attachments, ...(correction?.attachments ?? [])].map((a) => a.sha256));
  });
}
