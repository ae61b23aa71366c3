import type { OutboxDb } from './db.ts';

/**
 * "Apagar meus dados deste aparelho" (a shared phone, a community agent handing the device on): drafts,
 * records and photos go in one transaction, so nothing is left half-erased. The caller warns first when
 * countUnsent (queries.ts) says records would be lost.
 */
export async function eraseMyData(db: OutboxDb): Promise<void> {
  await db.transaction('rw', db.records, db.blobs, db.drafts, db.meta, async () => {
    // The file-address salt goes too: photos taken afterwards cannot be linked to this person's earlier ones.
    await Promise.all([db.records.clear(), db.blobs.clear(), db.drafts.clear(), db.meta.clear()]);
  });
}
