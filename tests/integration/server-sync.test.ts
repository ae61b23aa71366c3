import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, evaluation, postJson, potholeRequest, startServer, type TestServer } from '../support/server.ts';

describe.each(BACKENDS)('POST /api/sync on %s', (backend) => {
  let server: TestServer;
  const sync = (body: unknown) => postJson(`${server.url}/api/sync`, body);
  beforeAll(async () => { server = await startServer({ backend }); });
  afterAll(async () => { await server?.close(); });

  it('answers each item in order: accepted, duplicate, rejected, conflict, missing attachments, malformed', async () => {
    const stored = potholeRequest();
    const first = await postJson(`${server.url}/api/submissions`, stored);
    expect(first.status).toBe(201);

    const fresh = evaluation();
    const invalid = potholeRequest({ answers: { cpf: '000.000.000-00' } });
    const conflicting = { ...stored, answers: { ...(stored.answers as object), nome: 'Outra pessoa' } };
    const hash = 'a'.repeat(64);
    const withMissingPhoto = potholeRequest({
      answers: { ...(potholeRequest().answers as object), fotos: [hash] },
      attachments: [{ sha256: hash, type: 'image/jpeg', size: 1000, fieldId: 'fotos' }],
    });
    const malformedWithId = { id: 'not-a-uuid', kind: 'request' };
    const malformedWithoutId = 42;

    const response = await sync({ submissions: [fresh, stored, invalid, conflicting, withMissingPhoto, malformedWithId, malformedWithoutId, fresh] });
    expect(response.status).toBe(200);
    const results = response.body.results;
    expect(results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'accepted', 'duplicate', 'rejected', 'conflict', 'missing_attachments', 'rejected', 'rejected', 'duplicate',
    ]);
    expect(results.map((r: { id: string | null }) => r.id)).toEqual([
      fresh.id, stored.id, invalid.id, stored.id, withMissingPhoto.id, 'not-a-uuid', null, fresh.id,
    ]);
    expect(results[0].receipt).toEqual({ id: fresh.id, protocol: expect.stringMatching(/^\d{4}-\d{6}$/), status: 'received', receivedAt: expect.any(String) });
    expect(results[1].receipt).toEqual(first.body);
    expect(results[2].error).toMatchObject({ error: 'invalid_answers', fields: { cpf: 'CPF inválido. Confira os 11 números.' } });
    expect(results[3].error.error).toBe('conflict');
    expect(results[4].error.fields).toEqual({ fotos: 'A foto ainda não chegou ao servidor. Ela será enviada de novo automaticamente.' });
    expect(results[5].error.error).toBe('invalid_submission');
    expect(results[7].receipt).toEqual(results[0].receipt);
  });

  it('refuses more than 100 items with 413 and a pt-BR message, storing none', async () => {
    const items = Array.from({ length: 101 }, () => evaluation());
    const response = await sync({ submissions: items });
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ error: 'batch_too_large', message: expect.stringContaining('No máximo 100') });
    expect((await fetch(`${server.url}/api/submissions/${items[0]!.id}`)).status).toBe(404);
  });

  it('accepts a full batch of 100', async () => {
    const response = await sync({ submissions: Array.from({ length: 100 }, () => evaluation()) });
    expect(response.status).toBe(200);
    expect(response.body.results.every((r: { outcome: string }) => r.outcome === 'accepted')).toBe(true);
  });

  it('refuses an empty batch or an unexpected shape with 422', async () => {
    for (const body of [{ submissions: [] }, { items: [] }, { submissions: [evaluation()], extra: 1 }, []]) {
      const response = await sync(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.error).toBe('invalid_batch');
    }
  });
});
