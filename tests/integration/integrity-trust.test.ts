/**
 * Trust from the inside, for the integrity channel (issue 15, findings 5, 6 and 10): revealing a reporter
 * takes two people; the channel's citizen routes leave no log line; counts of integrity reports see only
 * days that are over; the mixer, not the arrival, decides row order and commit times; the key file lives
 * outside DATA_DIR. Written as the attacker's steps: the refusal, and that nothing changed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/server/config.ts';
import { CharterCache } from '../../src/server/domain/current-charter.ts';
import { IntegrityKeys, loadIntegrityKeys } from '../../src/server/domain/integrity/crypto.ts';
import { integrityKeyFile } from '../../src/server/domain/integrity/key-file.ts';
import { IntegrityMixer, mixHeld } from '../../src/server/domain/integrity/mixer.ts';
import { acceptReport, findByReceipt, followUp } from '../../src/server/domain/integrity/reports.ts';
import { computeRadar } from '../../src/server/domain/radar.ts';
import { yearlyReport } from '../../src/server/domain/yearly-report.ts';
import { DEFAULT_THRESHOLDS } from '../../src/shared/contract/radar.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { BACKENDS, postJson, startServer, type TestServer } from '../support/server.ts';
import { StaffClient, addAccount } from '../support/staff.ts';

const CHARTER = appTestCharter();
const FORM_VERSION = CHARTER.forms.find((f) => f.id === 'denuncia-integridade')!.version;
const JUSTIFICATION = 'Ouvir a pessoa como testemunha no processo administrativo 12/2026.';

function report(overrides: Record<string, unknown> = {}) {
  return {
    id: crypto.randomUUID(), formId: 'denuncia-integridade', formVersion: FORM_VERSION, identification: 'anonimo',
    answers: { tipo: 'propina', orgao: 'infraestrutura', relato: 'O fiscal recebeu dinheiro para aprovar a medição.', consentimento: true },
    files: [], ...overrides,
  };
}

const preserved = () => report({
  identification: 'preservada',
  answers: { ...report().answers, identificar: true, nome: 'Joana Reporter', cpf: '529.982.247-25' },
});

describe.each(BACKENDS)('trust in the integrity channel on %s', (backend) => {
  let server: TestServer;
  let keys: IntegrityKeys;
  const logs: string[] = [];
  const deps = () => ({ storage: server.storage, charters: new CharterCache(server.storage), keys });

  beforeAll(async () => {
    keys = new IntegrityKeys(randomBytes(32));
    server = await startServer({
      backend, charter: CHARTER, integrityKeys: keys, receiptLookupsPerMinute: 1000, loginRateLimit: 1000,
      // The test runs the mixer itself: its own timer never fires.
      integrityMixer: { setTimer: () => null, clearTimer: () => undefined },
      logger: { level: 'info', stream: { write: (line: string) => { logs.push(line); } } },
    });
  });
  afterAll(async () => { await server?.close(); });

  async function signedIn(name: string) {
    const { account, email } = await addAccount(server.storage, ['controladoria'], [], name);
    const client = new StaffClient(server.url);
    await client.signIn(email);
    return { client, account };
  }

  /** A preserved-identity report, received and mixed in; its id in the table. */
  async function preservedReport(): Promise<string> {
    const { body } = await postJson(`${server.url}/api/integridade/relatos`, preserved());
    await server.app.integrityMixer.runNow();
    return (await findByReceipt(deps(), body.receipt))!;
  }

  const audited = async (action: string, target: string) => (await server.storage.query<{ account_id: string; target: string }>(
    'SELECT account_id, target FROM staff_audit WHERE action = $1 AND target LIKE $2 ORDER BY id', [action, `${target}%`],
  )).rows;

  it('two-person reveal: a controladoria account alone asks, cannot approve its own request, and never sees the identity', async () => {
    const id = await preservedReport();
    const curious = await signedIn('Carla Curiosa');
    const asked = await curious.client.call('POST', `/api/gestao/integridade/${id}/revelar`, { body: { justification: JUSTIFICATION } });
    expect(asked.status).toBe(202);
    expect(asked.text).not.toContain('Joana');
    expect((await audited('integrity_reveal_requested', id)).map((row) => row.account_id)).toEqual([curious.account.id]);
    // The attacker's steps: approve it herself, ask again, read the identity directly, open the report.
    const own = await curious.client.call('POST', `/api/gestao/integridade/revelacoes/${asked.body.request.id}/decisao`, { body: { decision: 'approved' } });
    expect(own.status).toBe(403);
    expect(own.body.error).toBe('own_request');
    expect((await curious.client.call('POST', `/api/gestao/integridade/${id}/revelar`, { body: { justification: JUSTIFICATION } })).body.request.id).toBe(asked.body.request.id);
    const read = await curious.client.call('GET', `/api/gestao/integridade/${id}/identidade`);
    expect(read.status).toBe(403);
    const opened = await curious.client.call('GET', `/api/gestao/integridade/${id}`);
    expect(opened.body).toMatchObject({ identity: null, identityHidden: true, reveal: { state: 'pending' } });
    for (const answer of [own, read, opened]) expect(answer.text).not.toMatch(/Joana|529\.982/);
    // Nothing changed: still open, undecided, nothing approved nor viewed.
    const row = (await server.storage.query('SELECT decision, decided_by FROM integrity_reveal_requests WHERE id = $1', [asked.body.request.id])).rows[0];
    expect(row).toEqual({ decision: null, decided_by: null });
    expect(await audited('integrity_reveal_approved', id)).toEqual([]);
    expect(await audited('integrity_identity_view', id)).toEqual([]);
    // Her own request is not among those she is offered to decide.
    expect((await curious.client.call('GET', '/api/gestao/integridade/revelacoes')).body.toDecide.map((r: { id: string }) => r.id)).not.toContain(asked.body.request.id);
    // The database refuses it too, whatever route would try.
    await expect(server.storage.query(`UPDATE integrity_reveal_requests SET decision = 'approved', decided_by = requested_by, decided_at = now() WHERE id = $1`, [asked.body.request.id])).rejects.toThrow();
  });

  it('two-person reveal: another controladoria account approves, audited with both names; the identity goes to the requester only, each view audited', async () => {
    const id = await preservedReport();
    const requester = await signedIn('Rita Requerente');
    const approver = await signedIn('Abel Aprovador');
    const asked = await requester.client.call('POST', `/api/gestao/integridade/${id}/revelar`, { body: { justification: JUSTIFICATION } });
    const offered = await approver.client.call('GET', '/api/gestao/integridade/revelacoes');
    expect(offered.body.toDecide).toContainEqual(expect.objectContaining({ id: asked.body.request.id, reportId: id, requestedBy: 'Rita Requerente', justification: JUSTIFICATION }));
    const approved = await approver.client.call('POST', `/api/gestao/integridade/revelacoes/${asked.body.request.id}/decisao`, { body: { decision: 'approved' } });
    expect(approved.status).toBe(200);
    expect(approved.text).not.toMatch(/Joana|529\.982/);
    const approval = await audited('integrity_reveal_approved', id);
    expect(approval).toEqual([{ account_id: approver.account.id, target: `${id} — pedido de Rita Requerente, aprovado por Abel Aprovador` }]);
    // Decided once: a second decision is refused and changes nothing.
    expect((await approver.client.call('POST', `/api/gestao/integridade/revelacoes/${asked.body.request.id}/decisao`, { body: { decision: 'refused' } })).status).toBe(409);
    // The approver need not see it, and does not.
    expect((await approver.client.call('GET', `/api/gestao/integridade/${id}/identidade`)).status).toBe(403);
    // The requester does, each time audited.
    for (let i = 0; i < 2; i++) {
      const shown = await requester.client.call('GET', `/api/gestao/integridade/${id}/identidade`);
      expect(shown.body).toEqual({ identity: { nome: 'Joana Reporter', cpf: '529.982.247-25' } });
    }
    expect((await audited('integrity_identity_view', id)).map((row) => row.account_id)).toEqual([requester.account.id, requester.account.id]);
    expect((await requester.client.call('GET', `/api/gestao/integridade/${id}`)).body.reveal).toEqual({ state: 'approved', requestId: asked.body.request.id });
  });

  it('two-person reveal: a refusal is audited and leaves the identity hidden', async () => {
    const id = await preservedReport();
    const requester = await signedIn('Rui Requerente');
    const other = await signedIn('Olga Outra');
    const asked = await requester.client.call('POST', `/api/gestao/integridade/${id}/revelar`, { body: { justification: JUSTIFICATION } });
    expect((await other.client.call('POST', `/api/gestao/integridade/revelacoes/${asked.body.request.id}/decisao`, { body: { decision: 'refused' } })).status).toBe(200);
    expect(await audited('integrity_reveal_refused', id)).toEqual([{ account_id: other.account.id, target: `${id} — pedido de Rui Requerente, recusado por Olga Outra` }]);
    expect((await requester.client.call('GET', `/api/gestao/integridade/${id}/identidade`)).status).toBe(403);
    expect(await audited('integrity_identity_view', id)).toEqual([]);
  });

  it('leaves no request log line for the channel\'s citizen routes (relatos, acompanhar, mensagens, conteudo)', async () => {
    logs.length = 0;
    const { body } = await postJson(`${server.url}/api/integridade/relatos`, report());
    await postJson(`${server.url}/api/integridade/acompanhar`, { receipt: body.receipt });
    await postJson(`${server.url}/api/integridade/mensagens`, { id: crypto.randomUUID(), receipt: body.receipt, text: 'Mais uma coisa.', files: [] });
    await fetch(`${server.url}/api/integridade/conteudo`);
    // A named request beside them still logs: the hook runs, and skips only the channel.
    await fetch(`${server.url}/api/health`);
    const lines = logs.map((line) => JSON.parse(line) as { msg: string; route?: string; url?: string });
    expect(lines.filter((line) => line.msg === 'request').length).toBeGreaterThan(0);
    expect(logs.filter((line) => line.includes('/api/integridade'))).toEqual([]);
  });

  it("counts a failed report per day instead of logging it: a 500 on relatos writes no line that would time it", async () => {
    const held = async () => (await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM integrity_inbox')).rows[0]!.n;
    const before = await held();
    // The database refuses to hold the report: the route answers 500.
    await server.storage.query(`CREATE FUNCTION refuse_held_report() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disco indisponível'; END $$`);
    await server.storage.query('CREATE TRIGGER a_refuse_held_report BEFORE INSERT ON integrity_inbox FOR EACH ROW EXECUTE FUNCTION refuse_held_report()');
    logs.length = 0;
    try {
      expect((await postJson(`${server.url}/api/integridade/relatos`, report())).status).toBe(500);
    } finally {
      await server.storage.query('DROP TRIGGER a_refuse_held_report ON integrity_inbox');
      await server.storage.query('DROP FUNCTION refuse_held_report()');
    }
    expect(await held()).toBe(before);
    // No line at all for it (a request line, 'request failed' or any other), only today's count.
    expect(logs.filter((line) => line.includes('/api/integridade') || /request failed|request refused|disk full/.test(line))).toEqual([]);
    expect(server.app.integrityChannelErrors.today()['/api/integridade/relatos request failed']).toBeGreaterThanOrEqual(1);
    // Other routes still write their request line.
    await fetch(`${server.url}/api/health`);
    expect(logs.some((line) => line.includes('"msg":"request"'))).toBe(true);
  });

  it('the yearly report (read by the Ouvidoria) does not move for a report filed today; it counts it once the day is over', async () => {
    const day = (iso: string) => new Date(`${iso}T15:00:00Z`);
    for (let i = 0; i < 5; i++) expect((await acceptReport(deps(), report(), day('2025-06-10'))).status).toBe(201);
    await mixHeld(server.storage, keys);
    const count = async (now: Date) => (await yearlyReport(server.storage, CHARTER, 2025, now)).integrityReports;
    expect(await count(day('2025-06-15'))).toBe(5);
    // The attacker's step: poll the report, file one, poll again the same day.
    expect((await acceptReport(deps(), report(), day('2025-06-15'))).status).toBe(201);
    await mixHeld(server.storage, keys);
    expect(await count(day('2025-06-15'))).toBe(5);
    expect(await count(day('2025-06-16'))).toBe(6);
  });

  it('the radar\'s integrity clusters count only days that are over too', async () => {
    const day = (iso: string) => new Date(`${iso}T15:00:00Z`);
    const receipts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const outcome = await acceptReport(deps(), report(), day('2025-08-20'));
      if ('receipt' in outcome) receipts.push(outcome.receipt);
    }
    await mixHeld(server.storage, keys);
    const subject = CHARTER.services[0]!.id;
    for (const receipt of receipts) {
      await server.storage.query('UPDATE integrity_reports SET linked_services = $2 WHERE id = $1', [await findByReceipt(deps(), receipt), [subject]]);
    }
    const clusters = async (now: Date) => (await computeRadar(server.storage, CHARTER, DEFAULT_THRESHOLDS, now)).filter((signal) => signal.kind === 'integrity_cluster' && signal.subject.id === subject);
    expect(await clusters(day('2025-08-20'))).toEqual([]);
    expect((await clusters(day('2025-08-21'))).map((signal) => signal.figures)).toEqual([{ reports: 3 }]);
  });

  it('the mixer: reports A then B are acknowledged and followed at once, and mixed in the mixer\'s order, one transaction, with nothing finer than the day', async () => {
    await server.app.integrityMixer.runNow();
    const a = await postJson(`${server.url}/api/integridade/relatos`, report());
    const b = await postJson(`${server.url}/api/integridade/relatos`, report());
    expect([a.status, b.status]).toEqual([201, 201]);
    // Held, not in the table, yet the receipt works at once.
    const idA = (await findByReceipt(deps(), a.body.receipt))!;
    const idB = (await findByReceipt(deps(), b.body.receipt))!;
    expect((await server.storage.query('SELECT 1 FROM integrity_reports WHERE id = ANY($1::uuid[])', [[idA, idB]])).rowCount).toBe(0);
    expect(await followUp(deps(), idA)).toMatchObject({ status: 'recebida', readDay: null, messages: [] });
    // A seeded random that reverses them (Fisher–Yates with 0 swaps the two).
    const mixer = new IntegrityMixer(server.storage, keys, { random: () => 0, setTimer: () => null });
    expect(await mixer.runNow()).toBe(2);
    const rows = (await server.storage.query<{ id: string; tx: string; received_day: string }>(
      'SELECT id, xmin::text AS tx, received_day::text AS received_day FROM integrity_reports WHERE id = ANY($1::uuid[]) ORDER BY ctid', [[idA, idB]],
    )).rows;
    expect(rows.map((row) => row.id)).toEqual([idB, idA]);
    expect(new Set(rows.map((row) => row.tx)).size).toBe(1);
    expect(rows[0]!.received_day).toBe(rows[1]!.received_day);
    expect((await server.storage.query('SELECT count(*)::int AS n FROM integrity_inbox')).rows[0]).toEqual({ n: 0 });
    // No column of the channel's tables can hold a time finer than the day.
    const timed = await server.storage.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()
       AND table_name IN ('integrity_reports', 'integrity_messages', 'integrity_files', 'integrity_inbox')
       AND (data_type LIKE 'timestamp%' OR data_type LIKE 'time %' OR data_type = 'interval')`,
    );
    expect(timed.rows).toEqual([]);
    // Another seed keeps the arrival order: the order is the mixer's draw, not the arrival.
    const c = await postJson(`${server.url}/api/integridade/relatos`, report());
    const d = await postJson(`${server.url}/api/integridade/relatos`, report());
    await new IntegrityMixer(server.storage, keys, { random: () => 0.99, setTimer: () => null }).runNow();
    const [idC, idD] = [await findByReceipt(deps(), c.body.receipt), await findByReceipt(deps(), d.body.receipt)];
    expect((await server.storage.query<{ id: string }>('SELECT id FROM integrity_reports WHERE id = ANY($1::uuid[]) ORDER BY ctid', [[idC, idD]])).rows.map((r) => r.id)).toEqual([idC, idD]);
  });

  it('the mixer moves a held report and the messages that add to it in one batch, the report first, messages in order', async () => {
    await server.app.integrityMixer.runNow();
    const { body } = await postJson(`${server.url}/api/integridade/relatos`, report());
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    for (const text of ['Primeira mensagem.', 'Segunda mensagem.']) {
      const sent = await postJson(`${server.url}/api/integridade/mensagens`, { id: crypto.randomUUID(), receipt: body.receipt, text, files: [{ fieldId: 'arquivos', type: 'application/pdf', base64: pdf.toString('base64') }] });
      expect(sent.status).toBe(201);
    }
    // Reversed by the draw: the messages would come first, and the report must still go in before them.
    await new IntegrityMixer(server.storage, keys, { random: () => 0, setTimer: () => null }).runNow();
    const id = (await findByReceipt(deps(), body.receipt))!;
    expect((await followUp(deps(), id)).messages.map((m) => [m.text, m.files])).toEqual([['Primeira mensagem.', 1], ['Segunda mensagem.', 1]]);
    expect((await server.storage.query('SELECT count(*)::int AS n FROM integrity_files WHERE report_id = $1', [id])).rows[0]).toEqual({ n: 2 });
  });

  it('the mixer wakes at random moments between its bounds, drawn anew each time', () => {
    const draws = [0, 0.5, 0.999];
    const mixer = new IntegrityMixer(server.storage, keys, { random: () => draws.shift()!, minMs: 3_600_000, maxMs: 21_600_000 });
    expect([mixer.nextWaitMs(), mixer.nextWaitMs(), mixer.nextWaitMs()]).toEqual([3_600_000, 12_600_000, 21_582_000]);
  });
});

describe('the integrity key file outside DATA_DIR', () => {
  const made: string[] = [];
  const temp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'conecta-keys-'));
    made.push(dir);
    return dir;
  };
  afterAll(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

  it('defaults KEY_DIR to ./.keys and makes the key there, owner-only, not in DATA_DIR', () => {
    expect(readConfig({}).keyDir).toBe('./.keys');
    const root = temp();
    const dataDir = join(root, 'data');
    const keyDir = join(root, 'keys');
    const choice = integrityKeyFile(dataDir, keyDir, {});
    expect(choice).toEqual({ file: join(keyDir, 'integrity.key'), warnings: [] });
    const keys = loadIntegrityKeys({}, choice.file);
    expect(statSync(choice.file).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'integrity.key'))).toBe(false);
    // The same key on the next start.
    expect(loadIntegrityKeys({}, choice.file).currentId).toBe(keys.currentId);
  });

  it('moves an old DATA_DIR/integrity.key into KEY_DIR, with a warning, and leaves none behind', () => {
    const root = temp();
    const dataDir = join(root, 'data');
    const keyDir = join(root, 'keys');
    const old = randomBytes(32).toString('base64');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'integrity.key'), old, { mode: 0o600 });
    const choice = integrityKeyFile(dataDir, keyDir, {});
    expect(choice.warnings).toHaveLength(1);
    expect(choice.warnings[0]).toContain('moved');
    expect(readFileSync(choice.file, 'utf8')).toBe(old);
    expect(existsSync(join(dataDir, 'integrity.key'))).toBe(false);
  });

  it('moves the old key at a real start (npm run integrity:rotate-key), warning on stderr', async () => {
    const root = temp();
    const dataDir = join(root, 'data');
    const keyDir = join(root, 'keys');
    mkdirSync(dataDir, { recursive: true });
    const old = randomBytes(32).toString('base64');
    writeFileSync(join(dataDir, 'integrity.key'), old, { mode: 0o600 });
    const env = { ...process.env, DATA_DIR: dataDir, KEY_DIR: keyDir, DATABASE_URL: '', DATABASE_SCHEMA: '', INTEGRITY_KEY: '', INTEGRITY_KEY_PREVIOUS: '' };
    const cli = fileURLToPath(new URL('../../src/server/cli/integrity-rotate-key.ts', import.meta.url));
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', cli], { cwd: fileURLToPath(new URL('../../', import.meta.url)), env }, (error, stdout, stderr) => {
        resolve({ code: error ? 1 : 0, stdout, stderr });
      });
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`moved from ${join(dataDir, 'integrity.key')} to ${join(keyDir, 'integrity.key')}`);
    expect(readFileSync(join(keyDir, 'integrity.key'), 'utf8')).toBe(old);
    expect(existsSync(join(dataDir, 'integrity.key'))).toBe(false);
  }, 120_000);

  it('warns at start when the key file lies inside DATA_DIR, and not when INTEGRITY_KEY is set', () => {
    const dataDir = temp();
    const inside = integrityKeyFile(dataDir, join(dataDir, 'chaves'), {});
    expect(inside.warnings.join(' ')).toContain('inside DATA_DIR');
    expect(integrityKeyFile(dataDir, join(dataDir, 'chaves'), { INTEGRITY_KEY: randomBytes(32).toString('base64') }).warnings).toEqual([]);
  });
});
