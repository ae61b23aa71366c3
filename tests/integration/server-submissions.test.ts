import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS, VALID_CPF, evaluation, fileAddress, fixtureCharter, openTestStorage, postJson, potholeRequest, readJson, startServer, uploadFile, type TestServer,
} from '../support/server.ts';
import { acceptSubmission } from '../../src/server/domain/accept-submission.ts';
import { CharterCache } from '../../src/server/domain/current-charter.ts';
import { FormVersionConflictError, installCharter } from '../../src/server/storage/charter-store.ts';
import { setSubmissionStatus } from '../../src/server/storage/submission-store.ts';
import type { Charter } from '../../src/shared/contract/charter.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('pretend image data of a pothole')]);
const sha256 = (bytes: Buffer) => fileAddress(bytes);

/** The fixture with tapa-buraco at version 2: a new required field, cep dropped. */
function charterWithPotholeV2(): Charter {
  const charter = fixtureCharter();
  return {
    ...charter,
    version: 'fixture-2',
    forms: charter.forms.map((form) => form.id !== 'tapa-buraco' ? form : {
      ...form,
      version: 2,
      fields: [
        ...form.fields.filter((field) => field.id !== 'cep'),
        { id: 'referencia', label: 'Ponto de referência', type: 'text', required: true },
      ],
    }),
  };
}

describe.each(BACKENDS)('POST /api/submissions on %s', (backend) => {
  let server: TestServer;
  const post = (body: unknown) => postJson(`${server.url}/api/submissions`, body);
  beforeAll(async () => { server = await startServer({ backend }); });
  afterAll(async () => { await server?.close(); });

  it('stores a new submission (201), repeats its receipt for the same body (200) and refuses another body (409)', async () => {
    const submission = potholeRequest();
    const first = await post(submission);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: submission.id, protocol: expect.stringMatching(/^\d{4}-\d{6}$/), status: 'received', receivedAt: expect.any(String) });

    // Same content with keys in another order is the same body.
    const reordered = Object.fromEntries(Object.entries(submission).reverse());
    const again = await post(reordered);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const changed = await post({ ...submission, answers: { ...(submission.answers as object), descricao: 'Outro texto, outro buraco.' } });
    expect(changed.status).toBe(409);
    expect(changed.body).toEqual({ error: 'conflict', message: expect.stringContaining('identificador') });
  });

  it('answers 422 with pt-BR messages per field', async () => {
    const submission = potholeRequest();
    const answers = { ...(submission.answers as object), cpf: '529.982.247-24', telefone: '123', local: { district: 'atlantida' }, extra: 'x' };
    const response = await post({ ...submission, answers });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: 'invalid_answers',
      message: 'Algumas respostas precisam ser corrigidas.',
      fields: {
        cpf: 'CPF inválido. Confira os 11 números.',
        telefone: expect.stringContaining('Telefone inválido'),
        local: 'Distrito não encontrado na lista.',
        extra: 'Este campo não faz parte do formulário.',
      },
    });
    expect((await fetch(`${server.url}/api/submissions/${submission.id}`)).status).toBe(404);
  });

  it('refuses a malformed submission, unknown fields included, with the JSON path of each problem', async () => {
    const response = await post({ ...potholeRequest(), formVersion: 'um', surprise: true });
    expect(response.status).toBe(422);
    expect(response.body.error).toBe('invalid_submission');
    expect(response.body.fields).toMatchObject({ formVersion: 'Deveria ser um número.', surprise: 'Campo não previsto.' });
  });

  it('refuses what the database could not store with 422, never 500', async () => {
    const nul = await post(potholeRequest({ answers: { ...(potholeRequest().answers as object), descricao: 'Buraco\u0000 enorme na rua' } }));
    expect(nul.status).toBe(422);
    expect(nul.body.fields).toEqual({ 'answers.descricao': 'O texto contém um caractere inválido.' });
    const ancient = await post(potholeRequest({ createdAt: '1970-01-01T00:00:00Z' }));
    expect(ancient.status).toBe(422);
    expect(ancient.body.fields).toEqual({ createdAt: 'Data e hora inválidas.' });
    const impossible = await post(potholeRequest({ createdAt: '2026-02-31T10:00:00Z' }));
    expect(impossible.status).toBe(422);
    expect(impossible.body.fields).toEqual({ createdAt: 'Data e hora inválidas.' });
  });

  it('refuses unknown services, unknown form versions, a kind that is not the form\'s and another service\'s form', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ serviceId: 'servico-que-nao-existe' }, 'unknown_service'],
      [{ formVersion: 7 }, 'unknown_form_version'],
      [{ kind: 'manifestation' }, 'form_kind_mismatch'],
      [{ serviceId: 'carro-pipa' }, 'form_service_mismatch'],
    ];
    for (const [overrides, error] of cases) {
      const response = await post(potholeRequest(overrides));
      expect(response.status, error).toBe(422);
      expect(response.body.error).toBe(error);
      expect(response.body.message).toMatch(/[a-zà-ú]/);
    }
  });

  it('accepts an evaluation of any service through the evaluation form', async () => {
    const response = await post(evaluation({ answers: { nota: '4', comentario: 'Fui bem atendida.' } }));
    expect(response.status).toBe(201);
  });

  it('refuses a submission whose photo has not arrived, then accepts it once the photo is uploaded', async () => {
    const hash = sha256(PNG);
    const submission = potholeRequest({
      answers: { ...(potholeRequest().answers as object), fotos: [hash] },
      attachments: [{ sha256: hash, type: 'image/png', size: PNG.length, fieldId: 'fotos' }],
    });
    const refused = await post(submission);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: 'missing_attachments',
      message: expect.any(String),
      fields: { fotos: 'A foto ainda não chegou ao servidor. Ela será enviada de novo automaticamente.' },
    });
    expect((await fetch(`${server.url}/api/submissions/${submission.id}`)).status).toBe(404);

    const upload = await uploadFile(server.url, PNG, 'image/png');
    expect(upload.status).toBe(201);
    expect((await post(submission)).status).toBe(201);
  });

  it('refuses a photo listed under a size other than the stored file\'s', async () => {
    const bytes = Buffer.concat([PNG, Buffer.from('another photo')]);
    const hash = sha256(bytes);
    await uploadFile(server.url, bytes, 'image/png');
    const response = await post(potholeRequest({
      answers: { ...(potholeRequest().answers as object), fotos: [hash] },
      attachments: [{ sha256: hash, type: 'image/png', size: bytes.length + 1, fieldId: 'fotos' }],
    }));
    expect(response.status).toBe(422);
    expect(response.body.error).toBe('missing_attachments');
  });

  it('accepts a submission filled in with form version 1 after version 2 is installed, and judges v2 by v2', async () => {
    const filledOffline = potholeRequest({ answers: { ...(potholeRequest().answers as object), cep: '45000-000' } });
    await installCharter(server.storage, charterWithPotholeV2());
    try {
      expect((await post(filledOffline)).status).toBe(201);
      const v2 = await post(potholeRequest({ formVersion: 2 }));
      expect(v2.status).toBe(422);
      expect(v2.body.fields).toEqual({ referencia: 'Preencha este campo.' });
      expect((await post(potholeRequest({ formVersion: 2, answers: { ...(potholeRequest().answers as object), referencia: 'Em frente à escola' } }))).status).toBe(201);
    } finally {
      await installCharter(server.storage, { ...fixtureCharter(), version: 'fixture-3' });
    }
  });

  it('refuses to install a changed form under a version number already stored, changing nothing', async () => {
    const before = await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM charter_versions');
    const charter = fixtureCharter();
    const tampered = { ...charter, version: 'tampered', forms: charter.forms.map((f) => ({ ...f, title: `${f.title} (novo)` })) };
    await expect(installCharter(server.storage, tampered)).rejects.toBeInstanceOf(FormVersionConflictError);
    const after = await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM charter_versions');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('gives sequential protocol numbers within the year', async () => {
    const protocols: string[] = [];
    for (let i = 0; i < 5; i++) protocols.push((await post(potholeRequest())).body.protocol);
    const numbers = protocols.map((p) => Number(p.split('-')[1]));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  });

  it('numbers protocols by the year in Bahia (UTC−3), restarting at 1 in a new year', async () => {
    const deps = { storage: server.storage, charters: new CharterCache(server.storage) };
    const lateOnNewYearsEve = new Date('2030-01-01T02:30:00Z');
    const newYearInBahia = new Date('2030-01-01T03:30:00Z');
    const a = await acceptSubmission(deps, potholeRequest({ createdAt: '2029-12-31T20:00:00.000Z' }), lateOnNewYearsEve);
    const b = await acceptSubmission(deps, potholeRequest({ createdAt: '2029-12-31T20:00:00.000Z' }), newYearInBahia);
    const c = await acceptSubmission(deps, potholeRequest({ createdAt: '2029-12-31T20:00:00.000Z' }), newYearInBahia);
    expect([a, b, c].map((r) => ('receipt' in r ? r.receipt.protocol : r.outcome))).toEqual(['2029-000001', '2030-000001', '2030-000002']);
  });

  it('stores 100 concurrent posts of one submission once, and every answer carries its protocol', async () => {
    const submission = potholeRequest();
    const responses = await Promise.all(Array.from({ length: 100 }, () => post(submission)));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(99);
    expect(new Set(responses.map((r) => r.body.protocol)).size).toBe(1);
    const rows = await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM submissions WHERE id = $1', [submission.id]);
    expect(rows.rows[0]!.n).toBe(1);
    const history = await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM status_history WHERE submission_id = $1', [submission.id]);
    expect(history.rows[0]!.n).toBe(1);
  });
});

describe.each(BACKENDS)('GET /api/submissions/:id on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ backend }); });
  afterAll(async () => { await server?.close(); });

  it('shows status and history without answers or personal data', async () => {
    const submission = potholeRequest();
    const receipt = (await postJson(`${server.url}/api/submissions`, submission)).body;
    expect(await setSubmissionStatus(server.storage, submission.id as string, 'in_progress', 'Equipe agendada para quinta-feira.')).toBe(true);
    const response = await fetch(`${server.url}/api/submissions/${submission.id}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      ...receipt,
      status: 'in_progress',
      kind: 'request',
      serviceId: 'tapa-buraco',
      history: [
        { status: 'received', at: receipt.receivedAt },
        { status: 'in_progress', at: expect.any(String), note: 'Equipe agendada para quinta-feira.' },
      ],
      // The end of a day in Bahia (UTC−3), 30 business days on (the fixture's deadline).
      dueAt: expect.stringMatching(/T02:59:59\.999Z$/),
    });
    expect(Date.parse(JSON.parse(text).dueAt) - Date.parse(receipt.receivedAt)).toBeGreaterThan(30 * 24 * 3600_000);
    expect(text).not.toContain('Maria');
    // The CPF as typed and as digits (not a fragment: "529" turns up in a random UUID about once in 140 runs).
    expect(text).not.toContain(VALID_CPF);
    expect(text).not.toContain(VALID_CPF.replace(/\D/g, ''));
    expect(text).not.toContain('98888-7777');
  });

  it('answers 400 for an id that is not a UUID and 404 in pt-BR for an unknown one', async () => {
    const bad = await fetch(`${server.url}/api/submissions/not-a-uuid`);
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error).toBe('invalid_id');
    const unknown = await fetch(`${server.url}/api/submissions/${crypto.randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).message).toBe('Não encontramos um envio com este identificador.');
    expect(await setSubmissionStatus(server.storage, crypto.randomUUID(), 'done')).toBe(false);
  });
});

describe.each(BACKENDS)('two app instances on one %s database', (backend) => {
  it('store a submission raced to both once, with one protocol', async () => {
    const first = await openTestStorage(backend);
    // On PostgreSQL the second instance has its own pool on the same schema; PGlite is one process's database.
    const second = backend === 'postgres' ? await openTestStorage(backend, first.schema) : undefined;
    const a = await startServer({ storage: first.storage });
    const b = await startServer({ storage: second?.storage ?? first.storage, charter: false });
    try {
      const submission = potholeRequest();
      const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => postJson(`${(i % 2 ? a : b).url}/api/submissions`, submission)));
      expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
      expect(responses.every((r) => r.status === 201 || r.status === 200)).toBe(true);
      expect(new Set(responses.map((r) => r.body.protocol)).size).toBe(1);
      const rows = await first.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM submissions');
      expect(rows.rows[0]!.n).toBe(1);
    } finally {
      await a.close();
      await b.close();
      await second?.dispose();
      await first.dispose();
    }
  });
});
