import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { appTestCharter } from '../support/app-charter.ts';
import type { TestServer } from '../support/server.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';
import { SETTLED } from '../support/browser.ts';

// Search as people speak, in the built app: the worker answers, the page shows what it found.
let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
let page: Page;
let charter: Charter;

beforeAll(async () => {
  charter = appTestCharter();
  app = await startApp({ charter });
  ({ server, browser } = app);
  page = await browser.newPage({ viewport: { width: 360, height: 740 } });
});

afterAll(async () => {
  await app?.close();
});

const first = () => page.locator('#resultados li').first();

describe('search as people speak', () => {
  it('"reclamar" leads to the Ouvidoria', async () => {
    await page.goto(`${server.url}/buscar?q=reclamar`);
    await first().locator('a[href="/servicos/manifestacao-ouvidoria"]').waitFor();
  });

  it('"rg" shows where the identity card is made, marked as not the city hall\'s', async () => {
    await page.goto(`${server.url}/buscar?q=rg`);
    await first().locator('.external-result-name').waitFor();
    const rg = charter.externalServices!.find((e) => e.id === 'carteira-de-identidade')!;
    await expect.poll(() => first().textContent(), SETTLED).toContain(rg.name);
    await expect.poll(() => first().textContent(), SETTLED).toContain('Não é um serviço da Prefeitura — onde fazer:');
    await expect.poll(() => first().locator('a.tel').getAttribute('href'), SETTLED).toBe('tel:+558000715353');
    await expect.poll(() => first().locator('a.external-result-link').getAttribute('href'), SETTLED).toBe(rg.url);
  });

  it('finding nothing offers the Ouvidoria, its phone and "Pedir ajuda"', async () => {
    await page.goto(`${server.url}/buscar?q=xqzwv`);
    const help = page.locator('#sem-resultados');
    await help.getByRole('link', { name: 'Pedir ajuda' }).waitFor();
    await expect.poll(() => page.locator('main [role="status"]').textContent(), SETTLED).toBe('Nada encontrado para “xqzwv”.');
    await expect.poll(() => help.getByRole('link', { name: 'Pedir ajuda' }).getAttribute('href'), SETTLED).toBe('/servicos/manifestacao-ouvidoria/solicitar');
    await expect.poll(() => help.locator('a.tel').getAttribute('href'), SETTLED).toBe('tel:162');
    await expect.poll(() => help.getByRole('link', { name: 'Conheça a Ouvidoria' }).getAttribute('href'), SETTLED).toBe('/servicos/manifestacao-ouvidoria');
  });

  it('comes back to the same query and results after opening one', async () => {
    // On a 360 px phone the header shows only the search button: it opens the search page.
    await page.goto(`${server.url}/`);
    await page.locator('#busca-topo').getByRole('button', { name: 'Buscar' }).click();
    await page.waitForURL('**/buscar');
    await page.fill('#busca', 'ponte caiu');
    await page.press('#busca', 'Enter');
    await first().locator('a[href="/servicos/manutencao-estrada-vicinal"]').click();
    await page.waitForURL('**/servicos/manutencao-estrada-vicinal');
    await page.goBack();
    await first().locator('a[href="/servicos/manutencao-estrada-vicinal"]').waitFor();
    await expect.poll(() => page.inputValue('#busca'), SETTLED).toBe('ponte caiu');
  });
});
