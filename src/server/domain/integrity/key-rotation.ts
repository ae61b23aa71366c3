/** Key rotation of the integrity channel: every sealed row re-sealed with the current key, in one transaction. */
import type { IntegrityDeps } from './reports.ts';

/** Re-seals every row with the current key (after INTEGRITY_KEY changed and the old one is INTEGRITY_KEY_PREVIOUS). */
export async function rotateKeys({ storage, keys }: IntegrityDeps): Promise<number> {
  let count = 0;
  await storage.transaction(async (tx) => {
    const reports = await tx.query<{ id: string; key_id: string; contents: Uint8Array; identity: Uint8Array | null }>('SELECT id, key_id, contents, identity FROM integrity_reports WHERE key_id <> $1', [keys.currentId]);
    for (const row of reports.rows) {
      const contents = keys.seal(keys.open({ keyId: row.key_id, blob: Buffer.from(row.contents) }));
      const identity = row.identity ? keys.seal(keys.open({ keyId: row.key_id, blob: Buffer.from(row.identity) })).blob : null;
      await tx.query('UPDATE integrity_reports SET key_id = $2, contents = $3, identity = $4 WHERE id = $1', [row.id, contents.keyId, contents.blob, identity]);
      count++;
    }
    for (const table of ['integrity_messages', 'integrity_files', 'integrity_inbox']) {
      const rows = await tx.query<{ id: string; key_id: string; contents: Uint8Array }>(`SELECT id, key_id, contents FROM ${table} WHERE key_id <> $1`, [keys.currentId]);
      for (const row of rows.rows) {
        const sealed = keys.seal(keys.open({ keyId: row.key_id, blob: Buffer.from(row.contents) }));
        await tx.query(`UPDATE ${table} SET key_id = $2, contents = $3 WHERE id = $1`, [row.id, sealed.keyId, sealed.blob]);
        count++;
      }
    }
  });
  return count;
}
