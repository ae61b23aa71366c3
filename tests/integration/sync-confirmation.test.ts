/**
 * The phone's belt and braces, against the real server: a sent record keeps its answers and photo until a
 * status read, two minutes after the acknowledgement, finds it on the server. When the server lost it (here
 * the row is deleted behind the phone's back, as a disk lost after the answer would), the phone sends it
 * again under the same id, and only then lets go of its copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncDeps } from '../../src/sync/drain/deps.ts';
import { drainOutbox } from '../../src/sync/drain/loop.ts';
import { fileAddress } from '../../src/sync/outbox/file-address.ts';
import { BACKENDS, startServer, type TestServer } from '../support/server.ts';
import { readAttachment } from '../../src/server/storage/attachment-store.ts';
import { clock, freshDb, PAST_CONFIRMATION_MS, queue } from '../support/sync-outbox.ts';

describe.each(BACKENDS)('confirming sent records on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ backend }); });
  afterAll(async () => { await server?.close(); });

  it('sends again a record the server lost after acknowledging it, then drops the phone\'s copy', async () => {
    const { db } = freshDb();
    const time = clock(Date.now());
    const deps: SyncDeps = { db, fetch: (input, init) => fetch(input, init), now: time.now, random: () => 0.5, baseUrl: server.url };
    const blob = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...crypto.getRandomValues(new Uint8Array(2000))])], { type: 'image/jpeg' });
    const address = await fileAddress(db, blob);
    const record = await queue(db, {
      answers: {
        descricao: 'Buraco grande na frente da escola municipal.',
        local: { district: 'igua', village: 'Cachoeira' },
        fotos: [address],
        nome: 'Maria da Conceição Souza',
        cpf: '529.982.247-25',
        telefone: '(77) 98888-7777',
        aceite: true,
      },
      attachments: [{ sha256: address, type: 'image/jpeg', size: blob.size, fieldId: 'fotos' }],
      files: [{ sha256: address, blob, type: 'image/jpeg' }],
    });
    const photo = record.attachments[0]!;

    const first = await drainOutbox(deps);
    expect(first).toMatchObject({ sent: 1, rejected: 0 });
    const protocol = (await db.records.get(record.id))!.receipt!.protocol;
    expect((await db.records.get(record.id))?.answers).toBeDefined();

    // The server loses the submission and its file after having answered 201.
    await server.storage.query('DELETE FROM status_history WHERE submission_id = $1', [record.id]);
    await server.storage.query('DELETE FROM submission_attachments WHERE submission_id = $1', [record.id]);
    await server.storage.query('DELETE FROM submissions WHERE id = $1', [record.id]);
    await server.storage.query('DELETE FROM attachments WHERE sha256 = $1', [photo.sha256]);

    time.advance(PAST_CONFIRMATION_MS);
    const second = await drainOutbox(deps);
    expect(second).toMatchObject({ resent: 1, sent: 1 });
    const stored = await server.storage.query<{ id: string; protocol: string }>('SELECT id, protocol FROM submissions WHERE id = $1', [record.id]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.protocol).not.toBe(protocol);
    expect((await readAttachment(server.storage, photo.sha256))?.size).toBe(photo.size);
    expect((await db.records.get(record.id))?.answers).toBeDefined();

    time.advance(PAST_CONFIRMATION_MS);
    await drainOutbox(deps);
    const confirmed = await db.records.get(record.id);
    expect(confirmed?.answers).toBeUndefined();
    expect(confirmed?.receipt?.protocol).toBe(stored.rows[0]!.protocol);
    expect(await db.blobs.count()).toBe(0);
  });
});
