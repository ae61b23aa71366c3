import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, waitForServiceWorkerControl, SETTLED } from '../support/browser.ts';
import { appTestCharter, assertBuilt, DIST_DIR } from '../support/app-charter.ts';
import { startServer, type TestServer } from '../support/server.ts';

let site: string;
let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertBuilt();
  // A private copy of the build, so the test can publish a "new version" of the service worker.
  site = mkdtempSync(join(tmpdir(), 'conecta-update-'));
  cpSync(DIST_DIR, site, { recursive: true });
  server = await startServer({ staticDir: site, charter: appTestCharter() });
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
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
    expect(await page.inputValue('#busca')).toBe('matricula');
    expect(await page.evaluate('navigator.serviceWorker.getRegistration().then((r) => Boolean(r && r.waiting))')).toBe(true);

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Atualizar agora' }).click()]);
    expect(await page.evaluate('window.marker')).toBeUndefined();
    const afterUpdate = await page.evaluate(
      'navigator.serviceWorker.getRegistration().then((r) => ({ waiting: Boolean(r && r.waiting), controlled: navigator.serviceWorker.controller !== null }))',
    );
    expect(afterUpdate).toEqual({ waiting: false, controlled: true });
    await expect.poll(() => page.getByText('Nova versão disponível.').count(), SETTLED).toBe(0);
  });
});
