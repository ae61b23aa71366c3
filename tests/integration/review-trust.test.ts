/**
 * Issue 15 review, as the attacker's steps: what the four slices left open. A controladoria colleague typing
 * NUL into a reveal justification or a classification; a secretariat reaching a forwarded manifestação's
 * identifying document through its attachments. Each refusal is checked with what did not change.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharterCache } from '../../src/server/domain/current-charter.ts';
import { IntegrityKeys } from '../../src/server/domain/integrity/crypto.ts';
import { findByReceipt } from '../../src/server/domain/integrity/reports.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { BACKENDS, VALID_CPF, fileAddress, postJson, startServer, uploadFile, type TestServer } from '../support/server.ts';
import { StaffClient, addAccount } from '../support/staff.ts';

/** The test charter, with the manifestação's photo field marked as identifying (a city asking for an ID document). */
function charterWithIdentifyingPhoto() {
  const charter = appTestCharter();
  const form = charter.forms.find((f) => f.id === 'manifestacao-ouvidoria')!;
  form.fields = form.fields.map((field) => (field.id === 'fotos' ? { ...field, identifies: true } : field));
  return charter;
}
const CHARTER = charterWithIdentifyingPhoto();
const MANIFESTATION_FORM = CHARTER.forms.find((f) => f.id === 'manifestacao-ouvidoria')!;
const INTEGRITY_FORM = CHARTER.forms.find((f) => f.id === 'denuncia-integridade')!;
const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(3000)]);

describe.each(BACKENDS)('issue 15 review on %s', (backend) => {
  let server: TestServer;
  let keys: IntegrityKeys;
  const staff: Record<'ouvidoria' | 'controladoria' | 'gestorSaude', StaffClient> = {} as never;

  beforeAll(async () => {
    keys = new IntegrityKeys(randomBytes(32));
    server = await startServer({
      backend, charter: CHARTER, integrityKeys: keys, receiptLookupsPerMinute: 1000, loginRateLimit: 1000,
      integrityMixer: { setTimer: () => null, clearTimer: () => undefined },
    });
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

  async function preservedReport(): Promise<string> {
    const { body } = await postJson(`${server.url}/api/integridade/relatos`, {
      id: crypto.randomUUID(), formId: INTEGRITY_FORM.id, formVersion: INTEGRITY_FORM.version, identification: 'preservada', files: [],
      answers: { tipo: 'propina', orgao: 'infraestrutura', relato: 'O fiscal recebeu dinheiro para aprovar a medição.', consentimento: true, identificar: true, nome: 'Joana Reporter', cpf: VALID_CPF },
    });
    await server.app.integrityMixer.runNow();
    return (await findByReceipt({ storage: server.storage, charters: new CharterCache(server.storage), keys }, body.receipt))!;
  }

  it('refuses NUL and lone surrogates in a reveal justification with a pt-BR 422, and nothing is asked nor audited', async () => {
    const id = await preservedReport();
    for (const bad of ['Ouvir a pessoa como testemunha\u0000 no processo 12/2026.', 'Ouvir a pessoa como testemunha \ud800 no processo 12/2026.']) {
      const answer = await staff.controladoria.call('POST', `/api/gestao/integridade/${id}/revelar`, { body: { justification: bad } });
      expect(answer.status).toBe(422);
      expect(answer.body.fields.justification).toBe('O texto contém um caractere inválido.');
    }
    expect((await server.storage.query('SELECT count(*)::int AS n FROM integrity_reveal_requests WHERE report_id = $1', [id])).rows[0]!.n).toBe(0);
    expect((await server.storage.query(`SELECT count(*)::int AS n FROM staff_audit WHERE action = 'integrity_reveal_requested' AND target LIKE $1`, [`${id}%`])).rows[0]!.n).toBe(0);
  });

  it('refuses NUL and lone surrogates in an Integrity Plan note with a pt-BR 422, and the plan keeps its progress', async () => {
    const progress = async () => (await server.storage.query(`SELECT count(*)::int AS n FROM integrity_plan_updates WHERE action_id = 'capacitacao'`)).rows[0]!.n;
    const before = await progress();
    for (const note of ['Primeira turma\u0000 formada.', 'Primeira turma \ud800 formada.']) {
      const answer = await staff.controladoria.call('POST', '/api/gestao/plano/capacitacao', { body: { status: 'em_andamento', progress: 35, note } });
      expect(answer.status).toBe(422);
      expect(answer.body.fields.note).toBe('O texto contém um caractere inválido.');
    }
    expect(await progress()).toBe(before);
    expect((await server.storage.query(`SELECT count(*)::int AS n FROM staff_audit WHERE action = 'plan_updated'`)).rows[0]!.n).toBe(0);
  });

  it('refuses NUL in a classification secretariat or service with a pt-BR 422, and the report keeps its links', async () => {
    const id = await preservedReport();
    for (const body of [{ riskCategory: 'obras', secretariats: ['saude\u0000'], services: [] }, { riskCategory: 'obras', secretariats: [], services: ['tapa\u0000buraco'] }]) {
      const answer = await staff.controladoria.call('POST', `/api/gestao/integridade/${id}/classificacao`, { body });
      expect(answer.status).toBe(422);
    }
    const row = (await server.storage.query('SELECT risk_category, linked_secretariats, linked_services FROM integrity_reports WHERE id = $1', [id])).rows[0];
    expect(row).toEqual({ risk_category: null, linked_secretariats: [], linked_services: [] });
  });

  it("rolls back an integrity action whose audit entry fails: no status, classification, message or plan change without its trace", async () => {
    const id = await preservedReport();
    const reportRow = async () => (await server.storage.query('SELECT status, risk_category, linked_secretariats, linked_services FROM integrity_reports WHERE id = $1', [id])).rows[0];
    const messages = async () => (await server.storage.query('SELECT count(*)::int AS n FROM integrity_messages WHERE report_id = $1', [id])).rows[0]!.n;
    const plan = async () => (await server.storage.query(`SELECT status, progress, note FROM integrity_plan_updates WHERE action_id = 'capacitacao'`)).rows;
    const before = { report: await reportRow(), messages: await messages(), plan: await plan() };
    // The database refuses the audit entries of these actions: each action's own write has already run by then.
    await server.storage.query(`CREATE FUNCTION fail_integrity_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action LIKE 'integrity_status:%' OR NEW.action IN ('integrity_classified', 'integrity_message', 'plan_updated') THEN RAISE EXCEPTION 'auditoria recusada'; END IF;
        RETURN NEW;
      END $$`);
    await server.storage.query('CREATE TRIGGER a_fail_integrity_audit BEFORE INSERT ON staff_audit FOR EACH ROW EXECUTE FUNCTION fail_integrity_audit()');
    try {
      const steps = [
        staff.controladoria.call('POST', `/api/gestao/integridade/${id}/status`, { body: { status: 'arquivada' } }),
        staff.controladoria.call('POST', `/api/gestao/integridade/${id}/classificacao`, { body: { riskCategory: 'obras', secretariats: ['saude'], services: [] } }),
        staff.controladoria.call('POST', `/api/gestao/integridade/${id}/mensagens`, { body: { text: 'Pode enviar a nota fiscal da medição?' } }),
        staff.controladoria.call('POST', '/api/gestao/plano/capacitacao', { body: { status: 'em_andamento', progress: 90, note: 'Quase lá.' } }),
      ];
      for (const answer of await Promise.all(steps)) expect(answer.status).toBe(500);
    } finally {
      await server.storage.query('DROP TRIGGER a_fail_integrity_audit ON staff_audit');
      await server.storage.query('DROP FUNCTION fail_integrity_audit()');
    }
    expect({ report: await reportRow(), messages: await messages(), plan: await plan() }).toEqual(before);
  });

  it("never lets a secretariat list or download a forwarded manifestação's identifying document, without the citizen's consent", async () => {
    const photo = jpeg();
    expect((await uploadFile(server.url, photo, 'image/jpeg')).status).toBeLessThan(300);
    const address = fileAddress(photo);
    const id = crypto.randomUUID();
    const sent = await postJson(`${server.url}/api/submissions`, {
      id, kind: 'manifestation', serviceId: 'manifestacao-ouvidoria', formId: MANIFESTATION_FORM.id, formVersion: MANIFESTATION_FORM.version,
      answers: { tipo: 'reclamacao', assunto: 'Recepção do posto', relato: 'A recepcionista do posto do Centro me tratou mal.', identificar: true, nome: 'Joana Reclamante', fotos: [address], consentimento: true },
      attachments: [{ sha256: address, type: 'image/jpeg', size: photo.length, fieldId: 'fotos' }], createdAt: new Date().toISOString(),
    });
    expect(sent.status).toBe(201);
    expect((await staff.ouvidoria.call('POST', `/api/gestao/requests/${id}/forward`, { body: { secretariatId: 'saude' } })).status).toBe(200);
    // The Ouvidoria still reads it.
    expect((await staff.ouvidoria.call('GET', `/api/gestao/requests/${id}`)).text).toContain(address);
    expect((await staff.ouvidoria.call('GET', `/api/gestao/requests/${id}/attachments/${address}`)).status).toBe(200);
    // The secretariat's steps: read the page, then ask for the file by the address it saw or guessed.
    const page = await staff.gestorSaude.call('GET', `/api/gestao/requests/${id}`);
    expect(page.status).toBe(200);
    expect(page.body.identityWithheld).toBe(true);
    expect(page.text).not.toContain(address);
    expect((await staff.gestorSaude.call('GET', `/api/gestao/requests/${id}/attachments/${address}`)).status).toBe(404);
    const viewedBySecretariat = await server.storage.query(`SELECT count(*)::int AS n FROM staff_audit WHERE action = 'view_attachment' AND submission_id = $1`, [id]);
    expect(viewedBySecretariat.rows[0]!.n).toBe(1);
  });
});

// Two connections at once: PostgreSQL only (PGlite has one).
describe.each(BACKENDS.filter((backend) => backend === 'postgres'))('the mixer beside a city message on %s', (backend) => {
  let server: TestServer;
  let keys: IntegrityKeys;
  beforeAll(async () => {
    keys = new IntegrityKeys(randomBytes(32));
    server = await startServer({ backend, charter: CHARTER, integrityKeys: keys, receiptLookupsPerMinute: 1000, integrityMixer: { setTimer: () => null, clearTimer: () => undefined } });
  });
  afterAll(async () => { await server?.close(); });

  it('two servers mixing at once on one database move each held report exactly once', async () => {
    const before = (await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM integrity_reports')).rows[0]!.n;
    for (let i = 0; i < 6; i++) {
      expect((await postJson(`${server.url}/api/integridade/relatos`, {
        id: crypto.randomUUID(), formId: INTEGRITY_FORM.id, formVersion: INTEGRITY_FORM.version, identification: 'anonimo', files: [],
        answers: { tipo: 'propina', orgao: 'infraestrutura', relato: `Relato número ${i} sobre a medição da obra.`, consentimento: true },
      })).status).toBe(201);
    }
    const { mixHeld } = await import('../../src/server/domain/integrity/mixer.ts');
    const moved = await Promise.all([mixHeld(server.storage, keys), mixHeld(server.storage, keys), server.app.integrityMixer.runNow()]);
    expect(moved.reduce((sum, n) => sum + n, 0)).toBe(6);
    expect((await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM integrity_reports')).rows[0]!.n).toBe(before + 6);
    expect((await server.storage.query('SELECT count(*)::int AS n FROM integrity_inbox')).rows[0]!.n).toBe(0);
  });

  it("mixes a reporter's message while the controladoria writes one to the same report: no deadlock, both kept in order", async () => {
    const { body } = await postJson(`${server.url}/api/integridade/relatos`, {
      id: crypto.randomUUID(), formId: INTEGRITY_FORM.id, formVersion: INTEGRITY_FORM.version, identification: 'anonimo', files: [],
      answers: { tipo: 'propina', orgao: 'infraestrutura', relato: 'O fiscal recebeu dinheiro para aprovar a medição.', consentimento: true },
    });
    await server.app.integrityMixer.runNow();
    const id = (await findByReceipt({ storage: server.storage, charters: new CharterCache(server.storage), keys }, body.receipt))!;
    expect((await postJson(`${server.url}/api/integridade/mensagens`, { id: crypto.randomUUID(), receipt: body.receipt, text: 'Tenho a nota fiscal.', files: [] })).status).toBe(201);
    const { cityMessage } = await import('../../src/server/domain/integrity/reports.ts');
    const { mixHeld } = await import('../../src/server/domain/integrity/mixer.ts');
    // The controladoria had asked a question (the reporter's message above answers it).
    await server.storage.query(`UPDATE integrity_reports SET status = 'aguardando_voce' WHERE id = $1`, [id]);
    let mixing: Promise<number> | undefined;
    // The controladoria's next message takes the report's row first; the mixer starts then, and waits for that row.
    await server.storage.transaction(async (tx) => {
      await tx.query(`UPDATE integrity_reports SET status = 'aguardando_voce' WHERE id = $1`, [id]);
      mixing = mixHeld(server.storage, keys);
      mixing.catch(() => undefined);
      // Until the mixer waits on a lock (or 5 s: with the report's row taken first it may wait earlier).
      for (let waiting = 0, tries = 0; waiting === 0 && tries < 100; tries++) {
        waiting = (await server.storage.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE '%integrity_%' AND pid <> pg_backend_pid()`,
        )).rows[0]!.n;
        if (waiting === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await cityMessage(tx, keys, id, 'Pode enviar a nota fiscal?');
    });
    expect(await mixing).toBe(1);
    const rows = (await server.storage.query<{ seq: number; from_city: boolean }>('SELECT seq, from_city FROM integrity_messages WHERE report_id = $1 ORDER BY seq', [id])).rows;
    expect(rows.map((row) => row.seq)).toEqual([1, 2]);
    expect(rows.map((row) => row.from_city).sort()).toEqual([false, true]);
    expect((await server.storage.query('SELECT count(*)::int AS n FROM integrity_inbox')).rows[0]!.n).toBe(0);
  });
});
