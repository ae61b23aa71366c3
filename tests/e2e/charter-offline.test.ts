import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { IN_PAGE, waitForServiceWorkerControl, SETTLED, newPhoneContext } from '../support/browser.ts';
import { appTestCharter } from '../support/app-charter.ts';
import type { TestServer } from '../support/server.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let charter: Charter;

beforeAll(async () => {
  charter = appTestCharter();
  app = await startApp({ charter });
  ({ server, browser } = app);
  context = await newPhoneContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await app?.close();
});

/** Pages load their code on demand: wait for the heading rather than for the URL. */
async function heading(text: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}

async function firstResultIds(): Promise<string[]> {
  await page.locator('#resultados a').first().waitFor();
  const hrefs = await page.locator('#resultados a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.map((href) => href.replace('/servicos/', ''));
}

describe('the charter with no signal', () => {
  it('first visit online: installs the service worker and stores the charter', async () => {
    await page.goto(`${server.url}/`);
    await heading('Serviços da Prefeitura de Vitória da Conquista');
    await page.getByText('Pronto para usar sem internet').waitFor();
    await page.getByText(`${charter.services.length} serviços guardados no aparelho`).waitFor();
    await waitForServiceWorkerControl(page);
    // Online with nothing waiting, the header's status line has nothing to say.
    await expect.poll(() => page.locator('#estado').textContent(), SETTLED).toBe('');
  });

  it('offline: reloads a deep link to a service page', async () => {
    await context.setOffline(true);
    const service = charter.services.find((s) => s.id === 'segunda-via-iptu')!;
    await page.goto(`${server.url}/servicos/segunda-via-iptu`);
    await page.reload();
    await heading(service.name);
    await expect.poll(() => page.locator('#etapas ol.steps > li').count(), SETTLED).toBe(service.steps.length);
    await expect.poll(() => page.title(), SETTLED).toBe(`${service.name} · Conecta Conquista`);
  });

  it('offline: browses a secretariat and opens one of its services', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Secretaria Municipal de Saúde' }).click();
    await page.waitForURL('**/secretarias/saude');
    await heading('Secretaria Municipal de Saúde');
    const expected = charter.services.filter((s) => s.secretariatId === 'saude');
    await expect.poll(() => page.locator('main .card-list a').count(), SETTLED).toBe(expected.length);

    await page.locator('main a[href="/servicos/cartao-sus"]').click();
    await page.waitForURL('**/servicos/cartao-sus');
    await heading(charter.services.find((s) => s.id === 'cartao-sus')!.name);
    // Focus moves to the new page's heading so a screen reader announces it.
    await expect.poll(() => page.evaluate(IN_PAGE.activeElementTag), SETTLED).toBe('H1');
    await expect.poll(() => page.locator('#estado').textContent(), SETTLED).toContain('Sem internet');
  });

  it('offline: search "saude" lists health services first', async () => {
    await page.goto(`${server.url}/buscar?q=saude`);
    const ids = await firstResultIds();
    const health = new Set(charter.services.filter((s) => s.secretariatId === 'saude').map((s) => s.id));
    expect(ids.slice(0, 3).every((id) => health.has(id))).toBe(true);
  });

  it('offline: typing "segunda via iptu" puts segunda-via-iptu first', async () => {
    await page.goto(`${server.url}/`);
    // On a phone the header's search is an icon that opens the search page.
    await page.getByRole('search').getByRole('button', { name: 'Buscar' }).click();
    await page.waitForURL('**/buscar');
    await page.fill('#busca', 'segunda via iptu');
    expect((await firstResultIds())[0]).toBe('segunda-via-iptu');

    await page.fill('#busca', 'cartao sus');
    await page.locator('#resultados li:first-child a[href="/servicos/cartao-sus"]').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('cartao sus');
  });
});
