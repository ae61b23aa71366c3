/**
 * The integrity channel's server: receipts made once and kept as a slow hash, a wrong receipt that learns
 * nothing, guessing that raises an alarm, contents a database dump does not reveal, files without metadata,
 * the identity-preserved reveal request and its audit, and key rotation. Reports wait in the mixer's inbox
 * until the test runs the mixer (mix()).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrityKeys } from '../../src/server/domain/integrity/crypto.ts';
import { forgetRetryReceipts } from '../../src/server/domain/integrity/reports.ts';
import { rotateKeys } from '../../src/server/domain/integrity/key-rotation.ts';
import { CharterCache } from '../../src/server/domain/current-charter.ts';
import { signInNewAccount } from '../support/staff.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { BACKENDS, postJson, startServer, type TestServer } from '../support/server.ts';

/** A JPEG with an EXIF segment holding a GPS-looking string, as a phone camera writes one. */
function jpegWithExif(): Buffer {
  const exif = Buffer.concat([Buffer.from('Exif\0\0'), Buffer.from('GPSLatitude -14.86 GPSLongitude -40.84 Make PhoneCo')]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([(exif.length + 2) >> 8, (exif.length + 2) & 0xff]), exif]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, Buffer.from([0xff, 0xda, 0x00, 0x02]), randomBytes(500), Buffer.from([0xff, 0xd9])]);
}

/** The integrity form's current version in the sample charter the server is started with. */
const FORM_VERSION = appTestCharter().forms.find((f) => f.id === 'denuncia-integridade')!.version;

const REPORT_TEXT = 'O fiscal da obra da escola recebeu dinheiro para aprovar a medição falsa.';

function report(overrides: Record<string, unknown> = {}) {
  return {
    id: crypto.randomUUID(),
    formId: 'denuncia-integridade',
    formVersion: FORM_VERSION,
    identification: 'anonimo',
    answers: { tipo: 'propina', orgao: 'infraestrutura', relato: REPORT_TEXT, consentimento: true },
    files: [],
    ...overrides,
  };
}

describe.each(BACKENDS)('the integrity channel on %s', (backend) => {
  let server: TestServer;
  const firstKey = randomBytes(32);
  let keys: IntegrityKeys;
  const logs: string[] = [];
  const origin = () => ({ origin: server.url });
  /** The mixer's run, now: what was received moves from the inbox into the tables. */
  const mix = () => server.app.integrityMixer.runNow();

  /** A controladoria account, signed in with its second factor: the cookie and the CSRF token. */
  async function controladoria() {
    const client = await signInNewAccount(server.url, server.storage, ['controladoria']);
    return { cookie: `${client.cookieName}=${client.token}`, csrfToken: client.csrf!, account: { id: client.accountId! } };
  }

  beforeAll(async () => {
    keys = new IntegrityKeys(firstKey);
    server = await startServer({
      backend, charter: appTestCharter(), integrityKeys: keys, receiptLookupsPerMinute: 1000,
      logger: { level: 'info', stream: { write: (line: string) => { logs.push(line); } } },
    });
  });
  afterAll(async () => { await server?.close(); });

  it('gives a 16-digit receipt once, again only to a retry of the same report, and never a protocol', async () => {
    const body = report();
    const first = await postJson(`${server.url}/api/integridade/relatos`, body);
    expect(first.status).toBe(201);
    expect(first.body.receipt).toMatch(/^\d{16}$/);
    expect(first.body.receivedDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(first.body).sort()).toEqual(['receipt', 'receivedDay']);
    const retry = await postJson(`${server.url}/api/integridade/relatos`, body);
    expect(retry.status).toBe(200);
    expect(retry.body.receipt).toBe(first.body.receipt);
    // Held in the inbox, then mixed in: a retry is told the same receipt either way.
    await mix();
    const mixedRetry = await postJson(`${server.url}/api/integridade/relatos`, body);
    expect(mixedRetry.body.receipt).toBe(first.body.receipt);
    // After a week the receipt cannot be told again, even to the same phone.
    await forgetRetryReceipts(server.storage, new Date(Date.now() + 8 * 86_400_000));
    const late = await postJson(`${server.url}/api/integridade/relatos`, body);
    expect(late.status).toBe(409);
    expect((await server.storage.query('SELECT 1 FROM integrity_reports')).rowCount).toBeGreaterThanOrEqual(1);
  });

  it('refuses identity fields in an anonymous report, and answers in pt-BR', async () => {
    const response = await postJson(`${server.url}/api/integridade/relatos`, report({ answers: { ...report().answers, nome: 'Fulano', cpf: '529.982.247-25' } }));
    expect(response.status).toBe(422);
    expect(response.body.message).toMatch(/anônima/);
  });

  it('answers a wrong receipt with the same shape, in about the same time, and raises an alarm after many', async () => {
    const { body } = await postJson(`${server.url}/api/integridade/relatos`, report());
    const ask = async (receipt: string) => {
      const started = performance.now();
      const response = await postJson(`${server.url}/api/integridade/acompanhar`, { receipt });
      return { ...response, ms: performance.now() - started };
    };
    const right = await ask(body.receipt.replace(/(\d{4})(?=\d)/g, '$1 '));
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ status: 'recebida', readDay: null, messages: [] });
    const rightTimes: number[] = [];
    const wrongTimes: number[] = [];
    for (let i = 0; i < 21; i++) {
      const wrong = await ask(String(10n ** 15n + BigInt(i)).padStart(16, '0'));
      expect(wrong.status).toBe(404);
      expect(wrong.body).toEqual({ error: 'not_found', message: 'Recibo não encontrado. Confira os 16 números.' });
      wrongTimes.push(wrong.ms);
      if (i < 5) rightTimes.push((await ask(body.receipt)).ms);
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    // Both cost the slow hash: a wrong receipt is not answered noticeably faster.
    expect(median(wrongTimes)).toBeGreaterThan(median(rightTimes) * 0.5);
    const alarms = await server.storage.query(`SELECT target FROM staff_audit WHERE action = 'receipt_guessing_alarm'`);
    expect(alarms.rowCount).toBeGreaterThanOrEqual(1);
    // A malformed receipt is refused the same way.
    expect((await ask('12345')).body).toEqual({ error: 'not_found', message: 'Recibo não encontrado. Confira os 16 números.' });
  });

  it('lets the controladoria read it (audited; the reporter sees the day), ask, and hear back with a file', async () => {
    const photo = jpegWithExif();
    const { body } = await postJson(`${server.url}/api/integridade/relatos`, report({
      // The only report of this file about education: the list tells it apart by that.
      answers: { ...report().answers, orgao: 'educacao' },
      files: [{ fieldId: 'fotos', type: 'image/jpeg', base64: photo.toString('base64') }],
    }));
    await mix();
    const { cookie, csrfToken, account } = await controladoria();
    const list = await (await fetch(`${server.url}/api/gestao/integridade`, { headers: { cookie } })).json() as { reports: { id: string; orgao: string }[] };
    const mine = list.reports.find((r) => r.orgao === 'educacao')!;
    const opened = await (await fetch(`${server.url}/api/gestao/integridade/${mine.id}`, { headers: { cookie } })).json() as { answers: Record<string, unknown>; files: { id: string }[]; identity: unknown };
    expect(opened.answers.relato).toBe(REPORT_TEXT);
    expect(opened.identity).toBeNull();
    const audited = await server.storage.query(`SELECT 1 FROM staff_audit WHERE action = 'integrity_view' AND account_id = $1 AND target = $2`, [account.id, mine.id]);
    expect(audited.rowCount).toBe(1);
    // The stored photo lost its EXIF (and its GPS) on the way in.
    const file = Buffer.from(await (await fetch(`${server.url}/api/gestao/integridade/${mine.id}/arquivos/${opened.files[0]!.id}`, { headers: { cookie } })).arrayBuffer());
    expect(file.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(file.includes(Buffer.from('Exif'))).toBe(false);
    expect(file.includes(Buffer.from('GPSLatitude'))).toBe(false);

    const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken, ...origin() };
    expect((await fetch(`${server.url}/api/gestao/integridade/${mine.id}/mensagens`, { method: 'POST', headers, body: JSON.stringify({ text: 'Você sabe a data da medição?' }) })).status).toBe(200);
    const seen = await postJson(`${server.url}/api/integridade/acompanhar`, { receipt: body.receipt });
    expect(seen.body.readDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(seen.body.status).toBe('aguardando_voce');
    expect(seen.body.messages).toEqual([{ from: 'controladoria', day: expect.any(String), text: 'Você sabe a data da medição?', files: 0 }]);

    const answer = { id: crypto.randomUUID(), receipt: body.receipt, text: 'Foi no dia 3 de novembro.', files: [{ fieldId: 'fotos', type: 'image/jpeg', base64: jpegWithExif().toString('base64') }] };
    expect((await postJson(`${server.url}/api/integridade/mensagens`, answer)).status).toBe(201);
    expect((await postJson(`${server.url}/api/integridade/mensagens`, answer)).status).toBe(200);
    // Held, the reporter already reads it back; mixed in, the controladoria does too.
    expect((await postJson(`${server.url}/api/integridade/acompanhar`, { receipt: body.receipt })).body.messages.at(-1)).toEqual({ from: 'voce', day: expect.any(String), text: 'Foi no dia 3 de novembro.', files: 1 });
    await mix();
    expect((await postJson(`${server.url}/api/integridade/mensagens`, answer)).status).toBe(200);
    const after = await (await fetch(`${server.url}/api/gestao/integridade/${mine.id}`, { headers: { cookie } })).json() as { messages: { from: string; text: string; files: number }[]; status: string };
    expect(after.messages.map((m) => [m.from, m.text, m.files])).toEqual([['controladoria', 'Você sabe a data da medição?', 0], ['voce', 'Foi no dia 3 de novembro.', 1]]);
    expect(after.status).toBe('em_apuracao');
  });

  it('asks to reveal a preserved identity only with a justification, audits the request, and shows nothing yet', async () => {
    const { body } = await postJson(`${server.url}/api/integridade/relatos`, report({
      identification: 'preservada',
      answers: { ...report().answers, identificar: true, nome: 'Joana Reporter', cpf: '529.982.247-25' },
    }));
    expect(body.receipt).toMatch(/^\d{16}$/);
    await mix();
    const { cookie, csrfToken, account } = await controladoria();
    const list = await (await fetch(`${server.url}/api/gestao/integridade`, { headers: { cookie } })).json() as { reports: { id: string; identification: string }[] };
    const preserved = list.reports.find((r) => r.identification === 'preservada')!;
    const opened = await (await fetch(`${server.url}/api/gestao/integridade/${preserved.id}`, { headers: { cookie } })).json() as { identity: unknown; identityHidden: boolean };
    expect(opened).toMatchObject({ identity: null, identityHidden: true });
    const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken, ...origin() };
    const short = await fetch(`${server.url}/api/gestao/integridade/${preserved.id}/revelar`, { method: 'POST', headers, body: JSON.stringify({ justification: 'preciso' }) });
    expect(short.status).toBe(422);
    const justification = 'Ouvir a pessoa como testemunha no processo administrativo 12/2026.';
    const asked = await fetch(`${server.url}/api/gestao/integridade/${preserved.id}/revelar`, { method: 'POST', headers, body: JSON.stringify({ justification }) });
    expect(asked.status).toBe(202);
    const answer = JSON.stringify(await asked.json());
    expect(answer).not.toContain('Joana');
    expect(answer).not.toContain('529.982.247-25');
    // Two people: the request alone shows nothing (integrity-trust.test.ts has the approval).
    expect((await fetch(`${server.url}/api/gestao/integridade/${preserved.id}/identidade`, { headers: { cookie } })).status).toBe(403);
    const audit = await server.storage.query<{ target: string }>(`SELECT target FROM staff_audit WHERE action = 'integrity_reveal_requested' AND account_id = $1`, [account.id]);
    expect(audit.rows[0]!.target).toContain(justification);
  });

  it('classifies a report only by the plan\'s risk categories and the charter\'s secretariats and services', async () => {
    expect((await postJson(`${server.url}/api/integridade/relatos`, report())).status).toBe(201);
    await mix();
    const { cookie, csrfToken } = await controladoria();
    const list = await (await fetch(`${server.url}/api/gestao/integridade`, { headers: { cookie } })).json() as { reports: { id: string }[] };
    const target = list.reports[0]!.id;
    const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken, ...origin() };
    const classify = (body: unknown) => fetch(`${server.url}/api/gestao/integridade/${target}/classificacao`, { method: 'POST', headers, body: JSON.stringify(body) });
    const linked = async () => (await server.storage.query('SELECT risk_category, linked_secretariats, linked_services FROM integrity_reports WHERE id = $1', [target])).rows[0];
    const before = await linked();
    const { secretariats, services } = appTestCharter();
    const badCategory = await classify({ riskCategory: 'qualquer coisa', secretariats: [], services: [] });
    expect(badCategory.status).toBe(422);
    const unknown = await classify({ riskCategory: 'obras', secretariats: [secretariats[0]!.id, 'secretaria-inventada'], services: ['servico-inventado'] });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toEqual({
      error: 'invalid_classification',
      message: 'Confira a classificação.',
      fields: { 'secretariats.1': 'Secretaria não encontrada na Carta de Serviços.', 'services.0': 'Serviço não encontrado na Carta de Serviços.' },
    });
    expect(await linked()).toEqual(before);
    // A link repeated counts once (the radar counts clusters by them).
    expect((await classify({ riskCategory: 'obras', secretariats: [secretariats[0]!.id, secretariats[0]!.id], services: [services[0]!.id] })).status).toBe(200);
    expect(await linked()).toEqual({ risk_category: 'obras', linked_secretariats: [secretariats[0]!.id], linked_services: [services[0]!.id] });
  });

  it('sends a message without opening the report: nothing marked read, and no report answers 404', async () => {
    expect((await postJson(`${server.url}/api/integridade/relatos`, report())).status).toBe(201);
    await mix();
    const unread = (await server.storage.query<{ id: string }>('SELECT id FROM integrity_reports WHERE read_day IS NULL ORDER BY received_day DESC LIMIT 1')).rows[0]!.id;
    const { cookie, csrfToken } = await controladoria();
    const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken, ...origin() };
    const send = (id: string) => fetch(`${server.url}/api/gestao/integridade/${id}/mensagens`, { method: 'POST', headers, body: JSON.stringify({ text: 'Pode dizer o nome da empresa?' }) });
    expect((await send(unread)).status).toBe(200);
    expect((await server.storage.query('SELECT read_day, status FROM integrity_reports WHERE id = $1', [unread])).rows[0]).toEqual({ read_day: null, status: 'aguardando_voce' });
    const nobody = crypto.randomUUID();
    expect((await send(nobody)).status).toBe(404);
    expect((await server.storage.query('SELECT count(*)::int AS n FROM integrity_messages WHERE report_id = $1', [nobody])).rows[0]).toEqual({ n: 0 });
  });

  it('keeps no reporter\'s address, agent, receipt or text in plain form, in any table or log line', async () => {
    const secretWords = 'Contrato 77/2026 superfaturado pelo diretor X';
    const { body } = await postJson(`${server.url}/api/integridade/relatos`, report({ answers: { ...report().answers, relato: secretWords } }), { 'user-agent': 'NavegadorDoDenunciante/9.9' });
    await postJson(`${server.url}/api/integridade/acompanhar`, { receipt: body.receipt }, { 'user-agent': 'NavegadorDoDenunciante/9.9' });
    const tables = (await server.storage.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    )).rows.map((row) => row.table_name);
    let dump = '';
    for (const table of tables) {
      const rows = await server.storage.query(`SELECT * FROM ${table}`);
      dump += JSON.stringify(rows.rows, (_key, value) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
    }
    dump += logs.join('\n');
    for (const needle of [secretWords, body.receipt, '127.0.0.1', 'NavegadorDoDenunciante', REPORT_TEXT]) expect(dump, needle).not.toContain(needle);
  });

  it('rotates the key: every row sealed again with the new one, readable without the old', async () => {
    // The real rotation: the new key current, the old one previous.
    const newKey = randomBytes(32);
    const rotating = new IntegrityKeys(newKey, [firstKey]);
    const count = await rotateKeys({ storage: server.storage, charters: new CharterCache(server.storage), keys: rotating });
    expect(count).toBeGreaterThan(0);
    const ids = await server.storage.query<{ key_id: string }>('SELECT DISTINCT key_id FROM integrity_reports UNION SELECT DISTINCT key_id FROM integrity_messages UNION SELECT DISTINCT key_id FROM integrity_files');
    expect(ids.rows.map((r) => r.key_id)).toEqual([rotating.currentId]);
    // The new key alone opens everything; the old one alone opens nothing.
    const onlyNew = new IntegrityKeys(newKey);
    const row = (await server.storage.query<{ key_id: string; contents: Uint8Array }>('SELECT key_id, contents FROM integrity_reports LIMIT 1')).rows[0]!;
    expect(onlyNew.openJson<{ formId: string }>({ keyId: row.key_id, blob: Buffer.from(row.contents) }).formId).toBe('denuncia-integridade');
    expect(() => keys.open({ keyId: row.key_id, blob: Buffer.from(row.contents) })).toThrow();
  });
});
