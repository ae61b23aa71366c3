import { describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { OUTBOX_DB_NAME, OUTBOX_SCHEMA_V1, openOutboxDb } from '../../src/sync/outbox/db.ts';
import { drainOutbox } from '../../src/sync/drain/loop.ts';
import { attachmentAddress, deviceSalt, sha256Hex } from '../../src/sync/outbox/file-address.ts';
import { createFakeEndpoint } from '../support/sync-fake-endpoint.ts';
import { depsFor } from '../support/sync-outbox.ts';

describe('outbox schema upgrade', () => {
  it('keeps queued records, their photos and drafts when a new app version upgrades the database', async () => {
    const factory = new IDBFactory();
    // The database as the first shipped version wrote it: v1 schema, records without the later bookkeeping.
    const v1 = new Dexie(OUTBOX_DB_NAME, { indexedDB: factory, IDBKeyRange });
    v1.version(1).stores(OUTBOX_SCHEMA_V1);
    const blob = new Blob(['\xff\xd8old photo'], { type: 'image/jpeg' });
    const sha = await sha256Hex(blob);
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    await v1.table('blobs').put({ sha256: sha, blob, type: 'image/jpeg', size: blob.size, createdAt: 1 });
    for (const [i, id] of ids.entries()) {
      await v1.table('records').put({
        id, state: 'queued', kind: 'request', serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: 1,
        answers: { endereco: `Rua ${i}`, ...(i === 0 ? { fotos: [sha] } : {}) },
        ...(i === 0 ? { attachments: [{ sha256: sha, type: 'image/jpeg', size: blob.size, fieldId: 'fotos' }] } : {}),
        createdAt: `2026-01-0${i + 1}T10:00:00.000Z`, summary: { serviceName: 'Tapa-buraco', formTitle: 'Pedir', byteSize: 10 },
      });
    }
    await v1.table('drafts').put({ id: 'd1', serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: 1, kind: 'request', answers: { endereco: 'meio' }, attachments: [], createdAt: 1, updatedAt: 2, summary: { serviceName: 'a', formTitle: 'b' } });
    v1.close();

    const db = openOutboxDb({ indexedDB: factory, IDBKeyRange });
    await db.open();
    expect(db.verno).toBeGreaterThan(1);
    const records = await db.records.orderBy('createdAt').toArray();
    expect(records.map((r) => [r.id, r.state, r.attempts, r.nextAttemptAt])).toEqual(ids.map((id) => [id, 'queued', 0, 0]));
    expect(records[1]!.attachments).toEqual([]);
    expect(await db.blobs.get(sha)).toBeDefined();
    expect((await db.drafts.get('d1'))?.answers).toEqual({ endereco: 'meio' });

    const endpoint = createFakeEndpoint();
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report).toMatchObject({ sent: 2, pending: 0 });
    expect(endpoint.stored.size).toBe(2);
    // The photo saved by the old version goes up under its salted address, and the record names that address.
    const salted = await attachmentAddress(await deviceSalt(db), blob);
    expect(salted).not.toBe(sha);
    expect(endpoint.badUploads).toEqual([]);
    expect([...endpoint.files.keys()]).toEqual([salted]);
    const sentBody = JSON.parse(endpoint.stored.get(ids[0]!)!.body);
    expect(sentBody.attachments[0].sha256).toBe(salted);
    expect(sentBody.answers.fotos).toEqual([salted]);
    expect(await db.blobs.get(sha)).toBeUndefined();
    expect((await db.blobs.get(salted))?.salted).toBe(true);
  });
});
