/**
 * The city hall's side, end to end, in real Chromium against the real server and the built apps:
 * a citizen files a request with no signal → it syncs → an atendente of its secretariat finds it and asks
 * a question → the citizen, again with no signal, answers in the app → the answer syncs → the atendente
 * closes the request with a note → the citizen's app shows "Concluído" and the note. Throughout, an
 * atendente of another secretariat never sees the request (not in the list, 403 by id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { waitForServiceWorkerControl, SETTLED, newPhoneContext } from '../support/browser.ts';
import { fillAndSubmit, gradientPng, serviceWithForm, storedSubmissions, waitFor } from '../support/outbox.ts';
import { makeStaff, makeStaffWithLink, newStaffContext, signInThroughPages, type StaffUser } from '../support/gestao-pages.ts';
import { startApp, type AppUnderTest, closeApp, openOnline } from '../support/e2e-app.ts';

const QUESTION = 'O buraco fica em frente a qual número da rua? Há algum ponto de referência?';
const REPLY = 'Fica em frente ao número 120, ao lado da padaria.';
const CLOSING_NOTE = 'Buraco tapado pela equipe de Infraestrutura em 3 de dezembro. Obrigado pelo aviso!';
const ATENDENTE_PASSWORD = 'cachoeira-do-iguá-2026';

let app: AppUnderTest;
let citizen: BrowserContext;
let citizenPage: Page;
let staff: BrowserContext;
let staffPage: Page;
let other: BrowserContext;
let otherPage: Page;
let otherUser: StaffUser;
let requestId = '';
let protocol = '';
let atendente: { id: string; token: string };

beforeAll(async () => {
  app = await startApp();
  const { service } = serviceWithForm(app.charter, 'tapa-buraco');
  expect(service.secretariatId).toBe('infraestrutura');
  // The atendente chooses the password through the one-time link; the other one exists already.
  atendente = await makeStaffWithLink(app.server.storage, { email: 'joana@pmvc.example', name: 'Joana Atendente', roles: ['atendente'], secretariats: ['infraestrutura'] });
  otherUser = await makeStaff(app.server.storage, { email: 'pedro@pmvc.example', name: 'Pedro da Saúde', roles: ['atendente'], secretariats: ['saude'] });
  citizen = await newPhoneContext(app.browser, { serviceWorkers: 'allow' });
  citizenPage = await citizen.newPage();
  staff = await newStaffContext(app.browser);
  staffPage = await staff.newPage();
  other = await newStaffContext(app.browser);
  otherPage = await other.newPage();
  await signInThroughPages(otherPage, app.server.url, otherUser);
});

afterAll(async () => {
  await staff?.close();
  await other?.close();
  await closeApp(app, citizen);
});

/** The other secretariat's atendente: not in any list, 403 by id and for its files, whatever the filter. */
async function otherTeamCannotSee(): Promise<void> {
  const list = await other.request.get(`${app.server.url}/api/gestao/requests`);
  expect(list.status()).toBe(200);
  const body = (await list.json()) as { items: { id: string }[]; counts: Record<string, number> };
  expect(body.items.map((item) => item.id)).not.toContain(requestId);
  expect(Object.values(body.counts).reduce((a, b) => a + b, 0)).toBe(0);
  const byProtocol = (await (await other.request.get(`${app.server.url}/api/gestao/requests?protocol=${protocol}`)).json()) as { items: unknown[] };
  expect(byProtocol.items).toEqual([]);
  const byId = await other.request.get(`${app.server.url}/api/gestao/requests/${requestId}`);
  expect(byId.status()).toBe(403);
  const csv = await (await other.request.get(`${app.server.url}/api/gestao/requests.csv`)).text();
  expect(csv).not.toContain(protocol);
}

describe('a request from the citizen to the city hall and back', () => {
  it('(1) the citizen files it with no signal, and it reaches the city hall when the signal returns', async () => {
    await openOnline(app, citizenPage, true);
    await waitForServiceWorkerControl(citizenPage);
    // The citizen's service worker never answers a back-office address with the citizen app.
    const backOffice = await citizenPage.goto(`${app.server.url}/gestao/entrar`);
    expect(backOffice?.fromServiceWorker()).toBe(false);
    await citizenPage.getByRole('heading', { name: 'Entrar na gestão' }).waitFor();
    await expect.poll(() => citizenPage.title(), SETTLED).toContain('Gestão');
    await openOnline(app, citizenPage, true);

    const { service, form } = serviceWithForm(app.charter, 'tapa-buraco');
    await citizen.setOffline(true);
    requestId = await fillAndSubmit(app, citizenPage, `/servicos/${service.id}/solicitar`, form, { photo: gradientPng(1200, 900), values: { local: 'sede|Centro' } });
    await waitFor(() => citizenPage.getByTestId('record-state').textContent(), (text) => text === 'Aguardando sinal para enviar (vamos tentar de novo sozinhos)');
    expect(await storedSubmissions(app)).toEqual([]);

    await citizen.setOffline(false);
    const stored = await waitFor(() => storedSubmissions(app), (rows) => rows.length === 1);
    expect(stored[0]!.id).toBe(requestId);
    protocol = stored[0]!.protocol;
    await waitFor(() => citizenPage.getByTestId('record-state').getAttribute('data-state'), (state) => state === 'sent');
    await otherTeamCannotSee();
  });

  it('(2) the atendente chooses a password, signs in, finds it in the queue and asks the citizen a question', async () => {
    // The one-time link: the token travels in the fragment, never in a URL the server sees.
    const served: string[] = [];
    staffPage.on('request', (request) => served.push(request.url()));
    await staffPage.goto(`${app.server.url}/gestao/senha#${atendente.token}`);
    await staffPage.getByLabel('Nova senha', { exact: true }).fill(ATENDENTE_PASSWORD);
    await staffPage.getByLabel('Repita a nova senha').fill(ATENDENTE_PASSWORD);
    await staffPage.getByRole('button', { name: 'Guardar senha' }).click();
    await staffPage.getByRole('heading', { name: 'Senha definida' }).waitFor();
    expect(served.filter((url) => url.includes(atendente.token))).toEqual([]);
    expect(staffPage.url()).not.toContain(atendente.token);

    await signInThroughPages(staffPage, app.server.url, { id: atendente.id, email: 'joana@pmvc.example', name: 'Joana Atendente', password: ATENDENTE_PASSWORD });
    await staffPage.waitForURL(/\/gestao\/pedidos$/);
    const row = staffPage.locator(`[data-testid="queue-item"][data-protocol="${protocol}"]`);
    await row.waitFor();
    await expect.poll(() => row.textContent(), SETTLED).toContain('no prazo');
    await expect.poll(() => row.textContent(), SETTLED).toContain('Centro');
    // An atendente neither assigns nor transfers: those actions are not offered.
    await row.getByRole('link', { name: `Protocolo ${protocol}` }).click();
    await staffPage.getByRole('heading', { name: `Protocolo ${protocol}` }).waitFor();
    await expect.poll(() => staffPage.getByRole('heading', { name: 'Atribuir a um colega' }).count(), SETTLED).toBe(0);
    await expect.poll(() => staffPage.getByRole('heading', { name: 'Transferir para outra secretaria' }).count(), SETTLED).toBe(0);
    // Every answer under its label, and the photo (shrunk on the phone) served to staff.
    await staffPage.getByText('Endereço (rua e número mais próximo)').waitFor();
    const photo = staffPage.locator('.attachments img').first();
    await photo.waitFor();
    await staffPage.waitForFunction((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0, await photo.elementHandle());

    await staffPage.getByLabel('Pergunta', { exact: true }).fill(QUESTION);
    await staffPage.getByRole('button', { name: 'Perguntar ao cidadão' }).click();
    await staffPage.getByText('Pergunta enviada.', { exact: false }).waitFor();
    await expect.poll(() => staffPage.getByTestId('request-status').textContent(), SETTLED).toBe('Aguardando o cidadão');
    await staffPage.locator('[data-testid="story-event"][data-type="question"]', { hasText: QUESTION }).waitFor();
    await otherTeamCannotSee();
  });

  it('(3) the citizen, with no signal, reads the question and answers it; the answer goes when the signal returns', async () => {
    await citizenPage.goto(`${app.server.url}/minhas-solicitacoes/${requestId}`);
    // Opening the request reads its status: the question arrives.
    await citizenPage.getByTestId('question').waitFor({ timeout: 30_000 });
    await citizen.setOffline(true);
    await citizenPage.reload();
    await expect.poll(() => citizenPage.getByTestId('question').textContent(), SETTLED).toBe(QUESTION);
    await citizenPage.getByLabel('Sua resposta').fill(REPLY);
    await citizenPage.getByRole('button', { name: 'Enviar resposta' }).click();
    await citizenPage.locator('[data-testid="reply"][data-state]').first().waitFor();
    const replies = () => app.server.storage.query<{ text: string }>('SELECT text FROM citizen_replies WHERE submission_id = $1', [requestId]).then((r) => r.rows);
    expect(await replies()).toEqual([]);

    await citizen.setOffline(false);
    await waitFor(replies, (rows) => rows.length === 1);
    expect((await replies())[0]!.text).toBe(REPLY);
    await waitFor(() => citizenPage.locator('[data-testid="reply"]').first().getAttribute('data-state'), (state) => state === 'sent');
    await otherTeamCannotSee();
  });

  it('(4) the atendente reads the answer and closes the request as "concluído" with a note', async () => {
    await staffPage.reload();
    await staffPage.locator('[data-testid="story-event"][data-type="reply"]', { hasText: REPLY }).waitFor();
    await expect.poll(() => staffPage.getByTestId('request-status').textContent(), SETTLED).toBe('Em andamento');
    await staffPage.getByLabel('Nova situação').selectOption('done');
    await staffPage.getByLabel('Mensagem ao cidadão (opcional)').fill(CLOSING_NOTE);
    await staffPage.getByRole('button', { name: 'Mudar a situação' }).click();
    await staffPage.getByText('Situação mudada para “Concluído”.', { exact: false }).waitFor();
    await expect.poll(() => staffPage.getByTestId('request-status').textContent(), SETTLED).toBe('Concluído');
    // Closed: no more questions.
    await expect.poll(() => staffPage.getByRole('heading', { name: 'Perguntar ao cidadão' }).count(), SETTLED).toBe(0);
    const row = (await app.server.storage.query<{ status: string; closed_at: Date | null }>('SELECT status, closed_at FROM submissions WHERE id = $1', [requestId])).rows[0]!;
    expect(row.status).toBe('done');
    expect(row.closed_at).not.toBeNull();
    await otherTeamCannotSee();
  });

  it('(5) the citizen\'s app shows "Concluído" and the note', async () => {
    await citizenPage.goto(`${app.server.url}/minhas-solicitacoes/${requestId}`);
    await citizenPage.getByRole('button', { name: 'Atualizar situação' }).click();
    await citizenPage.getByText('Situação atualizada agora.').waitFor();
    await expect.poll(() => citizenPage.getByTestId('latest-note').textContent(), SETTLED).toBe(`Última mensagem da Prefeitura: ${CLOSING_NOTE}`);
    await citizenPage.locator('section[aria-labelledby="acompanhamento"] strong', { hasText: 'Concluído' }).waitFor();
    await citizenPage.locator('ol.history li', { hasText: `Concluído — ${CLOSING_NOTE}` }).waitFor();
  });

  it('the other secretariat\'s atendente sees an empty queue and is refused the request\'s page', async () => {
    await otherPage.goto(`${app.server.url}/gestao/`);
    await otherPage.waitForURL(/\/gestao\/pedidos$/);
    await otherPage.getByText('Nenhum pedido com estes filtros.').waitFor();
    await expect.poll(() => otherPage.locator('[data-testid="queue-item"]').count(), SETTLED).toBe(0);
    await otherPage.goto(`${app.server.url}/gestao/pedidos/${requestId}`);
    await otherPage.getByRole('heading', { name: 'Pedido de outra equipe' }).waitFor();
    await expect.poll(() => otherPage.getByText(protocol).count(), SETTLED).toBe(0);
    // The refusal is in the audit log.
    const denied = await app.server.storage.query('SELECT 1 FROM staff_audit WHERE action = $1 AND submission_id = $2 AND account_id = $3', ['denied', requestId, otherUser.id]);
    expect(denied.rowCount).toBeGreaterThan(0);
  });
});
