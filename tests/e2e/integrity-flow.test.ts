/**
 * The integrity channel end to end, in headless Chromium against the real server: a person files an
 * anonymous denúncia with a photo with no signal (and a named request beside it); when the signal returns
 * the denúncia goes alone, after the named request, and the receipt is shown; in another browser profile
 * the receipt opens /acompanhar; the controladoria (over the staff API) reads the report, audited, and asks
 * a question; the reporter, in the other profile, sees it and answers with a file; the controladoria sees
 * the answer. An atendente or a gestor never reaches it. Then nothing links the reporter: no table, no
 * column and no log line holds the loopback address, the browser's user agent, the receipt or the report's
 * words in plain form, and the stored photo has no EXIF.
 *
 * The browsers reach the server through a recording proxy (tests/support/pacing-proxy.ts, no delay): the
 * timing is measured on the wire, since the server writes no log line for the channel's citizen routes.
 * The phone holds a staff cookie for the site (a back office session on a shared computer): the channel's
 * requests arrive without it. Reports wait in the mixer's inbox until the test runs the mixer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, horizontalOverflow, newPhoneContext, SETTLED } from '../support/browser.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { bahiaDay } from '../../src/shared/dates.ts';
import { groupReceipt } from '../../src/sync/outbox/integrity.ts';
import { fillAndSubmit, fillForm, serviceWithForm, submitForm, waitFor } from '../support/outbox.ts';
import { startPacingProxy, type PacingProxy } from '../support/pacing-proxy.ts';
import { authoredPdf, cameraJpeg, hasApp1, readOutbox, startIntegrityApp, type IntegrityApp } from '../support/integrity.ts';
import { signInNewAccount, type StaffClient } from '../support/staff.ts';

const RUN = Math.random().toString(36).slice(2, 8);
const REPORT_TEXT = `O fiscal da obra da escola ${RUN} cobrou propina para aprovar a medição do contrato.`;
const QUESTION = `Em que dia da semana o fiscal ${RUN} costuma ir à obra?`;
const ANSWER = `Sempre às terças ${RUN}, de manhã; mando a nota fiscal da medição.`;
const EXIF_MARKER = `GPS -14.8615 -40.8442 Moto-G-${RUN}`;
const PDF_AUTHOR = `Fulano Denunciante ${RUN}`;

let app: IntegrityApp;
let proxy: PacingProxy;
/** The site as the browsers reach it: through the recording proxy. */
let site = '';
let phone: BrowserContext;
let page: Page;
let other: BrowserContext;
let otherPage: Page;
let userAgent = '';
let reportRecordId = '';
let namedRecordId = '';
let receipt = '';
let reportId = '';
let controladoria: StaffClient;
let colleagues: StaffClient[] = [];

interface LogLine {
  time: number;
  msg: string;
  route?: string;
  status?: number;
  ms?: number;
}
const requestLog = () => app.logLines.map((line) => JSON.parse(line) as LogLine).filter((line) => line.msg === 'request');
/** What crossed the wire to the channel's citizen routes and to the named batches. */
const onWire = (path: string) => proxy.requests.filter((r) => r.path === path);
const mix = () => app.server.app.integrityMixer.runNow();

beforeAll(async () => {
  app = await startIntegrityApp();
  proxy = await startPacingProxy({ target: app.server.url, roundTripMs: 0, downBytesPerSecond: 1e9 });
  site = proxy.url;
  phone = await newPhoneContext(app.browser, { viewport: { width: 320, height: 640 } });
  page = await phone.newPage();
  await page.goto(`${site}/`);
  await page.getByText('Pronto para usar sem internet').waitFor({ timeout: 30_000 });
  userAgent = await page.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent);
  expect(userAgent).toContain('HeadlessChrome');
  // An atendente of the channel's own secretariat and a gestor of the secretariat reported.
  colleagues = [
    await signInNewAccount(app.server.url, app.server.storage, ['atendente'], ['transparencia']),
    await signInNewAccount(app.server.url, app.server.storage, ['gestor'], ['saude', 'transparencia']),
  ];
  // The phone's browser also holds a real staff session cookie for the site (Path=/, as the server sets it).
  await phone.addCookies([{ name: colleagues[0]!.cookieName!, value: colleagues[0]!.token!, url: site }]);
});

afterAll(async () => {
  await other?.close();
  await phone?.close();
  await proxy?.close();
  await app?.close();
});

/** An atendente or gestor of any secretariat never reaches the channel: not the list, not a report, not a file, not its messages. */
async function colleaguesAreRefused(): Promise<void> {
  for (const colleague of colleagues) {
    expect((await colleague.call('GET', '/api/gestao/integridade')).status).toBe(403);
    if (reportId) {
      expect((await colleague.call('GET', `/api/gestao/integridade/${reportId}`)).status).toBe(403);
      expect((await colleague.call('GET', `/api/gestao/integridade/${reportId}/arquivos/${crypto.randomUUID()}`)).status).toBe(403);
      expect((await colleague.call('POST', `/api/gestao/integridade/${reportId}/mensagens`, { body: { text: 'Quem denunciou?' } })).status).toBe(403);
    }
    // Nor through their queue: the channel is not a request of any secretariat.
    const queue = await colleague.call('GET', '/api/gestao/requests');
    expect(queue.status).toBe(200);
    expect(queue.text).not.toContain(RUN);
  }
}

describe('the integrity channel, end to end', () => {
  it('files an anonymous denúncia with a photo with no signal, beside a named request', async () => {
    await colleaguesAreRefused();
    const photo = await cameraJpeg(app.browser, EXIF_MARKER);
    await phone.setOffline(true);
    const named = serviceWithForm(app.charter, 'tapa-buraco');
    namedRecordId = await fillAndSubmit({ ...app, server: { ...app.server, url: site } }, page, `/servicos/${named.service.id}/solicitar`, named.form);

    const { service, form } = serviceWithForm(app.charter, 'denuncia-integridade');
    await page.goto(`${site}/servicos/${service.id}/solicitar`);
    await page.getByTestId('service-form').waitFor();
    // Anonymous by default: the identity fields are not asked.
    await expect.poll(() => page.locator('#identificacao-anonimo').isChecked(), SETTLED).toBe(true);
    for (const id of ['nome', 'cpf', 'email', 'telefone', 'identificar']) await expect.poll(() => page.locator(`#campo-${id}`).count(), SETTLED).toBe(0);
    // Choosing to be identified shows them; going back to anonymous hides them again.
    await page.locator('#identificacao-preservada').check();
    await page.locator('#campo-nome').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.locator('#identificacao-anonimo').check();
    await expect.poll(() => page.locator('#campo-nome').count(), SETTLED).toBe(0);

    await fillForm(page, form, { values: { relato: REPORT_TEXT } });
    await page.locator('#campo-fotos').setInputFiles({ name: 'IMG_20261129_101500.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.locator('#campo-fotos-grupo img').first().waitFor({ timeout: 30_000 });
    reportRecordId = await submitForm(page);
    await page.getByRole('heading', { level: 1, name: 'Manifestação', exact: true }).waitFor();
    await waitFor(() => page.getByTestId('record-state').textContent(), (text) => text?.startsWith('Aguardando sinal para enviar') ?? false);
    expect(await axeViolations(page)).toEqual([]);

    const { records } = await readOutbox(page);
    const record = records.find((r) => r.id === reportRecordId);
    expect(record).toMatchObject({ channel: 'integrity', integrity: { kind: 'report', identification: 'anonimo' }, serviceId: 'canal-de-integridade' });
    expect(Object.keys(record.answers).sort()).toEqual(['consentimento', 'fotos', 'orgao', 'relato', 'tipo']);
    expect(record.attachments).toHaveLength(1);
    expect(proxy.requests.filter((r) => r.path.startsWith('/api/integridade/') || r.path === '/api/sync')).toEqual([]);
  });

  it('sends it alone, a few seconds after the named request, and shows the receipt', async () => {
    await phone.setOffline(false);
    const shown = page.getByTestId('receipt');
    await shown.waitFor({ timeout: 90_000 });
    await expect.poll(() => shown.textContent(), SETTLED).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    const grouped = (await shown.textContent()) ?? '';
    receipt = grouped.replace(/ /g, '');
    await page.getByText('Anote este número: é o único jeito de acompanhar a sua denúncia.').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Copiar o número' }).count(), SETTLED).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

    // On the wire: the named request in a batch of its own, the denúncia alone on its route, seconds later.
    const reports = onWire('/api/integridade/relatos');
    expect(reports.map((r) => r.status)).toEqual([201]);
    const batches = onWire('/api/sync').filter((r) => r.status === 200);
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) expect(reports[0]!.startedAt - batch.endedAt!).toBeGreaterThanOrEqual(3_000);
    // The staff cookie the browser holds went with the named batch, never with the denúncia.
    expect(batches.some((r) => r.cookie)).toBe(true);
    expect(reports.map((r) => r.cookie)).toEqual([false]);
    // And the server wrote no line for it.
    expect(app.logLines.filter((line) => line.includes('/api/integridade'))).toEqual([]);
    const named = await app.server.storage.query<{ answers: unknown }>('SELECT answers FROM submissions WHERE id = $1', [namedRecordId]);
    expect(named.rowCount).toBe(1);
    expect((await app.server.storage.query('SELECT 1 FROM submissions')).rowCount).toBe(1);

    // The phone keeps the receipt and nothing else of the report.
    const outbox = await readOutbox(page);
    const record = outbox.records.find((r) => r.id === reportRecordId);
    expect(record.state).toBe('sent');
    expect(record.answers).toBeUndefined();
    expect(record.attachments).toEqual([]);
    expect(record.integrity).toEqual({ kind: 'report', receipt, receivedDay: bahiaDay() });
    expect(outbox.blobs).toBe(0);
    expect(JSON.stringify(outbox.records)).not.toContain(RUN);

    // The list shows a neutral title, and no receipt.
    await page.goto(`${site}/minhas-solicitacoes`);
    const card = page.locator(`[data-testid="record"]:has(a[href="/minhas-solicitacoes/${reportRecordId}"])`);
    await card.waitFor();
    await expect.poll(() => card.textContent(), SETTLED).toMatch(/^Manifestação/);
    const text = (await card.textContent()) ?? '';
    expect(text).not.toContain(receipt.slice(0, 4));
    expect(text).not.toMatch(/Integridade|denúncia/i);
  });

  it('opens /acompanhar with the receipt in a fresh browser profile, and says so plainly when a receipt is wrong', async () => {
    other = await newPhoneContext(app.browser, { viewport: { width: 320, height: 640 } });
    otherPage = await other.newPage();
    await otherPage.goto(`${site}/acompanhar`);
    await otherPage.getByTestId('follow-up-form').waitFor();
    expect(await axeViolations(otherPage)).toEqual([]);
    await otherPage.locator('#recibo').fill('1234 5678 9012 3456' === groupReceipt(receipt) ? '1234 5678 9012 3457' : '1234 5678 9012 3456');
    await otherPage.getByRole('button', { name: 'Acompanhar' }).click();
    await expect.poll(() => otherPage.getByTestId('follow-up-problem').textContent(), SETTLED).toContain('Recibo não encontrado. Confira os 16 números');
    expect(await axeViolations(otherPage)).toEqual([]);

    await otherPage.locator('#recibo').fill(groupReceipt(receipt));
    await otherPage.getByRole('button', { name: 'Acompanhar' }).click();
    await otherPage.getByTestId('follow-up').waitFor();
    await expect.poll(() => otherPage.getByTestId('integrity-status').textContent(), SETTLED).toBe('Recebida pela Controladoria');
    await expect.poll(() => otherPage.getByTestId('read-day').textContent(), SETTLED).toBe('Ainda não foi lida pela Controladoria.');
    await expect.poll(() => otherPage.getByTestId('integrity-message').count(), SETTLED).toBe(0);
    expect(await axeViolations(otherPage)).toEqual([]);
    expect(await horizontalOverflow(otherPage)).toBeLessThanOrEqual(0);
    // The fresh profile stores nothing of it.
    expect((await readOutbox(otherPage)).records).toEqual([]);
  });

  it('lets the controladoria read the report, audited, with a photo free of EXIF, and ask a question', async () => {
    controladoria = await signInNewAccount(app.server.url, app.server.storage, ['controladoria']);
    // Held in the mixer's inbox until it runs: the list does not show it before.
    expect((await controladoria.call('GET', '/api/gestao/integridade')).body.reports).toEqual([]);
    await mix();
    const list = await controladoria.call('GET', '/api/gestao/integridade');
    expect(list.status).toBe(200);
    expect(list.body.reports).toHaveLength(1);
    reportId = list.body.reports[0]!.id;
    expect(reportId).not.toBe(reportRecordId);
    await colleaguesAreRefused();

    const opened = await controladoria.call('GET', `/api/gestao/integridade/${reportId}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ identification: 'anonimo', identity: null, identityHidden: false, readDay: bahiaDay(), status: 'recebida' });
    expect(opened.body.answers).toMatchObject({ relato: REPORT_TEXT, tipo: expect.any(String), orgao: expect.any(String), consentimento: true });
    for (const key of ['nome', 'cpf', 'email', 'telefone', 'identificar', 'fotos']) expect(opened.body.answers).not.toHaveProperty(key);
    expect(opened.body.files).toHaveLength(1);
    expect(opened.body.files[0]).toMatchObject({ fieldId: 'fotos', type: 'image/jpeg', fromMessage: false });

    const photo = await controladoria.call('GET', `/api/gestao/integridade/${reportId}/arquivos/${opened.body.files[0].id}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const bytes = photo.bytes;
    expect(bytes.length).toBe(opened.body.files[0].size);
    expect(hasApp1(bytes)).toBe(false);
    expect(bytes.includes(Buffer.from('Exif'))).toBe(false);
    expect(bytes.includes(Buffer.from(EXIF_MARKER))).toBe(false);

    const audit = await app.server.storage.query<{ action: string; account_id: string; target: string }>(
      `SELECT action, account_id, target FROM staff_audit WHERE action LIKE 'integrity%' ORDER BY id`,
    );
    expect(audit.rows).toEqual(expect.arrayContaining([
      { action: 'integrity_list', account_id: controladoria.accountId, target: null },
      { action: 'integrity_view', account_id: controladoria.accountId, target: reportId },
      { action: 'integrity_file', account_id: controladoria.accountId, target: reportId },
    ]));
    expect(audit.rows.every((row) => row.account_id === controladoria.accountId)).toBe(true);

    expect((await controladoria.call('POST', `/api/gestao/integridade/${reportId}/mensagens`, { body: { text: QUESTION } })).status).toBe(200);
  });

  it('shows the question in the fresh profile, and the reporter answers with a file', async () => {
    // The receipt lived in the page's memory only: a reload forgets it.
    await otherPage.reload();
    await otherPage.getByTestId('follow-up-form').waitFor();
    await expect.poll(() => otherPage.locator('#recibo').inputValue(), SETTLED).toBe('');
    await otherPage.locator('#recibo').fill(receipt);
    await otherPage.getByRole('button', { name: 'Acompanhar' }).click();
    await otherPage.getByTestId('follow-up').waitFor();
    await expect.poll(() => otherPage.getByTestId('integrity-status').textContent(), SETTLED).toBe('A Controladoria fez uma pergunta');
    await expect.poll(() => otherPage.getByTestId('read-day').textContent(), SETTLED).toBe(`Lida pela Controladoria em ${bahiaDay().split('-').reverse().join('/')}.`);
    const question = otherPage.locator('[data-testid="integrity-message"][data-from="controladoria"]');
    await expect.poll(() => question.textContent(), SETTLED).toContain(QUESTION);

    await otherPage.locator('#mensagem').fill(ANSWER);
    await otherPage.locator('#mensagem-arquivos').setInputFiles({ name: 'nota.pdf', mimeType: 'application/pdf', buffer: authoredPdf(PDF_AUTHOR) });
    await otherPage.getByRole('button', { name: 'Remover documento 1' }).waitFor();
    expect(await axeViolations(otherPage)).toEqual([]);
    expect(await horizontalOverflow(otherPage)).toBeLessThanOrEqual(0);
    await otherPage.getByRole('button', { name: 'Enviar mensagem' }).click();
    await otherPage.getByTestId('pending-messages').waitFor();
    const pending = (await readOutbox(otherPage)).records;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ channel: 'integrity', state: expect.any(String), integrity: { kind: 'message', receipt } });

    // Sent alone after its delay; the page reads again and shows it among the messages.
    const mine = otherPage.locator('[data-testid="integrity-message"][data-from="voce"]');
    await mine.waitFor({ timeout: 90_000 });
    await expect.poll(() => mine.textContent(), SETTLED).toContain(ANSWER);
    await expect.poll(() => mine.textContent(), SETTLED).toContain('1 arquivo anexado');
    await expect.poll(() => otherPage.getByTestId('integrity-status').textContent(), SETTLED).toBe('Em apuração');
    // Acknowledged: the message, its receipt and its file are gone from that profile.
    const after = await readOutbox(otherPage);
    expect(after).toEqual({ records: [], blobs: 0 });
    expect(onWire('/api/integridade/mensagens').map((r) => [r.status, r.cookie])).toEqual([[201, false]]);
  });

  it('shows the controladoria the answer and its file, without the document\'s author', async () => {
    await mix();
    const opened = await controladoria.call('GET', `/api/gestao/integridade/${reportId}`);
    expect(opened.body.messages).toEqual([
      { from: 'controladoria', day: bahiaDay(), text: QUESTION, files: 0 },
      { from: 'voce', day: bahiaDay(), text: ANSWER, files: 1 },
    ]);
    const attached = opened.body.files.find((f: { fromMessage: boolean }) => f.fromMessage);
    expect(attached).toMatchObject({ type: 'application/pdf', fieldId: 'arquivos' });
    const pdf = (await controladoria.call('GET', `/api/gestao/integridade/${reportId}/arquivos/${attached.id}`)).bytes;
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    expect(pdf.includes(Buffer.from(PDF_AUTHOR))).toBe(false);
    expect(pdf.includes(Buffer.from('LibreOffice'))).toBe(false);
    await colleaguesAreRefused();
  });

  it('follows the denúncia from the phone that sent it, and offline shows the last reading kept there', async () => {
    await page.goto(`${site}/acompanhar`);
    const kept = page.getByRole('button', { name: `Acompanhar a denúncia recebida em ${bahiaDay().split('-').reverse().join('/')}` });
    await kept.click();
    await page.getByTestId('follow-up').waitFor();
    await expect.poll(() => page.getByTestId('integrity-message').count(), SETTLED).toBe(2);
    await expect.poll(() => page.getByTestId('follow-up-saved').count(), SETTLED).toBe(0);

    await phone.setOffline(true);
    try {
      await page.reload();
      await kept.click();
      await page.getByTestId('follow-up-saved').waitFor();
      await expect.poll(() => page.getByTestId('integrity-status').textContent(), SETTLED).toBe('Em apuração');
      await expect.poll(() => page.locator('[data-testid="integrity-message"][data-from="controladoria"]').textContent(), SETTLED).toContain(QUESTION);
      expect(await axeViolations(page)).toEqual([]);
      // A receipt this phone does not keep cannot be read with no signal, and the page says so.
      await page.locator('#recibo').fill('1234 5678 9012 3456');
      await page.getByRole('button', { name: 'Acompanhar', exact: true }).click();
      await expect.poll(() => page.getByTestId('follow-up-problem').textContent(), SETTLED).toContain('Sem conexão');
    } finally {
      await phone.setOffline(false);
    }
  });

  it('deletes the receipt from the phone once the person says "Já anotei"', async () => {
    await page.goto(`${site}/minhas-solicitacoes/${reportRecordId}`);
    await page.getByTestId('receipt').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Já anotei' }).click();
    await page.waitForURL(`${site}/minhas-solicitacoes`);
    const outbox = await readOutbox(page);
    expect(outbox.records.map((r) => r.id)).toEqual([namedRecordId]);
    expect(JSON.stringify(outbox.records)).not.toContain(receipt);
  });

  it('leaves nothing that links the reporter: no table, no column, no log line', async () => {
    const needles = [
      ['the loopback address', '127.0.0.1'],
      ['the user agent', userAgent],
      ['the browser\'s name', 'HeadlessChrome'],
      ['the receipt', receipt],
      ['the receipt as shown', groupReceipt(receipt)],
      ['the report\'s text', REPORT_TEXT],
      ['the question', QUESTION],
      ['the answer', ANSWER],
      ['the photo\'s EXIF', EXIF_MARKER],
      ['the document\'s author', PDF_AUTHOR],
      ['the phone\'s id of the report', reportRecordId],
    ] as const;
    const { storage } = app.server;
    const tables = await storage.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.rows.map((t) => t.name)).toEqual(expect.arrayContaining(['integrity_reports', 'integrity_messages', 'integrity_files', 'staff_audit', 'submissions']));
    const found: string[] = [];
    let rows = 0;
    for (const table of tables.rows) {
      // Every column as text; bytea comes out as hex, so each needle is also looked for in hex.
      const result = await storage.query<{ row: string }>(`SELECT t::text AS row FROM "${table.schema}"."${table.name}" t`);
      rows += result.rowCount;
      for (const { row } of result.rows) {
        const lower = row.toLowerCase();
        for (const [what, needle] of needles) {
          if (row.includes(needle) || lower.includes(Buffer.from(needle, 'utf8').toString('hex'))) found.push(`${what} in ${table.name}`);
        }
      }
    }
    expect(rows).toBeGreaterThan(10);
    expect(found).toEqual([]);

    const lines = app.logLines;
    // The channel's citizen routes crossed the wire, and the server log holds no line for any of them.
    expect(onWire('/api/integridade/relatos')).toHaveLength(1);
    expect(onWire('/api/integridade/acompanhar').length).toBeGreaterThan(0);
    expect(requestLog().length).toBeGreaterThan(0);
    expect(requestLog().filter((line) => line.route?.startsWith('/api/integridade'))).toEqual([]);
    expect(lines.filter((line) => line.includes('/api/integridade'))).toEqual([]);
    expect(proxy.requests.filter((r) => r.path.startsWith('/api/integridade/')).every((r) => !r.cookie)).toBe(true);
    const inLogs = lines.flatMap((line) => needles.filter(([, needle]) => line.includes(needle)).map(([what]) => `${what}: ${line.slice(0, 200)}`));
    expect(inLogs).toEqual([]);
  });
});
