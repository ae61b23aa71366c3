/**
 * The browser kit of every e2e file: the system Chromium driven by playwright-core (a test tool's own
 * browser download cannot work here; override the binary with CHROMIUM_PATH), a phone-sized context,
 * axe-core's accessibility check, and the slow phone (slow 3G line, slowed CPU).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type CDPSession, type Page } from 'playwright-core';
import { keepDiary } from './browser-diary.ts';
import { startPacingProxy, type PacingProxy } from './pacing-proxy.ts';

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

export async function launchBrowser(options: { args?: string[] } = {}): Promise<Browser> {
  return keepDiary(await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...(options.args ?? [])] }));
}

/** The screen of the phones the app is made for. */
export const PHONE_VIEWPORT = { width: 360, height: 740 } as const;

/** A context with a 360 px phone screen; `options` add to it or replace it (a smaller screen, bypassCSP, service workers). */
export function newPhoneContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: PHONE_VIEWPORT, ...options });
}

/** How far the page runs past its screen, in CSS pixels (0 or less: it fits). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;
}

// ---------------------------------------------------------------- accessibility

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeViolation {
  id: string;
  help: string;
  /** The CSS selectors of the offending elements. */
  nodes: string[];
}

/**
 * axe-core's WCAG 2.1 A and AA violations on the page as it is now. axe is evaluated over the DevTools
 * protocol, which the app's CSP does not govern (a script tag would need bypassCSP).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const { axe, document } = globalThis as unknown as {
      document: unknown;
      axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> };
    };
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, WCAG_21_AA);
}

// ---------------------------------------------------------------- the slow phone

/**
 * The phone the app must work on, as found in the field: slow 3G (400 ms round trip, 50 KB/s down; Chrome
 * DevTools' "Slow 3G") through a pacing proxy that every request crosses, and a CPU 4× slower.
 */
export const SLOW_3G = { roundTripMs: 400, downBytesPerSecond: 50_000 } as const;

export const SLOW_CPU_RATE = 4;

/** A slow-3G line to `target`: open the app at the returned proxy's URL. */
export function startSlow3gLine(target: string): Promise<PacingProxy> {
  return startPacingProxy({ target, ...SLOW_3G });
}

/** Slows the page's CPU (CDP Emulation.setCPUThrottlingRate); returns the session for more CDP calls. */
export async function slowDownCpu(context: BrowserContext, page: Page, rate: number = SLOW_CPU_RATE): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return cdp;
}
