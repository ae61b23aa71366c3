/**
 * The rest of the back office through its pages: the queue's filters, counts, "Carregar mais" and CSV; a
 * gestor assigning and transferring; the admin making an account (its link chooses the password), changing
 * it, disabling it (its session ends) and making a new link; the audit log's filters and older pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { audit } from '../../src/server/domain/audit.ts';
import { SETTLED } from '../support/browser.ts';
import { postJson, VALID_CPF, type TestServer } from '../support/server.ts';
import { makeStaff, newStaffContext, signInThroughPages, typePassword, type StaffUser } from '../support/gestao-pages.ts';
import { unusedTotpCode } from '../support/staff.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let gestor: StaffUser;
let atendente: StaffUser;
let admin: StaffUser;
let controladoria: StaffUser;

function pothole(village: string): Record<string, unknown> {
  return {
    id: crypto.randomUUID(), kind: 'request', serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: 1, createdAt: new Date().toISOString(), attachments: [],
    answers: { local: { district: 'sede', village }, endereco: 'Rua das Flores, 120', tamanho: 'medio', cpf: VALID_CPF, consentimento: true },
  };
}

async function newPage(): Promise<Page> {
  const context = await newStaffContext(browser);
  contexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  app = await startApp();
  ({ server, browser } = app);
  gestor = await makeStaff(server.storage, { email: 'gestora@pmvc.example', name: 'Carla Gestora', roles: ['gestor'], secretariats: ['infraestrutura'] });
  atendente = await makeStaff(server.storage, { email: 'bruno@pmvc.example', name: 'Bruno Atendente', roles: ['atendente'], secretariats: ['infraestrutura'] });
  admin = await makeStaff(server.storage, { email: 'admin@pmvc.example', name: 'Ana Admin', roles: ['admin'], totp: true });
  controladoria = await makeStaff(server.storage, { email: 'controle@pmvc.example', name: 'Dora Controladoria', roles: ['controladoria'], totp: true });
  // 55 requests in Centro and 3 in Alto Maron: more than one page of the queue (50).
  const batch = [...Array.from({ length: 55 }, () => pothole('Centro')), ...Array.from({ length: 3 }, () => pothole('Alto Maron'))];
  const response = await postJson(`${server.url}/api/sync`, { submissions: batch });
  expect(response.body.results.filter((r: { outcome: string }) => r.outcome === 'accepted')).toHaveLength(58);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await app?.close();
});

describe('the queue', () => {
  let page: Page;
  it('lists 50, then "Carregar mais" brings the rest, with focus on the first new row', async () => {
    page = await newPage();
    await signInThroughPages(page, server.url, atendente);
    await page.waitForURL(/\/gestao\/pedidos$/);
    await expect.poll(() => page.getByTestId('queue-summary').textContent(), SETTLED).toBe('Mostrando 50 de 58 pedidos.');
    await page.getByRole('link', { name: 'Recebido (58)' }).waitFor();
    await page.getByRole('button', { name: 'Carregar mais' }).click();
    await page.getByText('Mostrando 58 de 58 pedidos.').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Carregar mais' }).count(), SETTLED).toBe(0);
    const focused = await page.evaluate('document.activeElement && document.activeElement.textContent');
    expect(focused).toMatch(/^Protocolo \d{4}-\d{6}$/);
    const protocols = await page.locator('[data-testid="queue-item"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-protocol')));
    expect(new Set(protocols).size).toBe(58);
  });

  it('filters by district and village (kept in the address) and downloads the CSV of that filter', async () => {
    await page.locator('.filters > summary').click();
    await page.getByLabel('Distrito').selectOption('sede');
    await page.getByLabel('Povoado ou bairro').selectOption('Alto Maron');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await page.getByText('Mostrando 3 de 3 pedidos.').waitFor();
    expect(new URL(page.url()).searchParams.get('village')).toBe('Alto Maron');
    const href = await page.getByRole('link', { name: 'Baixar planilha (CSV) desta lista' }).getAttribute('href');
    expect(href).toBe('/api/gestao/requests.csv?district=sede&village=Alto+Maron');
    const csv = await page.context().request.get(`${server.url}${href}`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(4);
    // A reload keeps the filter; "Limpar filtros" drops it.
    await page.reload();
    await page.getByText('Mostrando 3 de 3 pedidos.').waitFor();
    await page.getByRole('link', { name: 'Limpar filtros' }).click();
    await page.getByText('Mostrando 50 de 58 pedidos.').waitFor();
  });

  it('finds one request by its protocol', async () => {
    const wanted = (await server.storage.query<{ protocol: string }>('SELECT protocol FROM submissions ORDER BY protocol DESC LIMIT 1')).rows[0]!.protocol;
    await page.locator('.filters > summary').click();
    await page.getByLabel('Protocolo').fill(wanted.replace(/-0+/, '-'));
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await page.getByText('Mostrando 1 de 1 pedido.').waitFor();
    await expect.poll(() => page.locator('[data-testid="queue-item"]').getAttribute('data-protocol'), SETTLED).toBe(wanted);
  });
});

describe('a gestor assigns and transfers', () => {
  it('assigns a request to a colleague, who finds it under "Só os atribuídos a mim"; then transfers it away', async () => {
    const page = await newPage();
    await signInThroughPages(page, server.url, gestor);
    await page.waitForURL(/\/gestao\/pedidos$/);
    const first = page.locator('[data-testid="queue-item"]').first();
    const protocol = (await first.getAttribute('data-protocol'))!;
    await first.getByRole('link').click();
    await page.getByRole('heading', { name: `Protocolo ${protocol}` }).waitFor();
    await page.getByLabel('Responsável').locator('option', { hasText: 'Bruno Atendente' }).waitFor({ state: 'attached' });
    await page.getByLabel('Responsável').selectOption({ label: 'Bruno Atendente' });
    await page.getByRole('button', { name: 'Atribuir', exact: true }).click();
    await page.getByText('Pedido atribuído a Bruno Atendente.').waitFor();
    await page.locator('[data-testid="story-event"][data-type="assign"]', { hasText: 'Interno: o cidadão não vê' }).waitFor();

    const colleague = await newPage();
    await signInThroughPages(colleague, server.url, atendente, '/gestao/pedidos?mine=1');
    await colleague.waitForURL(/mine=1/);
    await colleague.getByText('Mostrando 1 de 1 pedido.').waitFor();
    await expect.poll(() => colleague.locator('[data-testid="queue-item"]').getAttribute('data-protocol'), SETTLED).toBe(protocol);

    await page.getByLabel('Secretaria', { exact: true }).selectOption({ label: 'Secretaria Municipal de Saúde' });
    await page.getByLabel('Motivo da transferência').fill('O buraco é no pátio do posto de saúde.');
    await page.getByRole('button', { name: 'Transferir' }).click();
    await page.getByRole('heading', { name: 'Pedido transferido' }).waitFor();
    await page.getByText('Secretaria Municipal de Saúde', { exact: false }).first().waitFor();
    const row = (await server.storage.query<{ secretariat_id: string }>('SELECT secretariat_id FROM submissions WHERE protocol = $1', [protocol])).rows[0]!;
    expect(row.secretariat_id).toBe('saude');
  });
});

describe('the admin\'s accounts', () => {
  it('creates an account whose one-time link chooses the password; changes, disables and re-links it', async () => {
    const page = await newPage();
    await signInThroughPages(page, server.url, admin);
    await page.getByRole('link', { name: 'Ir para as contas' }).click();
    await page.waitForURL(/\/gestao\/contas$/);
    await page.getByLabel('Nome').first().fill('Eva Atendente');
    await page.getByLabel('E-mail').first().fill('eva@pmvc.example');
    await page.locator('#conta-papel-atendente').check();
    await page.locator('#conta-secretaria-infraestrutura').check();
    await page.getByRole('button', { name: 'Criar conta' }).click();
    await page.getByTestId('one-time-link').waitFor();
    const link = await page.locator('#link-nova-conta').inputValue();
    expect(link).toMatch(new RegExp(`^${server.url}/gestao/senha#[A-Za-z0-9_-]{20,}$`));

    // Eva opens the link, chooses a password and signs in.
    const eva = await newPage();
    await eva.goto(link);
    await eva.getByLabel('Nova senha', { exact: true }).fill('a senha da eva é longa');
    await eva.getByLabel('Repita a nova senha').fill('a senha da eva é longa');
    await eva.getByRole('button', { name: 'Guardar senha' }).click();
    await eva.getByRole('heading', { name: 'Senha definida' }).waitFor();
    await signInThroughPages(eva, server.url, { id: '', email: 'eva@pmvc.example', name: 'Eva', password: 'a senha da eva é longa' });
    await eva.waitForURL(/\/gestao\/pedidos$/);

    // The admin makes her a gestor too: her session ends, and she signs in again to see the new role.
    const card = page.locator('[data-testid="account"][data-email="eva@pmvc.example"]');
    await card.getByRole('button', { name: 'Mudar papéis e secretarias de Eva Atendente' }).click();
    await card.locator('input[id$="-papel-gestor"]').check();
    await card.getByRole('button', { name: 'Guardar mudanças' }).click();
    await card.getByText('Conta de Eva Atendente atualizada.', { exact: false }).waitFor();
    await expect.poll(() => card.textContent(), SETTLED).toContain('Gestor(a) da secretaria');
    await eva.reload();
    await eva.getByRole('heading', { name: 'Entrar na gestão' }).waitFor();

    // Disabled: she cannot sign in.
    page.once('dialog', (dialog) => void dialog.accept());
    await card.getByRole('button', { name: 'Desativar a conta de Eva Atendente' }).click();
    await card.getByText('Conta de Eva Atendente desativada.').waitFor();
    await card.getByRole('heading', { name: 'Eva Atendente (desativada)' }).waitFor();
    await typePassword(eva, server.url, { email: 'eva@pmvc.example', password: 'a senha da eva é longa' }, '/gestao/entrar');
    await eva.getByText('E-mail ou senha incorretos.').waitFor();

    // A new link, shown once.
    await card.getByRole('button', { name: 'Criar novo link de senha para Eva Atendente' }).click();
    await card.getByTestId('one-time-link').waitFor();
    await expect.poll(() => card.locator('input[readonly]').inputValue(), SETTLED).toMatch(/\/gestao\/senha#/);
    await expect.poll(() => card.locator('input[readonly]').inputValue(), SETTLED).not.toBe(link);
  });

  it('an admin never sees the queue: it is not in the menu, and its page says so', async () => {
    const page = await newPage();
    await signInThroughPages(page, server.url, admin, '/gestao/pedidos');
    await page.getByRole('heading', { name: 'Sem acesso a esta página' }).waitFor();
    await expect.poll(() => page.getByRole('navigation', { name: 'Seções da gestão' }).getByRole('link', { name: 'Pedidos' }).count(), SETTLED).toBe(0);
  });
});

describe('signing in', () => {
  it('keeps a section chosen at once after signing in: the sign-in page\'s late redirect does not undo it', async () => {
    const page = await newPage();
    await page.clock.install();
    await typePassword(page, server.url, controladoria);
    await page.getByLabel('Código do aplicativo autenticador').fill(await unusedTotpCode(controladoria.totpSecret!));
    // The page's clock stops: renders still happen, effects (scheduled after paint) wait. The person is signed
    // in and chooses a section before the sign-in page's effect has run, as a quick hand on a slow phone does.
    await page.clock.pauseAt(Date.now() + 60_000);
    await page.getByRole('button', { name: 'Confirmar' }).click();
    await page.getByRole('navigation', { name: 'Seções da gestão' }).getByRole('link', { name: 'Integridade', exact: true }).click();
    await page.clock.resume();
    await page.getByRole('heading', { name: 'Canal de Integridade' }).waitFor();
    await page.waitForURL(/\/gestao\/integridade$/);
    await expect.poll(() => page.getByRole('heading', { name: 'Canal de Integridade' }).count(), SETTLED).toBe(1);
  });
});

describe('the audit log', () => {
  it('filters by person and shows older entries', async () => {
    for (let i = 0; i < 110; i++) await audit(server.storage, { accountId: gestor.id, sessionId: null }, 'export', { target: `lote ${i}` });
    const page = await newPage();
    await typePassword(page, server.url, controladoria, '/gestao/auditoria');
    await page.getByLabel('Código do aplicativo autenticador').fill(await unusedTotpCode(controladoria.totpSecret!));
    await page.getByRole('button', { name: 'Confirmar' }).click();
    await page.waitForURL(/\/gestao\/auditoria$/);
    await page.getByTestId('audit').waitFor();
    const count = () => page.locator('[data-testid="audit-entry"]').count();
    expect(await count()).toBe(100);
    await page.getByRole('button', { name: 'Mostrar registros mais antigos' }).click();
    await waitUntil(async () => (await count()) > 100);
    await page.locator('[data-testid="audit-entry"][data-action="login_totp"] a', { hasText: 'Dora Controladoria' }).first().click();
    await page.waitForURL(/account=/);
    await page.locator('.notice', { hasText: 'Só os registros de Dora Controladoria' }).waitFor();
    const actions = await page.locator('[data-testid="audit-entry"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-action')));
    expect(actions).toContain('login_totp');
    expect(actions).not.toContain('export');
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
