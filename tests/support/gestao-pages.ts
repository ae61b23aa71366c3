/**
 * Shared steps of the back-office browser tests: staff accounts made straight in the database (as
 * `npm run staff:add` does), signing in through the pages like a person, a staff page's context, and the
 * accessibility check every staff page passes. Codes of the authenticator app: unusedTotpCode in staff.ts.
 */
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { unusedTotpCode } from './staff.ts';
import { axeViolations, horizontalOverflow, newPhoneContext } from './browser.ts';
import type { StaffRole } from '../../src/shared/contract/staff.ts';
import { createAccount, createResetToken, setPassword, setTotpSecret } from '../../src/server/storage/accounts.ts';
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

/** E-mail and password on /gestao/entrar; stops at whatever the server asks next. */
export async function typePassword(page: Page, baseUrl: string, user: Pick<StaffUser, 'email' | 'password'>, path = '/gestao/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Senha', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Entrar', exact: true }).click();
}

/** Signs in through the pages (with the second factor when the account has one) and waits for the first page. */
export async function signInThroughPages(page: Page, baseUrl: string, user: StaffUser, path = '/gestao/'): Promise<void> {
  await typePassword(page, baseUrl, user, path);
  if (user.totpSecret) {
    await page.getByLabel('Código do aplicativo autenticador').fill(await unusedTotpCode(user.totpSecret));
    await page.getByRole('button', { name: 'Confirmar' }).click();
  }
  await page.getByRole('button', { name: 'Sair' }).waitFor({ timeout: 15_000 });
  // Signed in, the sign-in page then sends the person where they were going: wait until it has.
  await page.waitForURL((url) => url.pathname !== '/gestao/entrar', { timeout: 15_000 });
}

/** A 360 px phone context for staff pages (the back office has no service worker; blocking them keeps the citizen's worker, same origin, out). */
export function newStaffContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return newPhoneContext(browser, { serviceWorkers: 'block', ...options });
}

/** No axe violation (WCAG 2.1 A and AA) and nothing wider than the screen. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
}
