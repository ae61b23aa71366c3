import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { appTestCharter, assertBuilt, DIST_DIR } from '../helpers/app-charter.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Search as people speak, in the built app: the worker answers, the page shows what it found.
let server: TestServer;
let browser: Browser;
let page: Page;
let charter: Charter;

beforeAll(async () => {
  assertBuilt();
  charter = appTestCharter();
  server = await startServer({ staticDir: DIST_DIR, charter });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 360, height: 740 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
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
    const text = (await first().textContent()) ?? '';
    expect(text).toContain(rg.name);
    expect(text).toContain('Não é um serviço da Prefeitura — onde fazer:');
    expect(await first().locator('a.tel').getAttribute('href')).toBe('tel:+558000715353');
    expect(await first().locator('a.external-result-link').getAttribute('href')).toBe(rg.url);
  });

  it('finding nothing offers the Ouvidoria, its phone and "Pedir ajuda"', async () => {
    await page.goto(`${server.url}/buscar?q=xqzwv`);
    const help = page.locator('#sem-resultados');
    await help.getByRole('link', { name: 'Pedir ajuda' }).waitFor();
    expect(await page.locator('main [role="status"]').textContent()).toBe('Nada encontrado para “xqzwv”.');
    expect(await help.getByRole('link', { name: 'Pedir ajuda' }).getAttribute('href')).toBe('/servicos/manifestacao-ouvidoria/solicitar');
    expect(await help.locator('a.tel').getAttribute('href')).toBe('tel:162');
    expect(await help.getByRole('link', { name: 'Conheça a Ouvidoria' }).getAttribute('href')).toBe('/servicos/manifestacao-ouvidoria');
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
    expect(await page.inputValue('#busca')).toBe('ponte caiu');
  });
});
