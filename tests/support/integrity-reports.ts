/**
 * Integrity reports put straight into the table, as the mixer moves them in (its own insert) and each
 * sealed like a real one: a list of many reports without a slow receipt hash per report.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IntegrityKeys } from '../../src/server/domain/integrity/crypto.ts';
import { insertReport } from '../../src/server/storage/integrity-store.ts';
import type { Storage } from '../../src/server/storage/types.ts';
import { appTestCharter } from './app-charter.ts';

const FORM_VERSION = appTestCharter().forms.find((f) => f.id === 'denuncia-integridade')!.version;

/** `count` anonymous reports of type "propina", spread over the days in turn; returned in the list's order (newest day first, then by id). */
export async function seedReports(storage: Storage, keys: IntegrityKeys, count: number, days: readonly string[]): Promise<{ id: string; day: string }[]> {
  const seeded = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), day: days[i % days.length]! }));
  await storage.transaction(async (tx) => {
    for (const [i, report] of seeded.entries()) {
      const contents = keys.seal(JSON.stringify({ formId: 'denuncia-integridade', formVersion: FORM_VERSION, answers: { tipo: 'propina', orgao: 'educacao', relato: `Relato ${i}` } }));
      await insertReport(tx, {
        id: report.id, clientHash: createHash('sha256').update(`relato:${report.id}`).digest('hex'), receiptHash: randomBytes(32).toString('hex'),
        receiptForRetry: null, retryUntil: report.day, identification: 'anonimo', contents, identity: null, receivedDay: report.day,
      });
    }
  });
  // A uuid sorts as its lowercase hex text.
  return seeded.sort((a, b) => (a.day === b.day ? (a.id < b.id ? -1 : 1) : a.day < b.day ? 1 : -1));
}
