/**
 * What the browser did, kept for when a test fails: a CI log that says only "waited 30 s for a heading"
 * cannot tell a page that threw, a chunk that failed to load, a reload by the service worker or a slow
 * server apart. Every context of `launchBrowser` writes here (console errors and warnings, uncaught page
 * errors, failed requests, main-frame navigations, service workers); tests/support/e2e-setup.ts prints the
 * last lines when a test fails and clears them after each test.
 */
import type { Browser, BrowserContext } from 'playwright-core';

const LIMIT = 200;
const lines: string[] = [];
const started = Date.now();

function write(line: string): void {
  lines.push(`${((Date.now() - started) / 1000).toFixed(2)} s  ${line.slice(0, 500)}`);
  if (lines.length > LIMIT) lines.splice(0, lines.length - LIMIT);
}

function watch(context: BrowserContext): void {
  context.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') write(`console.${message.type()} ${message.text()}`);
  });
  context.on('weberror', (error) => write(`page error ${error.error().message}`));
  context.on('requestfailed', (request) => write(`request failed ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`));
  context.on('page', (page) => {
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) write(`navigated ${frame.url()}`);
    });
    page.on('crash', () => write('page crashed'));
  });
  context.on('serviceworker', (worker) => write(`service worker ${worker.url()}`));
}

/** Makes every context the browser opens write to the diary. */
export function keepDiary(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
    const context = await newContext(...args);
    watch(context);
    return context;
  };
  return browser;
}

/** The diary since the last `clearDiary`, oldest first. */
export function diaryLines(): readonly string[] {
  return lines;
}

export function clearDiary(): void {
  lines.length = 0;
}
