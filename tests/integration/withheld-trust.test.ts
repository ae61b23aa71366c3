/**
 * Issue 15 review, items 4 and 5, as the attacker's steps: a secretariat tying a forwarded manifestação
 * whose identity stays with the Ouvidoria to the same citizen's named request (the next protocol, the same
 * millisecond), or reading the citizen's replies to the Ouvidoria's questions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appTestCharter } from '../support/app-charter.ts';
import { BACKENDS, VALID_CPF, postJson, startServer, type TestServer } from '../support/server.ts';
import { StaffClient, addAccount } from '../support/staff.ts';

const charter = appTestCharter();
const MANIFESTATION_FORM = charter.forms.find((f) => f.id === 'manifestacao-ouvidoria')!;
const POTHOLE_FORM = charter.forms.find((f) => f.id === 'tapa-buraco')!;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(BACKENDS)('a manifestação read without its author on %s', (backend) => {
  let server: TestServer;
  const staff: Record<'ouvidoria' | 'controladoria' | 'gestorSaude', StaffClient> = {} as never;

  beforeAll(async () => {
    server = await startServer({ backend, charter });
    const people = {
      ouvidoria: await addAccount(server.storage, ['ouvidoria'], []),
      controladoria: await addAccount(server.storage, ['controladoria'], []),
      gestorSaude: await addAccount(server.storage, ['gestor'], ['saude']),
    };
    for (const [role, person] of Object.entries(people)) {
      const client = new StaffClient(server.url);
      await client.signIn(person.email);
      staff[role as keyof typeof staff] = client;
    }
  });
  afterAll(async () => { await server?.close(); });

  /** What the app sends from one phone in one go: a named pothole request, then a complaint to the Ouvidoria. */
  async function namedRequestThenComplaint(share: boolean): Promise<{ named: string; complaint: string }> {
    const createdAt = Date.now();
    const named = {
      id: crypto.randomUUID(), kind: 'request', serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: POTHOLE_FORM.version,
      answers: { local: { district: 'sede', village: 'Centro' }, endereco: 'Rua das Flores, 10', tamanho: 'grande', cpf: VALID_CPF, consentimento: true },
      attachments: [], createdAt: new Date(createdAt).toISOString(),
    };
    const complaint = {
      id: crypto.randomUUID(), kind: 'manifestation', serviceId: 'manifestacao-ouvidoria', formId: MANIFESTATION_FORM.id, formVersion: MANIFESTATION_FORM.version,
      answers: {
        tipo: 'reclamacao', assunto: 'Recepção do posto', relato: 'A recepcionista do posto do Centro me tratou mal.',
        identificar: true, nome: 'Joana Reclamante', cpf: VALID_CPF, ...(share ? { compartilhar: true } : {}), consentimento: true,
      },
      attachments: [], createdAt: new Date(createdAt + 1).toISOString(),
    };
    const sent = await postJson(`${server.url}/api/sync`, { submissions: [named, complaint] });
    expect(sent.status).toBe(200);
    expect((await staff.ouvidoria.call('POST', `/api/gestao/requests/${complaint.id}/forward`, { body: { secretariatId: 'saude', note: 'Verificar a recepção do posto.' } })).status).toBe(200);
    return { named: named.id, complaint: complaint.id };
  }

  it("gives a secretariat neither the complaint's protocol nor the time of its dates, so the named request sent with it is not found", async () => {
    const { complaint } = await namedRequestThenComplaint(false);
    const truth = (await staff.ouvidoria.call('GET', `/api/gestao/requests/${complaint}`)).body;
    // The Ouvidoria and the controladoria keep everything.
    for (const role of ['ouvidoria', 'controladoria'] as const) {
      const page = (await staff[role].call('GET', `/api/gestao/requests/${complaint}`)).body;
      expect(page.protocol, role).toMatch(/^\d{4}-\d{6}$/);
      expect(page.receivedAt, role).toMatch(INSTANT);
      expect(page.createdAt, role).toMatch(INSTANT);
    }
    // The secretariat's steps: read the page, the list and the export, looking for the number and the millisecond.
    const page = await staff.gestorSaude.call('GET', `/api/gestao/requests/${complaint}`);
    expect(page.status).toBe(200);
    expect(page.body.identityWithheld).toBe(true);
    expect(page.body.protocol).toBeNull();
    expect(page.text).not.toContain(truth.protocol);
    expect(page.body.receivedAt).toMatch(DAY);
    expect(page.body.createdAt).toMatch(DAY);
    expect(page.body.events.length).toBeGreaterThan(0);
    for (const event of page.body.events) expect(event.at).toMatch(DAY);
    expect(page.text).not.toContain(truth.receivedAt);
    expect(page.text).not.toContain(truth.createdAt);
    const list = await staff.gestorSaude.call('GET', '/api/gestao/requests?kind=manifestation');
    const item = list.body.items.find((i: { id: string }) => i.id === complaint);
    expect(item.protocol).toBeNull();
    expect(item.receivedAt).toMatch(DAY);
    const csv = await staff.gestorSaude.call('GET', '/api/gestao/requests.csv?kind=manifestation');
    expect(csv.status).toBe(200);
    expect(csv.text).not.toContain(truth.protocol);
    expect(csv.text).not.toContain(truth.receivedAt);
    expect(csv.text).toContain(`"${truth.receivedAt.slice(0, 4)}`);
    // Typing the number after the named request's one finds nothing either.
    const byProtocol = await staff.gestorSaude.call('GET', `/api/gestao/requests?protocol=${truth.protocol}`);
    expect(byProtocol.status).toBe(200);
    expect(byProtocol.body.items).toEqual([]);
    // The Ouvidoria's export still has it.
    expect((await staff.ouvidoria.call('GET', '/api/gestao/requests.csv?kind=manifestation')).text).toContain(truth.protocol);
  });

  /** The Ouvidoria asks; the citizen answers from the phone, with what identifies them. */
  async function questionAnswered(id: string, text: string): Promise<void> {
    expect((await staff.ouvidoria.call('POST', `/api/gestao/requests/${id}/question`, { body: { question: 'Qual foi o dia do atendimento?' } })).status).toBe(200);
    const sent = await postJson(`${server.url}/api/replies`, { replies: [{ id: crypto.randomUUID(), submissionId: id, text, createdAt: new Date().toISOString() }] });
    expect(sent.status).toBe(200);
    expect(sent.body.results[0].outcome).toBe('accepted');
  }

  it("keeps the citizen's reply to the Ouvidoria's question from a secretariat without their consent", async () => {
    const withheld = (await namedRequestThenComplaint(false)).complaint;
    const shared = (await namedRequestThenComplaint(true)).complaint;
    const words = 'Foi na terça. Sou a Joana, meu telefone é (77) 99123-4567.';
    await questionAnswered(withheld, words);
    await questionAnswered(shared, words);
    // The Ouvidoria and the controladoria read the reply.
    for (const role of ['ouvidoria', 'controladoria'] as const) {
      expect((await staff[role].call('GET', `/api/gestao/requests/${withheld}`)).text, role).toContain('99123-4567');
    }
    // The secretariat's step: read the page's story.
    const page = await staff.gestorSaude.call('GET', `/api/gestao/requests/${withheld}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('99123-4567');
    expect(page.text).not.toContain('Sou a Joana');
    const reply = page.body.events.find((event: { type: string }) => event.type === 'reply');
    expect(reply.text).toBe('A resposta do cidadão fica com a Ouvidoria.');
    // With consent it reads the reply as the Ouvidoria does.
    expect((await staff.gestorSaude.call('GET', `/api/gestao/requests/${shared}`)).text).toContain('99123-4567');
  });

  it("gives the secretariat the protocol and the times when the citizen let it know who they are", async () => {
    const { complaint } = await namedRequestThenComplaint(true);
    const page = (await staff.gestorSaude.call('GET', `/api/gestao/requests/${complaint}`)).body;
    expect(page.identityWithheld).toBeUndefined();
    expect(page.protocol).toMatch(/^\d{4}-\d{6}$/);
    expect(page.receivedAt).toMatch(INSTANT);
  });
});

describe.each(BACKENDS)('the mixer\'s holding table on %s', (backend) => {
  let server: TestServer;
  const errors: unknown[] = [];
  beforeAll(async () => {
    server = await startServer({ backend, charter, integrityMixer: { setTimer: () => null, clearTimer: () => undefined, onError: (error) => errors.push(error) } });
  });
  afterAll(async () => { await server?.close(); });

  const vacuums = async () => (await server.storage.query<{ n: number }>(
    `SELECT vacuum_count::int AS n FROM pg_stat_user_tables WHERE relid = 'integrity_inbox'::regclass`,
  )).rows[0]!.n;

  it('is vacuumed after each run that moved something, so the reports\' arrival order does not stay on disk', async () => {
    const INTEGRITY_FORM = charter.forms.find((f) => f.id === 'denuncia-integridade')!;
    const before = await vacuums();
    // The reporter's step: a report, held until the mixer wakes.
    expect((await postJson(`${server.url}/api/integridade/relatos`, {
      id: crypto.randomUUID(), formId: INTEGRITY_FORM.id, formVersion: INTEGRITY_FORM.version, identification: 'anonimo', files: [],
      answers: { tipo: 'propina', orgao: 'infraestrutura', relato: 'O fiscal recebeu dinheiro para aprovar a medição.', consentimento: true },
    })).status).toBe(201);
    expect(await server.app.integrityMixer.runNow()).toBe(1);
    expect(errors).toEqual([]);
    expect(await vacuums()).toBeGreaterThan(before);
    // A run that moved nothing leaves the table alone.
    const after = await vacuums();
    expect(await server.app.integrityMixer.runNow()).toBe(0);
    expect(await vacuums()).toBe(after);
  });
});
