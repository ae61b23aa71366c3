import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitForServiceWorkerControl, SETTLED } from '../support/browser.ts';
import { assertBuilt, DIST_DIR } from '../support/app-charter.ts';
import type { TestServer } from '../support/server.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';

let site: string;
let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertBuilt();
  // A private copy of the build, so the test can publish a "new version" of the service worker.
  site = mkdtempSync(join(tmpdir(), 'conecta-update-'));
  cpSync(DIST_DIR, site, { recursive: true });
  app = await startApp({ staticDir: site });
  ({ server, browser } = app);
  context = await browser.newContext();
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await app?.close();
  rmSync(site, { recursive: true, force: true });
});

describe('app update', () => {
  it('offers a new version and waits for the person before reloading', async () => {
    await page.goto(`${server.url}/buscar`);
    await waitForServiceWorkerControl(page);

    appendFileSync(join(site, 'sw.js'), '\n// new version\n');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Buscar serviço' }).waitFor();
    // Something the person is typing, and a marker that a reload would wipe.
    await page.fill('#busca', 'matricula');
    await page.evaluate("window.marker = 'same page'");

    await page.getByText('Nova versão disponível.').waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.marker')).toBe('same page');
    await expect.poll(() => page.inputValue('#busca'), SETTLED).toBe('matricula');
    await expect.poll(() => page.evaluate('navigator.serviceWorker.getRegistration().then((r) => Boolean(r && r.waiting))'), SETTLED).toBe(true);

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Atualizar agora' }).click()]);
    expect(await page.evaluate('window.marker')).toBeUndefined();
    const afterUpdate = () => page.evaluate(
      'navigator.serviceWorker.getRegistration().then((r) => ({ waiting: Boolean(r && r.waiting), controlled: navigator.serviceWorker.controller !== null }))',
    );
    await expect.poll(afterUpdate, SETTLED).toEqual({ waiting: false, controlled: true });
    await expect.poll(() => page.getByText('Nova versão disponível.').count(), SETTLED).toBe(0);
  });
});
