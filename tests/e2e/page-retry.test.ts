/**
 * No dead ends: a page whose code does not arrive says why, in words that agree with the header's
 * connection line, and "Tentar de novo" really loads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SETTLED } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  app = await startApp();
  ({ server, browser } = app);
});

afterAll(async () => {
  await app?.close();
});

/**
 * A fresh phone (no service worker, so every chunk comes from the network) on the home page, with the
 * first `failures` requests for the chunk whose file name starts with `chunk` failing as a lost connection.
 */
async function homeWithFailingChunk(chunk: string, failures: number): Promise<{ context: BrowserContext; page: Page; requests: () => number }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, serviceWorkers: 'block' });
  let seen = 0;
  await context.route(new RegExp(`/assets/${chunk}-[\\w-]+\\.js`), (route) => {
    seen++;
    return seen <= failures ? route.abort('internetdisconnected') : route.continue();
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.locator('main .chip-list a').first().waitFor();
  return { context, page, requests: () => seen };
}

async function openAbout(page: Page): Promise<void> {
  await page.getByText('Menu', { exact: true }).click();
  await page.getByRole('link', { name: 'Sobre', exact: true }).click();
}

/** How long a state may take to show on a loaded 2-core machine (the test's own limit is 120 s). */
const UNDER_LOAD_MS = 90_000;

const failure = (page: Page) => page.getByTestId('page-load-failed');
const aboutHeading = (page: Page) => page.getByRole('heading', { level: 1, name: 'Sobre o aplicativo e seus dados' });

describe('a page whose code fails to download', () => {
  it('online: says the internet works (no "connect"), and "Tentar de novo" loads the page', async () => {
    const { context, page, requests } = await homeWithFailingChunk('about-page', 1);
    await openAbout(page);
    await failure(page).waitFor();
    const words = () => failure(page).innerText();
    await expect.poll(words, SETTLED).toContain('Não foi possível abrir esta página');
    await expect.poll(words, SETTLED).toContain('A internet está funcionando');
    expect(await words()).not.toMatch(/conecte|sem internet/i);
    // The header agrees: nothing about a missing connection.
    await expect.poll(() => page.locator('#estado').innerText(), SETTLED).not.toContain('Sem internet');
    // Focus moved to the message's heading, so a screen reader announces it.
    await expect.poll(() => page.evaluate('document.activeElement.tagName'), SETTLED).toBe('H1');

    await page.getByRole('button', { name: 'Tentar de novo' }).click();
    await aboutHeading(page).waitFor();
    expect(requests()).toBe(2);
    await expect.poll(() => failure(page).count(), SETTLED).toBe(0);
    await context.close();
  });

  it('offline: the header and the page both say there is no internet; it opens by itself when the signal returns', async () => {
    const { context, page } = await homeWithFailingChunk('about-page', 0);
    await context.setOffline(true);
    await openAbout(page);
    await failure(page).waitFor();
    await expect.poll(() => failure(page).innerText(), SETTLED).toContain('Você está sem internet');
    await expect.poll(() => page.locator('#estado').innerText(), SETTLED).toContain('Sem internet');

    // Still offline: the retry fails, says so, and offers the button again.
    await page.getByRole('button', { name: 'Tentar de novo' }).click();
    await page.getByText('Tentamos de novo e ainda não deu certo.').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Tentar de novo' }).count(), SETTLED).toBe(1);

    await context.setOffline(false);
    await aboutHeading(page).waitFor();
    await expect.poll(() => page.locator('#estado').innerText(), SETTLED).not.toContain('Sem internet');
    await context.close();
  });

  it('when the retry fails too while the server answers, reloads that address, which loads the page', async () => {
    const { context, page, requests } = await homeWithFailingChunk('about-page', 2);
    await openAbout(page);
    await failure(page).waitFor();
    await page.evaluate('window.beforeReload = true');
    // The states in order, each awaited for as long as a loaded machine needs (not Playwright's 30 s
    // default): the retry's request fails, the page reloads itself, the fresh document shows the page.
    const reloaded = page.waitForEvent('load', { timeout: UNDER_LOAD_MS });
    await page.getByRole('button', { name: 'Tentar de novo' }).click();
    await reloaded;
    await aboutHeading(page).waitFor({ timeout: UNDER_LOAD_MS });
    expect(requests()).toBe(3);
    expect(new URL(page.url()).pathname).toBe('/sobre');
    // A fresh document: the browser's module map (which may keep a failed import) is gone.
    await expect.poll(() => page.evaluate('window.beforeReload'), SETTLED).toBeUndefined();
    await context.close();
  });
});

describe('the charter failing to download', () => {
  it('offers "Tentar de novo", which downloads it', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, serviceWorkers: 'block' });
    let charterRequests = 0;
    // The charter is fetched by a worker, which context routing also sees.
    await context.route('**/api/charter', (route) => (++charterRequests === 1 ? route.fulfill({ status: 503, body: 'busy' }) : route.continue()));
    const page = await context.newPage();
    await page.goto(`${server.url}/servicos/segunda-via-iptu`);
    await page.getByText('Não foi possível baixar a Carta de Serviços agora.').waitFor();
    await page.getByRole('button', { name: 'Tentar de novo' }).click();
    await page.getByRole('heading', { level: 1, name: 'Segunda via do IPTU' }).waitFor();
    expect(charterRequests).toBe(2);
    await context.close();
  });
});
