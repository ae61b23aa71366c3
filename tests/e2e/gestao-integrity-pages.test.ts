/**
 * The controladoria's list of integrity reports in real Chromium at 360 px: the first 50 of 55 reports,
 * newest first and numbered from the total, then "Mostrar mais" adds the other 5, moves the focus to the
 * first that arrived and goes away on the last page; no axe WCAG 2.1 A/AA violation.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { IntegrityKeys } from '../../src/server/domain/integrity/crypto.ts';
import { SETTLED } from '../support/browser.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';
import { expectAccessible, makeStaff, newStaffContext, signInThroughPages } from '../support/gestao-pages.ts';
import { seedReports } from '../support/integrity-reports.ts';

let app: AppUnderTest;
let context: BrowserContext;
let page: Page;
let expected: { id: string; day: string }[] = [];

beforeAll(async () => {
  const keys = new IntegrityKeys(randomBytes(32));
  app = await startApp({ integrityKeys: keys });
  expected = await seedReports(app.server.storage, keys, 55, ['2026-11-03', '2026-11-04', '2026-11-10']);
  const controladoria = await makeStaff(app.server.storage, { email: 'controle@pmvc.example', name: 'Dora Controladoria', roles: ['controladoria'], totp: true });
  context = await newStaffContext(app.browser);
  page = await context.newPage();
  await signInThroughPages(page, app.server.url, controladoria);
});

afterAll(async () => {
  await context?.close();
  await app?.close();
});

describe('the integrity list, a page at a time', () => {
  const items = () => page.getByTestId('integrity-item');
  const shownIds = () => items().evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));

  it('shows the newest 50 of 55, numbered from the total, with "Mostrar mais"', async () => {
    await page.goto(`${app.server.url}/gestao/integridade`);
    await expect.poll(() => page.getByTestId('integrity-summary').textContent(), SETTLED).toBe('Mostrando 50 de 55 relatos, os mais novos primeiro.');
    await expect.poll(shownIds, SETTLED).toEqual(expected.slice(0, 50).map((r) => r.id));
    await expect.poll(() => items().first().getByRole('link').textContent(), SETTLED).toBe(`Relato 55: Propina, recebido em ${expected[0]!.day}`);
    await expectAccessible(page);
  });

  it('adds the other 5 after them, focuses the first that arrived, and has no button on the last page', async () => {
    await page.getByRole('button', { name: 'Mostrar mais' }).click();
    await expect.poll(() => page.getByTestId('integrity-summary').textContent(), SETTLED).toBe('Mostrando 55 de 55 relatos, os mais novos primeiro.');
    await expect.poll(shownIds, SETTLED).toEqual(expected.map((r) => r.id));
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id), SETTLED)
      .toBe(`relato-${expected[50]!.id}`);
    await expect.poll(() => page.getByRole('button', { name: 'Mostrar mais' }).count(), SETTLED).toBe(0);
    await expect.poll(() => items().last().getByRole('link').textContent(), SETTLED).toBe(`Relato 1: Propina, recebido em ${expected[54]!.day}`);
    await expectAccessible(page);
  });
});
