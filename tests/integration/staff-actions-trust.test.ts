/**
 * Issue 15, findings 7, 8 and 11 (templates), as the attacker's steps: a colleague who types NUL or a
 * lone surrogate into a staff action, a forged filter, a failure half-way through an action, a push
 * service that never answers, a secretariat reading the name of whoever complained about it, and a
 * gestor reaching another secretariat's answer templates. Each refusal is checked with what did not change.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import type { Storage } from '../../src/server/storage/types.ts';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { BACKENDS, VALID_CPF, openTestStorage, postJson, startServer, type TestServer } from '../support/server.ts';
import { StaffClient, addAccount } from '../support/staff.ts';

const charter = appTestCharter();
const MANIFESTATION_FORM = charter.forms.find((f) => f.id === 'manifestacao-ouvidoria')!;
const INVALID_TEXT = 'O texto contém um caractere inválido.';

/** Who complained, as they typed it: none of it may reach the secretariat without their consent. */
const COMPLAINANT = { nome: 'Joana Reclamante Silva', cpf: VALID_CPF, email: 'joana.reclamante@example.com', telefone: '(77) 99123-4567' };
const IDENTITY_VALUES = Object.values(COMPLAINANT);

function potholeRequest() {
  return {
    id: crypto.randomUUID(), kind: 'request', serviceId: 'tapa-buraco', formId: 'tapa-buraco',
    formVersion: charter.forms.find((f) => f.id === 'tapa-buraco')!.version,
    answers: { local: { district: 'sede', village: 'Centro' }, endereco: 'Rua das Flores, 10', tamanho: 'grande', cpf: VALID_CPF, consentimento: true },
    attachments: [], createdAt: new Date().toISOString(),
  };
}

function manifestation({ share }: { share: boolean }) {
  return {
    id: crypto.randomUUID(), kind: 'manifestation', serviceId: 'manifestacao-ouvidoria', formId: MANIFESTATION_FORM.id, formVersion: MANIFESTATION_FORM.version,
    answers: {
      tipo: 'reclamacao', assunto: 'Recepção do posto', relato: 'A recepcionista do posto do Centro me tratou mal e não marcou a consulta.',
      identificar: true, ...COMPLAINANT, ...(share ? { compartilhar: true } : {}), consentimento: true,
    },
    attachments: [], createdAt: new Date().toISOString(),
  };
}

/** Everything a staff action could change about a request, to compare before and after a refusal. */
async function snapshot(storage: Storage, id: string) {
  const row = (await storage.query('SELECT secretariat_id, forwarded_to, extended, due_at, status, assigned_to, closed_at FROM submissions WHERE id = $1', [id])).rows[0];
  const events = (await storage.query('SELECT type, text FROM staff_events WHERE submission_id = $1 ORDER BY at', [id])).rows;
  const history = (await storage.query('SELECT status, note FROM status_history WHERE submission_id = $1 ORDER BY at, id', [id])).rows;
  // Views are audited on every read; what an action writes is anything else.
  const actions = (await storage.query(`SELECT action FROM staff_audit WHERE submission_id = $1 AND action NOT IN ('view_request', 'denied') ORDER BY id`, [id])).rows;
  return { row, events, history, actions };
}

describe.each(BACKENDS)('staff actions one can trust, on %s', (backend) => {
  let server: TestServer;
  let hanging: Server;
  let hangingOrigin: string;
  /** Resolves at each push the server starts sending to the push service that never answers. */
  const pushArrivals: (() => void)[] = [];
  const staff: Record<'ouvidoria' | 'controladoria' | 'atendenteSaude' | 'gestorSaude' | 'gestorInfra', StaffClient> = {} as never;

  beforeAll(async () => {
    // A push service that takes the request and never answers.
    hanging = createServer((request) => { request.resume(); pushArrivals.shift()?.(); });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    hangingOrigin = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    server = await startServer({ backend, charter, push: { subject: 'mailto:ouvidoria@conecta.example', extraOrigins: [hangingOrigin] } });
    const people = {
      ouvidoria: await addAccount(server.storage, ['ouvidoria'], []),
      controladoria: await addAccount(server.storage, ['controladoria'], []),
      atendenteSaude: await addAccount(server.storage, ['atendente'], ['saude']),
      gestorSaude: await addAccount(server.storage, ['gestor'], ['saude']),
      gestorInfra: await addAccount(server.storage, ['gestor'], ['infraestrutura']),
    };
    for (const [role, person] of Object.entries(people)) {
      const client = new StaffClient(server.url);
      await client.signIn(person.email);
      staff[role as keyof typeof staff] = client;
    }
  });
  afterAll(async () => {
    hanging?.closeAllConnections();
    await new Promise((resolve) => hanging?.close(resolve));
    await server?.close();
  });

  async function file(item: Record<string, unknown>): Promise<string> {
    const sent = await postJson(`${server.url}/api/submissions`, item);
    expect(sent.status).toBe(201);
    return item.id as string;
  }

  async function forwarded(share: boolean): Promise<string> {
    const id = await file(manifestation({ share }));
    expect((await staff.ouvidoria.call('POST', `/api/gestao/requests/${id}/forward`, { body: { secretariatId: 'saude', note: 'Verificar a recepção do posto.' } })).status).toBe(200);
    return id;
  }

  function expectInvalid(answer: { status: number; body: any }, field: string) {
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error: 'invalid_request', message: 'Confira os dados informados.', fields: { [field]: INVALID_TEXT } });
  }

  it('refuses NUL and lone surrogates in transfer, forward and extension reasons, and the request stays where it was', async () => {
    const request = await file(potholeRequest());
    const before = await snapshot(server.storage, request);
    expectInvalid(await staff.gestorInfra.call('POST', `/api/gestao/requests/${request}/transfer`, { body: { secretariatId: 'servicos-publicos', reason: 'Não é daqui\u0000, é iluminação.' } }), 'reason');
    expectInvalid(await staff.gestorInfra.call('POST', `/api/gestao/requests/${request}/transfer`, { body: { secretariatId: 'servicos-publicos', reason: 'Metade \uD800 de um emoji' } }), 'reason');
    expect(await snapshot(server.storage, request)).toEqual(before);

    const complaint = await file(manifestation({ share: false }));
    const received = await snapshot(server.storage, complaint);
    expectInvalid(await staff.ouvidoria.call('POST', `/api/gestao/requests/${complaint}/forward`, { body: { secretariatId: 'saude', note: 'Ver\u0000ificar.' } }), 'note');
    expectInvalid(await staff.ouvidoria.call('POST', `/api/gestao/requests/${complaint}/extend`, { body: { justification: 'A secretaria pediu mais tempo \uDC00 para ouvir a equipe.' } }), 'justification');
    expect(await snapshot(server.storage, complaint)).toEqual(received);
  });

  it('refuses NUL and lone surrogates in notes, status notes, questions, internal answers and templates', async () => {
    const request = await file(potholeRequest());
    const before = await snapshot(server.storage, request);
    const path = `/api/gestao/requests/${request}`;
    expectInvalid(await staff.gestorInfra.call('POST', `${path}/notes`, { body: { text: 'Nota \u0000 interna' } }), 'text');
    expectInvalid(await staff.gestorInfra.call('POST', `${path}/status`, { body: { status: 'in_progress', note: 'Equipe \u0000 a caminho.' } }), 'note');
    expectInvalid(await staff.gestorInfra.call('POST', `${path}/question`, { body: { question: 'Qual o número \uD83D da casa?' } }), 'question');
    expect(await snapshot(server.storage, request)).toEqual(before);

    const complaint = await forwarded(false);
    const forwardedState = await snapshot(server.storage, complaint);
    expectInvalid(await staff.atendenteSaude.call('POST', `/api/gestao/requests/${complaint}/internal-answer`, { body: { text: 'Escala \u0000 refeita.' } }), 'text');
    expect(await snapshot(server.storage, complaint)).toEqual(forwardedState);

    const templates = (await server.storage.query('SELECT count(*)::int AS n FROM answer_templates')).rows[0];
    expectInvalid(await staff.gestorInfra.call('POST', '/api/gestao/templates', { body: { serviceId: 'tapa-buraco', title: 'Buraco \u0000 tapado', text: 'O buraco foi tapado.' } }), 'title');
    expectInvalid(await staff.gestorInfra.call('POST', '/api/gestao/templates', { body: { serviceId: 'tapa-buraco\u0000', title: 'Buraco tapado', text: 'O buraco foi tapado.' } }), 'serviceId');
    expect((await server.storage.query('SELECT count(*)::int AS n FROM answer_templates')).rows[0]).toEqual(templates);
  });

  it('answers forged filters with 422 (or ignores them), never 500', async () => {
    for (const query of ['from=0000-01-01', 'to=0000-01-01', 'from=1999-12-31', 'to=9999-12-31', 'district=%00', 'village=a%00b', 'service=%00', 'after=%00']) {
      const list = await staff.controladoria.call('GET', `/api/gestao/requests?${query}`);
      expect(list.status, query).toBe(422);
      expect(list.body.message).toBe('Confira os dados informados.');
      expect((await staff.controladoria.call('GET', `/api/gestao/requests.csv?${query}`)).status, `csv ${query}`).toBe(422);
    }
    // The audit log's filters ignore what they cannot use.
    const audit = await staff.controladoria.call('GET', '/api/gestao/audit?from=0000-01-01&to=9999-12-31');
    expect(audit.status).toBe(200);
    expect((await staff.controladoria.call('GET', '/api/gestao/requests?from=2000-01-01&to=2100-12-31')).status).toBe(200);
  });

  describe('when the database refuses the action half-way', () => {
    const MARKER = 'falha forçada no meio';
    beforeAll(async () => {
      // A trigger that fails the event's insert: the action's first write (the move) has already run.
      await server.storage.query(`CREATE FUNCTION fail_marked_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF coalesce(NEW.text, '') LIKE '%${MARKER}%' THEN RAISE EXCEPTION 'evento recusado'; END IF;
          RETURN NEW;
        END $$`);
      await server.storage.query(`CREATE FUNCTION fail_marked_history() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF coalesce(NEW.note, '') LIKE '%${MARKER}%' THEN RAISE EXCEPTION 'histórico recusado'; END IF;
          RETURN NEW;
        END $$`);
      await server.storage.query('CREATE TRIGGER fail_marked_event BEFORE INSERT ON staff_events FOR EACH ROW EXECUTE FUNCTION fail_marked_event()');
      await server.storage.query('CREATE TRIGGER fail_marked_history BEFORE INSERT ON status_history FOR EACH ROW EXECUTE FUNCTION fail_marked_history()');
    });
    afterAll(async () => {
      await server.storage.query('DROP TRIGGER fail_marked_event ON staff_events');
      await server.storage.query('DROP TRIGGER fail_marked_history ON status_history');
    });

    it('rolls back a transfer, a forward and an extension: not moved, not extended, no event, no audit', async () => {
      const request = await file(potholeRequest());
      const before = await snapshot(server.storage, request);
      const transfer = await staff.gestorInfra.call('POST', `/api/gestao/requests/${request}/transfer`, { body: { secretariatId: 'servicos-publicos', reason: MARKER } });
      expect(transfer.status).toBe(500);
      expect(await snapshot(server.storage, request)).toEqual(before);
      // The gestor still has it: it did not slip to the other secretariat.
      expect((await staff.gestorInfra.call('GET', `/api/gestao/requests/${request}`)).status).toBe(200);

      const complaint = await file(manifestation({ share: false }));
      const received = await snapshot(server.storage, complaint);
      expect((await staff.ouvidoria.call('POST', `/api/gestao/requests/${complaint}/forward`, { body: { secretariatId: 'saude', note: MARKER } })).status).toBe(500);
      expect(await snapshot(server.storage, complaint)).toEqual(received);
      expect((await staff.atendenteSaude.call('GET', `/api/gestao/requests/${complaint}`)).status).toBe(403);

      const extension = await staff.ouvidoria.call('POST', `/api/gestao/requests/${complaint}/extend`, { body: { justification: `A secretaria pediu mais tempo: ${MARKER}.` } });
      expect(extension.status).toBe(500);
      expect(await snapshot(server.storage, complaint)).toEqual(received);
      // Extended once it can be: the failed try did not use up the only extension.
      expect((await staff.ouvidoria.call('POST', `/api/gestao/requests/${complaint}/extend`, { body: { justification: 'A secretaria pediu mais tempo para ouvir a equipe.' } })).status).toBe(200);
      expect((await snapshot(server.storage, complaint)).row).toMatchObject({ extended: true });
    });

    it('rolls back a status change and a note with their audit entries', async () => {
      const request = await file(potholeRequest());
      const before = await snapshot(server.storage, request);
      expect((await staff.gestorInfra.call('POST', `/api/gestao/requests/${request}/status`, { body: { status: 'done', note: MARKER } })).status).toBe(500);
      expect((await staff.gestorInfra.call('POST', `/api/gestao/requests/${request}/notes`, { body: { text: MARKER } })).status).toBe(500);
      expect(await snapshot(server.storage, request)).toEqual(before);
    });
  });

  it('answers a status change without waiting for a push service that never answers, and sends it after the commit', async () => {
    const request = await file(potholeRequest());
    const ua = createECDH('prime256v1');
    ua.generateKeys();
    const subscribed = await fetch(`${server.url}/api/push/subscription`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: `${hangingOrigin}/push/${randomBytes(6).toString('hex')}`, keys: { p256dh: ua.getPublicKey('base64url'), auth: randomBytes(16).toString('base64url') }, ids: [request] }),
    });
    expect(subscribed.status).toBe(200);
    const arrived = new Promise<void>((resolve) => pushArrivals.push(resolve));
    const started = performance.now();
    const answer = await staff.gestorInfra.call('POST', `/api/gestao/requests/${request}/status`, { body: { status: 'in_progress', note: 'Equipe agendada.' } });
    const took = performance.now() - started;
    expect(answer.status).toBe(200);
    // The push service holds the request for 10 s before the server gives up on it; the answer did not wait.
    expect(took).toBeLessThan(5_000);
    expect((await snapshot(server.storage, request)).row).toMatchObject({ status: 'in_progress' });
    await arrived;
  });

  describe('a forwarded manifestação', () => {
    const expectIdentity = (text: string, shown: boolean) => {
      for (const value of IDENTITY_VALUES) (shown ? expect(text) : expect(text).not).toContain(value);
    };

    for (const share of [false, true]) {
      it(`${share ? 'with' : 'without'} the citizen's consent: the secretariat ${share ? 'reads' : 'never reads'} who complained; the Ouvidoria and the controladoria always do`, async () => {
        const id = await forwarded(share);
        const protocol = (await staff.ouvidoria.call('GET', `/api/gestao/requests/${id}`)).body.protocol as string;
        const readers: [keyof typeof staff, boolean][] = [['atendenteSaude', share], ['gestorSaude', share], ['ouvidoria', true], ['controladoria', true]];
        for (const [role, shown] of readers) {
          const page = await staff[role].call('GET', `/api/gestao/requests/${id}`);
          expect(page.status, role).toBe(200);
          // The content always: what happened, where, the photos.
          expect(page.text, role).toContain('A recepcionista do posto do Centro');
          expectIdentity(page.text, shown);
          const fieldIds = (page.body.answers as { fieldId: string }[]).map((a) => a.fieldId);
          for (const field of ['nome', 'cpf', 'email', 'telefone']) expect(fieldIds.includes(field), `${role} ${field}`).toBe(shown);
          expect(page.body.identityWithheld, role).toBe(shown ? undefined : true);
          // The export never carries a person's data, whoever asks for it.
          const csv = await staff[role].call('GET', '/api/gestao/requests.csv?kind=manifestation');
          expect(csv.status, role).toBe(200);
          // A secretariat's export leaves every manifestação's protocol out (withheld-trust.test.ts): it reads no answers, so no consent.
          (['ouvidoria', 'controladoria'].includes(role) ? expect(csv.text, role) : expect(csv.text, role).not).toContain(protocol);
          expectIdentity(csv.text, false);
        }
        // A secretariat it was not forwarded to does not see it at all.
        expect((await staff.gestorInfra.call('GET', `/api/gestao/requests/${id}`)).status).toBe(403);
      });
    }

    it("is answered by the secretariat to the Ouvidoria, which relays it: the citizen never reads the secretariat's words", async () => {
      const id = await forwarded(false);
      const words = 'A recepcionista foi orientada e a consulta remarcada.';
      expect((await staff.atendenteSaude.call('POST', `/api/gestao/requests/${id}/internal-answer`, { body: { text: words } })).status).toBe(200);
      const story = (await staff.ouvidoria.call('GET', `/api/gestao/requests/${id}`)).body.events as { type: string; text?: string; public: boolean }[];
      expect(story.find((e) => e.type === 'internal_answer')).toMatchObject({ text: words, public: false });
      const citizen = await (await fetch(`${server.url}/api/submissions/${id}`)).text();
      expect(citizen).not.toContain(words);
      // Only the Ouvidoria answers the citizen.
      expect((await staff.gestorSaude.call('POST', `/api/gestao/requests/${id}/status`, { body: { status: 'done', note: words } })).status).toBe(403);
    });
  });

  it("keeps answer templates within the service's secretariat: another secretariat neither lists nor writes them", async () => {
    const written = await staff.gestorInfra.call('POST', '/api/gestao/templates', { body: { serviceId: 'tapa-buraco', title: 'Buraco tapado', text: 'A equipe tapou o buraco nesta semana.' } });
    expect(written.status).toBe(201);
    expect((await staff.gestorInfra.call('GET', '/api/gestao/templates?service=tapa-buraco')).body.templates).toEqual([
      { id: written.body.id, serviceId: 'tapa-buraco', title: 'Buraco tapado', text: 'A equipe tapou o buraco nesta semana.' },
    ]);
    // The saúde gestor and atendente, and the Ouvidoria (which reads no requests), list none of them.
    for (const role of ['gestorSaude', 'atendenteSaude', 'ouvidoria'] as const) {
      const listed = await staff[role].call('GET', '/api/gestao/templates?service=tapa-buraco');
      expect(listed.status, role).toBe(200);
      expect(listed.body.templates, role).toEqual([]);
    }
    // The controladoria reads everywhere.
    expect((await staff.controladoria.call('GET', '/api/gestao/templates?service=tapa-buraco')).body.templates).toHaveLength(1);

    const count = async () => (await server.storage.query(`SELECT count(*)::int AS n FROM answer_templates WHERE service_id = 'tapa-buraco'`)).rows[0]!.n;
    const audited = async () => (await server.storage.query(`SELECT count(*)::int AS n FROM staff_audit WHERE action = 'template_created'`)).rows[0]!.n;
    const [templatesBefore, auditBefore] = [await count(), await audited()];
    const foreign = await staff.gestorSaude.call('POST', '/api/gestao/templates', { body: { serviceId: 'tapa-buraco', title: 'Outro texto', text: 'Texto de outra secretaria.' } });
    expect(foreign.status).toBe(403);
    expect([await count(), await audited()]).toEqual([templatesBefore, auditBefore]);

    // A request page carries its service's templates only for who reaches the service.
    const request = await file(potholeRequest());
    expect((await staff.gestorInfra.call('GET', `/api/gestao/requests/${request}`)).body.templates).toHaveLength(1);
    const complaint = await forwarded(false);
    expect((await staff.gestorSaude.call('GET', `/api/gestao/requests/${complaint}`)).body.templates).toEqual([]);
  });
});

/** The charter as it was before the consent: the manifestação form's first version, with no field marked. */
function charterBeforeConsent(): Charter {
  const before = structuredClone(charter);
  before.version = '2026.11.1';
  const form = before.forms.find((f) => f.id === MANIFESTATION_FORM.id)!;
  form.version = 1;
  form.fields = form.fields.filter((f) => !f.sharesIdentity).map(({ identifies: _identifies, ...field }) => field);
  return before;
}

describe.each(BACKENDS)('a manifestação on the form version before the consent, on %s', (backend) => {
  it("is still accepted after the new version, and its author's identity still stays with the Ouvidoria", async () => {
    const server = await startServer({ backend, charter: charterBeforeConsent() });
    try {
      await installCharter(server.storage, charter);
      const ouvidoria = new StaffClient(server.url);
      await ouvidoria.signIn((await addAccount(server.storage, ['ouvidoria'], [])).email);
      const atendente = new StaffClient(server.url);
      await atendente.signIn((await addAccount(server.storage, ['atendente'], ['saude'])).email);
      // A draft kept on a phone since before the new version: sent now, on version 1.
      const draft = manifestation({ share: false });
      const { compartilhar: _none, ...answers } = draft.answers as Record<string, unknown>;
      const old = { ...draft, formVersion: 1, answers };
      expect((await postJson(`${server.url}/api/submissions`, old)).status).toBe(201);
      expect((await ouvidoria.call('POST', `/api/gestao/requests/${old.id}/forward`, { body: { secretariatId: 'saude' } })).status).toBe(200);
      const seen = await atendente.call('GET', `/api/gestao/requests/${old.id}`);
      expect(seen.status).toBe(200);
      expect(seen.body.formVersion).toBe(1);
      expect(seen.text).toContain('A recepcionista do posto do Centro');
      for (const value of IDENTITY_VALUES) expect(seen.text).not.toContain(value);
      expect(seen.body.identityWithheld).toBe(true);
      expect((await ouvidoria.call('GET', `/api/gestao/requests/${old.id}`)).text).toContain(COMPLAINANT.nome);
    } finally {
      await server.close();
    }
  });
});

describe('a CSV export cut by a database error', () => {
  it('logs the error by name and code, never its message', async () => {
    const { storage, dispose } = await openTestStorage('pglite');
    let cut = false;
    // The export's page query fails with a message quoting a value, as a database error can.
    const failing: Storage = {
      ...storage,
      query: async (sql, params) => {
        if (cut && sql.includes('ORDER BY (s.closed_at IS NOT NULL)')) throw Object.assign(new Error(`valor "${COMPLAINANT.nome}" inválido`), { code: '22P02' });
        return storage.query(sql, params);
      },
    };
    const lines: string[] = [];
    const server = await startServer({ storage: failing, charter, logger: { level: 'info', stream: { write: (line: string) => { lines.push(line); } } } });
    try {
      const controladoria = await addAccount(storage, ['controladoria'], []);
      const client = new StaffClient(server.url);
      await client.signIn(controladoria.email);
      cut = true;
      const answer = await fetch(`${server.url}/api/gestao/requests.csv`, { headers: { cookie: `${client.cookieName}=${client.token}` } }).then((r) => r.text()).catch((error: unknown) => String(error));
      expect(answer).not.toContain(COMPLAINANT.nome);
      const logged = lines.join('\n');
      expect(logged).toContain('CSV export cut');
      expect(logged).toContain('22P02');
      expect(logged).not.toContain(COMPLAINANT.nome);
    } finally {
      await server.close();
      await dispose();
    }
  });
});
