import { describe, expect, it } from 'vitest';
import { countUnsent } from '../../src/sync/outbox/queries.ts';
import { eraseMyData } from '../../src/sync/outbox/erase.ts';
import { freshDb, queue } from '../support/sync-outbox.ts';

describe('eraseMyData', () => {
  it('tells how many unsent records would be lost, then erases records, photos and drafts together', async () => {
    const { db } = freshDb();
    await queue(db, {}, true);
    await queue(db);
    await db.drafts.put({
      id: 'rascunho-1', serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: 1, kind: 'request', answers: { endereco: 'Rua B' },
      attachments: [], createdAt: 1, updatedAt: 1, summary: { serviceName: 'Tapa-buraco', formTitle: 'Pedir conserto de buraco' },
    });
    expect(await countUnsent(db)).toBe(2);
    expect(await db.blobs.count()).toBe(1);

    await eraseMyData(db);

    expect(await countUnsent(db)).toBe(0);
    expect([await db.records.count(), await db.blobs.count(), await db.drafts.count()]).toEqual([0, 0, 0]);
  });
});
