/** The Code of Ethics and the Integrity Plan in every pocket: readable and searchable offline after one visit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { closeApp, openApp, type AppUnderTest } from './outbox-kit.ts';

let app: AppUnderTest;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ app, context, page } = await openApp());
});
afterAll(async () => { await closeApp(app, context); });

describe('the integrity page', () => {
  it('shows the plan\'s progress and the code, and finds an article by its words', async () => {
    await page.goto(`${app.server.url}/integridade`);
    await page.getByTestId('ethics-article').first().waitFor();
    await expect(page.getByTestId('plan-summary').textContent()).resolves.toMatch(/^1 de 9 ações concluídas\.$/);
    await page.getByLabel('Procurar no código').fill('presente');
    await expect(page.getByTestId('ethics-article').count()).resolves.toBe(1);
    await expect(page.getByTestId('ethics-article').textContent()).resolves.toContain('Nada de presentes ou vantagens');
  });

  it('opens with no signal the next time', async () => {
    await context.setOffline(true);
    const offline = await context.newPage();
    await offline.goto(`${app.server.url}/integridade`);
    await offline.getByTestId('ethics-article').first().waitFor({ timeout: 20_000 });
    await expect(offline.getByTestId('plan-action').count()).resolves.toBe(9);
    await context.setOffline(false);
  });
});
