/**
 * Following a request by protocol and follow-up code (POST /api/pedidos/acompanhar), on the real server:
 * what a code holder sees, what the database keeps, and what a guesser learns (nothing but one 404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, postJson, potholeRequest, startServer, type TestServer } from '../support/server.ts';
import { setSubmissionStatus } from '../../src/server/storage/submission-store.ts';
import { makeFollowUpCode } from '../../src/sync/outbox/follow-up-code.ts';

const NOT_FOUND = { error: 'not_found', message: 'Não encontramos um pedido com este protocolo e este código. Confira os dois e tente de novo.' };

describe.each(BACKENDS)('following a request by protocol and code on %s', (backend) => {
  let server: TestServer;
  const follow = (body: unknown) => postJson(`${server.url}/api/pedidos/acompanhar`, body);
  const submit = async (overrides: Record<string, unknown> = {}) => {
    const submission = potholeRequest(overrides);
    const answer = await postJson(`${server.url}/api/submissions`, submission);
    expect(answer.status).toBe(201);
    return { submission, protocol: (answer.body as { protocol: string }).protocol };
  };
  beforeAll(async () => { server = await startServer({ backend, receiptLookupsPerMinute: 1000 }); });
  afterAll(async () => { await server?.close(); });

  it('shows the course of the request to the code holder, without its answers, and keeps only an argon2id hash', async () => {
    const code = makeFollowUpCode();
    const { submission, protocol } = await submit({ followUpCode: code });
    await setSubmissionStatus(server.storage, submission.id as string, 'waiting_citizen', 'Em qual rua fica o buraco?');

    // Typed as people type it: lower case, grouped, with an O for the zero.
    const typed = `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase().replace(/0/g, 'o');
    const found = await follow({ protocol, code: typed });
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      protocol, kind: 'request', serviceId: 'tapa-buraco', status: 'waiting_citizen', receivedAt: expect.any(String), dueAt: expect.any(String),
      history: [
        { status: 'received', at: expect.any(String) },
        { status: 'waiting_citizen', at: expect.any(String), note: 'Em qual rua fica o buraco?' },
      ],
    });
    expect(JSON.stringify(found.body)).not.toContain('Maria');
    expect(JSON.stringify(found.body)).not.toContain(submission.id as string);

    const stored = await server.storage.query<{ follow_up_hash: string; answers: unknown }>('SELECT follow_up_hash, answers FROM submissions WHERE protocol = $1', [protocol]);
    expect(stored.rows[0]!.follow_up_hash).toMatch(/^\$argon2id\$v=19\$m=8192,t=3,p=1\$/);
    expect(JSON.stringify(stored.rows[0])).not.toContain(code);
  });

  it('answers the same 404 to a wrong code, an unknown protocol, a request with no code and any malformed body', async () => {
    const code = makeFollowUpCode();
    const { protocol } = await submit({ followUpCode: code });
    const { protocol: withoutCode } = await submit();
    const other = code.startsWith('Z') ? `Y${code.slice(1)}` : `Z${code.slice(1)}`;
    const tries: unknown[] = [
      { protocol, code: other },
      { protocol: '2099-999999', code },
      { protocol: withoutCode, code },
      { protocol, code: 'não é código' },
      { protocol: 'protocolo', code },
      { protocol },
      { protocol, code, extra: 1 },
      [],
    ];
    for (const body of tries) {
      const answer = await follow(body);
      expect({ body, status: answer.status, answer: answer.body }).toEqual({ body, status: 404, answer: NOT_FOUND });
    }
  });

  it('keeps the code of the first copy: a retry is the same request, another code on the same id is a conflict', async () => {
    const code = makeFollowUpCode();
    const submission = potholeRequest({ followUpCode: code });
    expect((await postJson(`${server.url}/api/submissions`, submission)).status).toBe(201);
    expect((await postJson(`${server.url}/api/submissions`, submission)).status).toBe(200);
    const changed = await postJson(`${server.url}/api/submissions`, { ...submission, followUpCode: makeFollowUpCode() });
    expect(changed.status).toBe(409);
  });

  it('refuses a code outside the alphabet with a pt-BR message, storing nothing', async () => {
    const submission = potholeRequest({ followUpCode: 'ILOU1234' });
    const answer = await postJson(`${server.url}/api/submissions`, submission);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ fields: { followUpCode: 'Código de acompanhamento inválido.' } });
    const stored = await server.storage.query('SELECT 1 FROM submissions WHERE id = $1', [submission.id]);
    expect(stored.rows).toEqual([]);
  });

  it('raises one alarm in the audit log after many wrong codes, with no address', async () => {
    const { protocol } = await submit({ followUpCode: makeFollowUpCode() });
    for (let i = 0; i < 20; i++) expect((await follow({ protocol, code: 'AAAAAAAA' })).status).toBe(404);
    const alarms = await server.storage.query<{ account_id: string | null; target: string }>(
      "SELECT account_id, target FROM staff_audit WHERE action = 'follow_up_guessing_alarm'",
    );
    expect(alarms.rows.length).toBe(1);
    expect(alarms.rows[0]!.account_id).toBeNull();
    expect(alarms.rows[0]!.target).toMatch(/^\d+ códigos de acompanhamento errados em 10 minutos$/);
  });
});

describe('the per-address limit of follow-up lookups', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ backend: 'pglite' }); });
  afterAll(async () => { await server?.close(); });

  it('answers the eleventh lookup in a minute with a pt-BR 429, even though the citizen API runs here without a limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await postJson(`${server.url}/api/pedidos/acompanhar`, { protocol: '2026-000001', code: 'AAAAAAAA' })).status);
    expect(statuses).toEqual([...Array<number>(10).fill(404), 429]);
  });
});
