/**
 * Shared steps of the back-office browser tests: staff accounts made straight in the database (as
 * `npm run staff:add` does), signing in through the pages like a person, and codes of the authenticator app.
 */
import { createRequire } from 'node:module';
import * as OTPAuth from 'otpauth';
import { unusedTotpCode } from '../helpers/staff.ts';
import type { BrowserContext, Page } from 'playwright-core';
import type { StaffRole } from '../../src/shared/contract/staff.ts';
import { createAccount, createResetToken, setPassword, setTotpSecret } from '../../src/server/staff/accounts.ts';
import type { Storage } from '../../src/server/storage/types.ts';

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  password: string;
  /** The authenticator's secret, when the account has one already. */
  totpSecret?: string;
}

export async function makeStaff(
  storage: Storage,
  input: { email: string; name: string; roles: StaffRole[]; secretariats?: string[]; password?: string; totp?: boolean },
): Promise<StaffUser> {
  const account = await createAccount(storage, { email: input.email, name: input.name, roles: input.roles, secretariats: input.secretariats ?? [] });
  const password = input.password ?? `senha-de-teste-${input.roles.join('-')}-123`;
  await setPassword(storage, account.id, password);
  let totpSecret: string | undefined;
  if (input.totp) {
    totpSecret = new OTPAuth.Secret({ size: 20 }).base32;
    await setTotpSecret(storage, account.id, totpSecret, true);
  }
  return { id: account.id, email: input.email, name: input.name, password, ...(totpSecret ? { totpSecret } : {}) };
}

/** An account with no password yet and its one-time link's token, as staff:add and the admin page make them. */
export async function makeStaffWithLink(storage: Storage, input: { email: string; name: string; roles: StaffRole[]; secretariats: string[] }): Promise<{ id: string; token: string }> {
  const account = await createAccount(storage, input);
  const { token } = await createResetToken(storage, account.id, account.id);
  return { id: account.id, token };
}

export { unusedTotpCode } from '../helpers/staff.ts';

/** E-mail and password on /gestao/entrar; stops at whatever the server asks next. */
export async function typePassword(page: Page, baseUrl: string, user: Pick<StaffUser, 'email' | 'password'>, path = '/gestao/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Senha', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Entrar', exact: true }).click();
}

/** Signs in through the pages (with the second factor when the account has one) and waits for the first page. */
export async function signIn(page: Page, baseUrl: string, user: StaffUser, path = '/gestao/'): Promise<void> {
  await typePassword(page, baseUrl, user, path);
  if (user.totpSecret) {
    await page.getByLabel('Código do aplicativo autenticador').fill(await unusedTotpCode(user.totpSecret));
    await page.getByRole('button', { name: 'Confirmar' }).click();
  }
  await page.getByRole('button', { name: 'Sair' }).waitFor({ timeout: 15_000 });
}

export async function newStaffContext(browser: { newContext: (options: object) => Promise<BrowserContext> }, options: object = {}): Promise<BrowserContext> {
  // The back office has no service worker; blocking them keeps the citizen's worker (same origin) out of these contexts.
  return browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: 'block', ...options });
}

/** Horizontal overflow of the page, in CSS pixels (0 when everything fits). */
export function overflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;
}

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's WCAG 2.1 A and AA violations on the page as it is now (the context needs bypassCSP: the test injects axe). */
export async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: { target: string[] }[] }[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (tags) => {
    const { axe, document } = globalThis as unknown as {
      axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> };
      document: unknown;
    };
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  }, ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
}
