/** The Code of Ethics and the Integrity Plan in every pocket: readable and searchable offline after one visit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLED } from '../support/browser.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { closeApp, openApp, type AppUnderTest } from '../support/e2e-app.ts';

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
    await expect.poll(() => page.getByTestId('plan-summary').textContent(), SETTLED).toMatch(/^1 de 9 ações concluídas\.$/);
    await page.getByLabel('Procurar no código').fill('presente');
    await expect.poll(() => page.getByTestId('ethics-article').count(), SETTLED).toBe(1);
    await expect.poll(() => page.getByTestId('ethics-article').textContent(), SETTLED).toContain('Nada de presentes ou vantagens');
  });

  it('opens with no signal the next time', async () => {
    await context.setOffline(true);
    const offline = await context.newPage();
    await offline.goto(`${app.server.url}/integridade`);
    await offline.getByTestId('ethics-article').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => offline.getByTestId('plan-action').count(), SETTLED).toBe(9);
    await context.setOffline(false);
  });
});
