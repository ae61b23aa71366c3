/**
 * The system Chromium driven by playwright-core (a test tool's own browser download cannot work here).
 * Override the binary with CHROMIUM_PATH.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * How long `expect.poll` waits for the screen to reach a state. A test reads a page by waiting for what it
 * expects, never once: on a loaded 2-core machine a render, an IndexedDB write or a fetch can land late.
 */
export const SETTLED = { timeout: 15_000, interval: 100 };

/**
 * The root tsconfig has no DOM types (it also checks the server), so code run inside the page is
 * passed as a string expression; these are the ones the tests share.
 */
export const IN_PAGE = {
  activeElementTag: 'document.activeElement ? document.activeElement.tagName : null',
} as const;

/** Waits until a service worker controls the page (a function, not a string: the app's CSP forbids eval). */
export async function waitForServiceWorkerControl(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    () => (globalThis as unknown as { navigator: { serviceWorker: { controller: unknown } } }).navigator.serviceWorker.controller !== null,
    undefined,
    { timeout },
  );
}

export function launchBrowser(options: { args?: string[] } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...(options.args ?? [])] });
}
