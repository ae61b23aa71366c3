/**
 * Issue 15, finding 1, in the back office at 360 px: admin A proposes Controladoria for a colleague and
 * cannot approve it herself; admin B signs in, sees it in "O que mudou nas contas" and approves it; only
 * then the colleague holds the role. axe finds no WCAG 2.1 A/AA violation on any page visited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findAccountById } from '../../src/server/storage/accounts.ts';
import type { TestServer } from '../support/server.ts';
import { makeStaff, newStaffContext, signInThroughPages, type StaffUser, expectAccessible } from '../support/gestao-pages.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';
import { SETTLED } from '../support/browser.ts';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let adminA: StaffUser;
let adminB: StaffUser;
let colleague: StaffUser;

beforeAll(async () => {
  app = await startApp();
  ({ server, browser } = app);
  adminA = await makeStaff(server.storage, { email: 'ana.admin@pmvc.example', name: 'Ana Admin', roles: ['admin'], totp: true });
  adminB = await makeStaff(server.storage, { email: 'beto.admin@pmvc.example', name: 'Beto Admin', roles: ['admin'], totp: true });
  colleague = await makeStaff(server.storage, { email: 'xavier@pmvc.example', name: 'Xavier Servidor', roles: ['atendente'], secretariats: ['infraestrutura'] });
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

describe('granting Controladoria takes two admins (360 px, axe 0)', () => {
  it('A proposes, cannot approve her own, B sees it in "O que mudou nas contas" and approves', async () => {
    const a = await newPage();
    await signInThroughPages(a, server.url, adminA);
    await a.getByRole('heading', { name: 'O que mudou nas contas' }).waitFor();
    await expectAccessible(a);
    await a.getByRole('link', { name: 'Ir para as contas' }).click();
    await a.waitForURL(/\/gestao\/contas$/);
    const card = a.locator('[data-testid="account"][data-email="xavier@pmvc.example"]');
    await card.getByRole('button', { name: 'Mudar papéis e secretarias de Xavier Servidor' }).click();
    await card.locator('input[id$="-papel-controladoria"]').check();
    await card.getByRole('button', { name: 'Guardar mudanças' }).click();
    await card.getByText('precisa da aprovação de outra pessoa da administração', { exact: false }).waitFor();
    // Her own proposal: she may withdraw it, never approve it.
    const pending = a.getByTestId('pending-grant').filter({ hasText: 'Xavier Servidor' });
    await pending.getByText('Espera a aprovação de outra pessoa da administração.').waitFor();
    await expect.poll(() => pending.getByRole('button', { name: /^Aprovar/ }).count(), SETTLED).toBe(0);
    await expectAccessible(a);
    expect((await findAccountById(server.storage, colleague.id))!.roles).toEqual(['atendente']);

    const b = await newPage();
    await signInThroughPages(b, server.url, adminB);
    await b.getByRole('heading', { name: 'O que mudou nas contas' }).waitFor();
    await b.getByTestId('account-changes').getByText('Papel proposto (espera aprovação): Xavier Servidor').waitFor();
    const waiting = b.getByTestId('pending-grant').filter({ hasText: 'Xavier Servidor' });
    await waiting.getByText('Proposto por Ana Admin', { exact: false }).waitFor();
    await expectAccessible(b);
    await waiting.getByRole('button', { name: 'Aprovar Atendente, Controladoria para Xavier Servidor' }).click();
    await b.getByText('Aprovado: Xavier Servidor agora tem Atendente, Controladoria.', { exact: false }).first().waitFor();
    await b.getByTestId('account-changes').getByText('Papel aprovado: Xavier Servidor').waitFor();
    await expectAccessible(b);
    expect((await findAccountById(server.storage, colleague.id))!.roles).toEqual(['atendente', 'controladoria']);
  });
});
