/** Key rotation of the integrity channel: every sealed row re-sealed with the current key, in one transaction. */
import { SEALED_TABLES, reportsSealedWithOtherKey, resealReport, resealRow, rowsSealedWithOtherKey } from '../../storage/integrity-store.ts';
import type { IntegrityDeps } from './reports.ts';

/** Re-seals every row with the current key (after INTEGRITY_KEY changed and the old one is INTEGRITY_KEY_PREVIOUS). */
export async function rotateKeys({ storage, keys }: IntegrityDeps): Promise<number> {
  let count = 0;
  await storage.transaction(async (tx) => {
    for (const row of await reportsSealedWithOtherKey(tx, keys.currentId)) {
      const contents = keys.seal(keys.open(row.contents));
      // The identity is sealed with the contents' key (one key id per row).
      const identity = row.identity ? keys.seal(keys.open(row.identity)).blob : null;
      await resealReport(tx, row.id, contents, identity);
      count++;
    }
    for (const table of SEALED_TABLES) {
      for (const row of await rowsSealedWithOtherKey(tx, table, keys.currentId)) {
        await resealRow(tx, table, row.id, keys.seal(keys.open(row.contents)));
        count++;
      }
    }
  });
  return count;
}
