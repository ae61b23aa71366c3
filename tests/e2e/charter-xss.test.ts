import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { appTestCharter } from '../support/app-charter.ts';
import type { TestServer } from '../support/server.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';
import { SETTLED } from '../support/browser.ts';

// Charter text is data from the city's systems: markup in it must be shown as text, never parsed.
const MARKUP_NAME = 'Serviço <img src="x-nao-existe.png" data-xss="1"> <b>negrito</b>';
const MARKUP_DESCRIPTION = '<script>document.title = "invadido"</script><a href="javascript:alert(1)" data-xss="2">clique</a>';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
let page: Page;
let serviceId: string;

beforeAll(async () => {
  const charter = appTestCharter();
  const service = charter.services[0]!;
  serviceId = service.id;
  service.name = MARKUP_NAME;
  service.description = MARKUP_DESCRIPTION;
  service.steps = [{ title: '<i data-xss="3">passo</i>', description: '<iframe data-xss="4"></iframe>' }];
  charter.secretariats[0]!.name = '<u data-xss="5">Secretaria</u>';
  app = await startApp({ charter });
  ({ server, browser } = app);
  page = await browser.newPage();
});

afterAll(async () => {
  await app?.close();
});

async function injectedElements(): Promise<number> {
  return page.locator('[data-xss]').count();
}

describe('charter text with HTML', () => {
  it('is shown as text on the service page', async () => {
    await page.goto(`${server.url}/servicos/${serviceId}`);
    await page.locator('h1', { hasText: 'negrito' }).waitFor();
    await expect.poll(() => page.locator('h1').first().textContent(), SETTLED).toContain('<b>negrito</b>');
    await expect.poll(() => page.locator('main').textContent(), SETTLED).toContain('<script>');
    expect(await injectedElements()).toBe(0);
    await expect.poll(() => page.title(), SETTLED).not.toContain('invadido');
  });

  it('is shown as text in search results and lists', async () => {
    await page.goto(`${server.url}/buscar?q=negrito`);
    await page.locator('main a', { hasText: '<b>negrito</b>' }).first().waitFor();
    expect(await injectedElements()).toBe(0);
    await page.goto(`${server.url}/`);
    await page.locator('main a', { hasText: '<u data-xss="5">Secretaria</u>' }).first().waitFor();
    expect(await injectedElements()).toBe(0);
  });
});
