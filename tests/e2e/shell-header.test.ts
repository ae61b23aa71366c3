/**
 * The header on small phones: one row that leaves the screen to the page, a status line only when
 * there is something to say, a menu that works at 320 px with text at 200 % and with no JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizontalOverflow, SETTLED } from '../support/browser.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { fillAndSubmit, serviceWithForm } from '../support/outbox.ts';
import { closeApp, openApp, type AppUnderTest } from '../support/e2e-app.ts';

const MENU_LINKS = ['Início', 'Buscar', 'Minhas solicitações', 'Integridade', 'Acompanhar', 'Sobre'];

let app: AppUnderTest;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ app, context, page } = await openApp());
  await page.setViewportSize({ width: 360, height: 640 });
});

afterAll(() => closeApp(app, context));

async function headerHeight(on: Page): Promise<number> {
  return (await on.locator('header.site-header').boundingBox())!.height;
}

describe('the header on a 360 × 640 screen', () => {
  it('is one row under 20 % of the screen, with no status line while online with nothing waiting', async () => {
    await page.goto(`${app.server.url}/`);
    await page.locator('main .chip-list a').first().waitFor();
    await expect.poll(() => headerHeight(page), SETTLED).toBeLessThan(640 * 0.2);
    await expect.poll(() => page.locator('#estado').boundingBox().then((box) => box?.height ?? 0), SETTLED).toBe(0);
    await expect.poll(() => page.locator('#estado').textContent(), SETTLED).toBe('');
    // Brand, search and menu share one row.
    const tops = await Promise.all(['.brand', '#busca-topo button', '#menu > summary'].map((s) => page.locator(s).boundingBox().then((b) => Math.round(b!.y + b!.height / 2))));
    expect(new Set(tops).size).toBe(1);
  });

  it('offline with a record waiting: one status line saying both, still under 20 %', async () => {
    const { service, form } = serviceWithForm(app.charter, 'tapa-buraco');
    await context.setOffline(true);
    await fillAndSubmit(app, page, `/servicos/${service.id}/solicitar`, form);
    await page.goto(`${app.server.url}/`);
    await page.getByTestId('outbox-badge').waitFor({ timeout: 60_000 });
    const line = page.locator('#estado');
    // The offline words and the outbox's count arrive separately (the connection check, the outbox read):
    // the line is awaited until it says both, never read once.
    await expect.poll(() => line.innerText().then((text) => text.replace(/\s+/g, ' ').trim()), { timeout: 60_000, interval: 100 }).toBe('Sem internet 1 envio aguardando');
    // Both on one line: the badge sits beside the offline words, not under them (the line is no taller than the badge).
    const lineOverBadge = async () => (await line.boundingBox())!.height - (await page.getByTestId('outbox-badge').boundingBox())!.height;
    await expect.poll(lineOverBadge, SETTLED).toBeLessThanOrEqual(1);
    await expect.poll(() => headerHeight(page), SETTLED).toBeLessThan(640 * 0.2);
    await context.setOffline(false);
  });
});

describe('the menu at 320 px with text at 200 %', () => {
  let big: BrowserContext;
  let bigPage: Page;

  beforeAll(async () => {
    // The app's CSP forbids inline styles; the test enlarges the text itself.
    big = await app.browser.newContext({ viewport: { width: 320, height: 568 }, bypassCSP: true, serviceWorkers: 'block' });
    bigPage = await big.newPage();
  });

  afterAll(() => big?.close());

  it('opens, shows every link as a 48 px target inside the screen, and leads to the page', async () => {
    await bigPage.goto(`${app.server.url}/`);
    await bigPage.locator('main .chip-list a').first().waitFor();
    await bigPage.addStyleTag({ content: 'html { font-size: 200% !important; }' });
    await expect.poll(() => horizontalOverflow(bigPage), SETTLED).toBeLessThanOrEqual(0);
    await expect.poll(() => headerHeight(bigPage), SETTLED).toBeLessThan(568 * 0.5);

    await bigPage.getByText('Menu', { exact: true }).click();
    for (const name of MENU_LINKS) {
      const box = (await bigPage.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name, exact: true }).boundingBox())!;
      expect(box.height, name).toBeGreaterThanOrEqual(48);
      expect(box.x, name).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, name).toBeLessThanOrEqual(320);
    }
    await expect.poll(() => horizontalOverflow(bigPage), SETTLED).toBeLessThanOrEqual(0);

    await bigPage.getByRole('link', { name: 'Sobre', exact: true }).click();
    await bigPage.getByRole('heading', { level: 1, name: 'Sobre o aplicativo e seus dados' }).waitFor();
    // The choice closes the menu; the current page is marked in it.
    await expect.poll(() => bigPage.locator('#menu').getAttribute('open'), SETTLED).toBeNull();
    await expect.poll(() => bigPage.locator('.nav a[href="/sobre"]').getAttribute('aria-current'), SETTLED).toBe('page');
  });

  it('closes with Escape, giving focus back to the menu button', async () => {
    await bigPage.locator('#menu > summary').focus();
    await bigPage.keyboard.press('Enter');
    await expect.poll(() => bigPage.locator('#menu').getAttribute('open'), SETTLED).toBe('');
    await bigPage.keyboard.press('Tab');
    await bigPage.keyboard.press('Escape');
    await expect.poll(() => bigPage.locator('#menu').getAttribute('open'), SETTLED).toBeNull();
    await expect.poll(() => bigPage.evaluate('document.activeElement.tagName'), SETTLED).toBe('SUMMARY');
  });
});

describe('the header on a wide screen', () => {
  it('shows the search field; Enter opens the results', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${app.server.url}/`);
    await page.fill('#busca-topo-q', 'segunda via iptu');
    await page.press('#busca-topo-q', 'Enter');
    await page.waitForURL('**/buscar?q=segunda%20via%20iptu');
    await page.locator('#resultados a[href="/servicos/segunda-via-iptu"]').waitFor();
    // The search page has its own box: the header's is hidden there.
    await expect.poll(() => page.locator('#busca-topo').isHidden(), SETTLED).toBe(true);
    await page.setViewportSize({ width: 360, height: 640 });
  });
});

describe('the header with no JavaScript', () => {
  it('opens the menu and follows its links (the shell is plain HTML)', async () => {
    const noScript = await app.browser.newContext({ viewport: { width: 360, height: 640 }, javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${app.server.url}/`);
    await plain.getByText('Menu', { exact: true }).click();
    for (const name of MENU_LINKS) await plain.getByRole('link', { name, exact: true }).waitFor();
    await plain.getByRole('link', { name: 'Minhas solicitações', exact: true }).click();
    await plain.waitForURL('**/minhas-solicitacoes');
    await expect.poll(() => headerHeight(plain), SETTLED).toBeLessThan(640 * 0.2);
    await noScript.close();
  });
});
