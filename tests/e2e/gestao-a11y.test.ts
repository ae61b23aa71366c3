/**
 * Every back-office page in real Chromium at 360 px wide: axe-core finds no WCAG 2.1 A/AA violation, nothing
 * overflows sideways, and buttons and navigation links keep 48 px targets. Pages are checked in the states
 * a person meets: errors shown, the second factor being set up, a one-time link just made, a charter refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addStaffEvent } from '../../src/server/storage/queue-store.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { uploadFile, fileAddress, VALID_CPF, type TestServer } from '../support/server.ts';
import { setSubmissionStatus } from '../../src/server/storage/submission-store.ts';
import { gradientPng } from '../support/outbox.ts';
import { makeStaff, makeStaffWithLink, newStaffContext, signInThroughPages, typePassword, type StaffUser, expectAccessible as expectAccessibleStaffPage } from '../support/gestao-pages.ts';
import { unusedTotpCode } from '../support/staff.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';
import { SETTLED } from '../support/browser.ts';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let gestor: StaffUser;
let controladoria: StaffUser;
let admin: StaffUser;
let requestId = '';

async function fileRequest(url: string): Promise<string> {
  const photo = gradientPng(64, 48);
  expect((await uploadFile(url, photo, 'image/png')).status).toBe(201);
  const id = crypto.randomUUID();
  const response = await fetch(`${url}/api/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id, kind: 'request', serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: 1, createdAt: new Date().toISOString(),
      answers: {
        local: { lat: -14.8615, lng: -40.8442, accuracy: 12, district: 'sede', village: 'Centro' }, endereco: 'Rua das Flores, 120', tamanho: 'grande',
        fotos: [fileAddress(photo)], cpf: VALID_CPF, consentimento: true,
      },
      attachments: [{ sha256: fileAddress(photo), type: 'image/png', size: photo.length, fieldId: 'fotos' }],
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return id;
}

beforeAll(async () => {
  app = await startApp();
  ({ server, browser } = app);
  gestor = await makeStaff(server.storage, { email: 'gestora@pmvc.example', name: 'Carla Gestora', roles: ['gestor'], secretariats: ['infraestrutura'] });
  await makeStaff(server.storage, { email: 'bruno@pmvc.example', name: 'Bruno Atendente', roles: ['atendente'], secretariats: ['infraestrutura'] });
  controladoria = await makeStaff(server.storage, { email: 'controle@pmvc.example', name: 'Dora Controladoria', roles: ['controladoria'], totp: true });
  admin = await makeStaff(server.storage, { email: 'admin@pmvc.example', name: 'Ana Admin', roles: ['admin'] });
  requestId = await fileRequest(server.url);
  await fileRequest(server.url);
  // A story with a question to the citizen, an internal note and a template of answers for the service.
  await setSubmissionStatus(server.storage, requestId, 'waiting_citizen', 'Qual o número da casa mais próxima?', new Date(), gestor.id);
  await addStaffEvent(server.storage, requestId, gestor.id, 'note', 'Equipe da manhã passa lá na quinta.');
  await server.storage.query('INSERT INTO answer_templates (id, service_id, title, text) VALUES ($1, $2, $3, $4)',
    [crypto.randomUUID(), 'tapa-buraco', 'Buraco tapado', 'O buraco foi tapado pela equipe. Obrigado pelo aviso.']);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await app?.close();
});

async function newPage(): Promise<Page> {
  const context = await newStaffContext(browser);
  contexts.push(context);
  return context.newPage();
}

/** No axe violation, nothing wider than 360 px (expectAccessibleStaffPage), and 48 px targets for buttons and navigation. */
async function expectAccessible(page: Page): Promise<void> {
  await expectAccessibleStaffPage(page);
  const small = await page.evaluate(`
    [...document.querySelectorAll('.button, .header-button, .gestao-nav a, .status-tabs a, .queue-title a, .breadcrumb a, input, select, textarea, .fold > summary')]
      .filter((el) => el.offsetParent !== null && el.type !== 'checkbox' && el.type !== 'hidden')
      .map((el) => ({ text: (el.textContent || el.id || '').trim().slice(0, 40), box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 48 - 0.5)
      .map(({ text, box }) => text + ' ' + Math.round(box.width) + 'x' + Math.round(box.height))
  `);
  expect(small).toEqual([]);
}

describe('back-office pages (WCAG 2.1 A and AA, 360 px)', () => {
  it('sign-in, empty and with a wrong password', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/gestao/entrar`);
    await page.getByRole('heading', { name: 'Entrar na gestão' }).waitFor();
    await expectAccessible(page);
    await typePassword(page, server.url, { email: gestor.email, password: 'senha errada de propósito' }, '/gestao/entrar');
    await page.getByText('E-mail ou senha incorretos.').waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Entrar', exact: true }).click();
    await page.getByText('Digite a sua senha.').waitFor();
    await expectAccessible(page);
  });

  it('choosing a password, with the two fields different', async () => {
    const { token } = await makeStaffWithLink(server.storage, { email: 'nova@pmvc.example', name: 'Nova Pessoa', roles: ['atendente'], secretariats: ['saude'] });
    const page = await newPage();
    await page.goto(`${server.url}/gestao/senha#${token}`);
    await page.getByRole('heading', { name: 'Escolher senha' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Nova senha', { exact: true }).fill('curta');
    await page.getByLabel('Repita a nova senha').fill('outra');
    await page.getByRole('button', { name: 'Guardar senha' }).click();
    await page.getByText('As duas senhas não são iguais.', { exact: false }).waitFor();
    await expectAccessible(page);
  });

  let adminPage: Page;
  it('second factor: setting up the authenticator (QR code and key), then accounts', async () => {
    adminPage = await newPage();
    await typePassword(adminPage, server.url, admin);
    await adminPage.getByRole('heading', { name: 'Configurar o segundo fator' }).waitFor();
    // The password again before the QR code (a stolen session alone cannot bind a phone).
    await adminPage.getByRole('button', { name: 'Mostrar o código QR' }).click();
    await adminPage.getByText('Digite a sua senha.').first().waitFor();
    await expectAccessible(adminPage);
    await adminPage.getByLabel('Confirme a sua senha').fill(admin.password);
    await adminPage.getByRole('button', { name: 'Mostrar o código QR' }).click();
    const secret = (await adminPage.getByTestId('totp-secret').textContent())!;
    await adminPage.locator('.qr img').waitFor();
    await expectAccessible(adminPage);
    await adminPage.getByLabel('Código que aparece no aplicativo').fill('123');
    await adminPage.getByRole('button', { name: 'Ativar e entrar' }).click();
    await adminPage.getByText('O código tem 6 números.').waitFor();
    await expectAccessible(adminPage);
    await adminPage.getByLabel('Código que aparece no aplicativo').fill(await unusedTotpCode(secret));
    await adminPage.getByRole('button', { name: 'Ativar e entrar' }).click();
    // An admin starts at "O que mudou nas contas", then goes on to the accounts.
    await adminPage.getByRole('heading', { name: 'O que mudou nas contas' }).waitFor();
    await expectAccessible(adminPage);
    await adminPage.getByRole('link', { name: 'Ir para as contas' }).click();
    await adminPage.waitForURL(/\/gestao\/contas$/);
    await adminPage.getByTestId('accounts').waitFor();
    await expectAccessible(adminPage);
  });

  it('accounts: a new account with its one-time link, and an account being changed', async () => {
    await adminPage.getByRole('button', { name: 'Criar conta' }).click();
    await adminPage.getByText('Confira os dados da nova conta.').waitFor();
    await expectAccessible(adminPage);
    await adminPage.getByLabel('Nome').first().fill('Eva Atendente');
    await adminPage.getByLabel('E-mail').first().fill('eva@pmvc.example');
    await adminPage.locator('#conta-papel-atendente').check();
    await adminPage.locator('#conta-secretaria-saude').check();
    await adminPage.getByRole('button', { name: 'Criar conta' }).click();
    await adminPage.getByTestId('one-time-link').waitFor();
    await expect.poll(() => adminPage.locator('#link-nova-conta').inputValue(), SETTLED).toMatch(/\/gestao\/senha#[A-Za-z0-9_-]{20,}$/);
    await adminPage.locator('[data-testid="account"][data-email="eva@pmvc.example"]').waitFor();
    await expectAccessible(adminPage);
    await adminPage.getByRole('button', { name: 'Mudar papéis e secretarias de Bruno Atendente' }).click();
    await expectAccessible(adminPage);
  });

  it('charter import: every problem of a refused file listed, then a file accepted', async () => {
    await adminPage.getByRole('link', { name: 'Carta de Serviços' }).click();
    await adminPage.getByRole('heading', { name: 'Carta de Serviços' }).waitFor();
    await expectAccessible(adminPage);
    const broken = { ...appTestCharter(), version: '', services: [{ id: 'Inválido!' }] };
    await adminPage.getByLabel('Arquivo da Carta de Serviços (JSON)').setInputFiles({ name: 'carta.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    await adminPage.getByRole('button', { name: 'Importar' }).click();
    await adminPage.getByTestId('charter-errors').waitFor();
    await expect.poll(() => adminPage.locator('[data-testid="charter-errors"] li').count(), SETTLED).toBeGreaterThan(1);
    await expectAccessible(adminPage);
    await adminPage.getByLabel('Arquivo da Carta de Serviços (JSON)').setInputFiles({ name: 'carta.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(appTestCharter())) });
    await adminPage.getByRole('button', { name: 'Importar' }).click();
    await adminPage.getByText('já era a atual', { exact: false }).waitFor();
    await expectAccessible(adminPage);
  });

  let gestorPage: Page;
  it('the work queue, with its filters open', async () => {
    gestorPage = await newPage();
    await signInThroughPages(gestorPage, server.url, gestor);
    await gestorPage.waitForURL(/\/gestao\/pedidos$/);
    await gestorPage.getByTestId('queue').waitFor();
    await expectAccessible(gestorPage);
    await gestorPage.locator('.filters > summary').click();
    await gestorPage.getByLabel('Protocolo').fill('2026/1');
    await gestorPage.getByRole('button', { name: 'Filtrar' }).click();
    await gestorPage.getByText('Confira os filtros.').waitFor();
    await expectAccessible(gestorPage);
  });

  it('a request\'s page with every action of a gestor, and an action refused for a missing reason', async () => {
    await gestorPage.goto(`${server.url}/gestao/pedidos/${requestId}`);
    await gestorPage.getByTestId('story').waitFor();
    await gestorPage.locator('.attachments img').waitFor();
    await gestorPage.getByLabel('Responsável').locator('option', { hasText: 'Bruno Atendente' }).waitFor({ state: 'attached' });
    await expectAccessible(gestorPage);
    await gestorPage.getByLabel('Nova situação').selectOption('declined');
    await gestorPage.getByRole('button', { name: 'Mudar a situação' }).click();
    await gestorPage.getByText('Diga o motivo de “Não atendido”', { exact: false }).waitFor();
    await expectAccessible(gestorPage);
  });

  it('second factor: typing the code; then the audit log', async () => {
    const page = await newPage();
    await typePassword(page, server.url, controladoria);
    await page.getByRole('heading', { name: 'Código de acesso' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Código do aplicativo autenticador').fill(await unusedTotpCode(controladoria.totpSecret!));
    await page.getByRole('button', { name: 'Confirmar' }).click();
    // Controladoria reads requests too: its start is the queue; the audit log is in the menu.
    await page.waitForURL(/\/gestao\/pedidos$/);
    await page.getByRole('link', { name: 'Auditoria' }).click();
    await page.getByTestId('audit').waitFor();
    await expectAccessible(page);
    await page.locator('.filters > summary').click();
    await expectAccessible(page);
  });

  it('a page that does not exist, and one the role may not open', async () => {
    await gestorPage.goto(`${server.url}/gestao/nao-existe`);
    await gestorPage.getByRole('heading', { name: 'Página não encontrada' }).waitFor();
    await expectAccessible(gestorPage);
    await gestorPage.goto(`${server.url}/gestao/contas`);
    await gestorPage.getByRole('heading', { name: 'Sem acesso a esta página' }).waitFor();
    await expectAccessible(gestorPage);
  });
});
