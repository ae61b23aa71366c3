/**
 * The app under test of every e2e file: the real server (tests/support/server.ts) serving the built app
 * over a fresh database with the sample charter, and one headless Chromium; closed together.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { launchBrowser, newPhoneContext } from './browser.ts';
import { appTestCharter, assertBuilt, DIST_DIR } from './app-charter.ts';
import { startServer, type StartServerOptions, type TestServer } from './server.ts';

export interface AppUnderTest {
  server: TestServer;
  browser: Browser;
  charter: Charter;
  close(): Promise<void>;
}

export interface StartAppOptions extends Omit<StartServerOptions, 'charter'> {
  /** The charter installed first; default the sample charter. */
  charter?: Charter;
}

/** The server (serving dist/, or `staticDir`) and the browser; the server is closed again if the browser fails to start. */
export async function startApp({ charter = appTestCharter(), staticDir = DIST_DIR, ...serverOptions }: StartAppOptions = {}): Promise<AppUnderTest> {
  if (staticDir === DIST_DIR) assertBuilt();
  const server = await startServer({ staticDir, charter, ...serverOptions });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    server,
    browser,
    charter,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** The usual start of a citizen test file: the app, one phone context, one page that has loaded the charter online. */
export async function openApp(charter?: Charter): Promise<{ app: AppUnderTest; context: BrowserContext; page: Page }> {
  const app = await startApp(charter ? { charter } : {});
  const context = await newPhoneContext(app.browser, { serviceWorkers: 'allow' });
  const page = await context.newPage();
  await openOnline(app, page, true);
  return { app, context, page };
}

export async function closeApp(app: AppUnderTest | undefined, context: BrowserContext | undefined): Promise<void> {
  await context?.close();
  await app?.close();
}

/**
 * First visit online: the charter is stored and shown; when service workers are allowed, the home page
 * also says the app is ready offline (a worker controls the page with every file saved).
 */
export async function openOnline(app: AppUnderTest, page: Page, waitForWorker: boolean): Promise<void> {
  await page.goto(`${app.server.url}/`);
  await page.locator('main .chip-list a').first().waitFor({ timeout: 30_000 });
  if (waitForWorker) await page.getByText('Pronto para usar sem internet').waitFor({ timeout: 30_000 });
}
