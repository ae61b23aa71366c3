/**
 * The first visit on a slow line, shared by the e2e test (tests/e2e/first-visit-slow-3g.test.ts: what the
 * visit leaves on the phone and whether "Pronto" is honest, with a byte budget that does not depend on the
 * machine's load) and the budget script (tests/bench/first-visit.ts: how many seconds it takes, measured on
 * a quiet machine, never in a test).
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { PacingProxy, ProxiedRequest } from './pacing-proxy.ts';
import { slowDownCpu, newPhoneContext } from './browser.ts';
import type { Browser } from 'playwright-core';

/** The visit the app must make the most of: a person opens the link for this long, then loses the signal. */
export const VISIT_MS = 15_000;
export const READY = 'Pronto para usar sem internet';

/**
 * Runs in every page before the app: the moment the home page shows READY, it notes whether a service
 * worker controls the page, and then reads what is really on the phone (the charter in IndexedDB, the
 * precache). A string, since the test's tsconfig has no DOM types; init scripts are not subject to the CSP.
 */
export function readinessWitness(expected: string[]): string {
  return `(() => {
    const expected = ${JSON.stringify(expected)};
    const claims = (window.__readinessClaims = []);
    const charterServices = async () => {
      if (!(await indexedDB.databases()).some((d) => d.name === 'conecta-charter')) return 0;
      return new Promise((resolve) => {
        const open = indexedDB.open('conecta-charter');
        open.onerror = () => resolve(0);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('charters').objectStore('charters').get('current');
          get.onsuccess = () => { db.close(); resolve(get.result ? get.result.charter.services.length : 0); };
          get.onerror = () => { db.close(); resolve(0); };
        };
      });
    };
    const missingFiles = async () => {
      const name = (await caches.keys()).find((n) => n.startsWith('workbox-precache-v2-'));
      const saved = name ? (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname) : [];
      return expected.filter((path) => !saved.includes(path));
    };
    let shown = false;
    new MutationObserver(() => {
      const box = document.querySelector('[data-testid="offline-readiness"]');
      const now = Boolean(box && box.textContent.includes(${JSON.stringify(READY)}));
      if (now && !shown) {
        const claim = { at: Date.now(), controlled: navigator.serviceWorker.controller !== null };
        claims.push(claim);
        Promise.all([charterServices(), missingFiles()]).then(([services, missing]) => Object.assign(claim, { services, missing, checked: true }));
      }
      shown = now;
    }).observe(document, { subtree: true, childList: true, characterData: true });
  })()`;
}

export interface Claim {
  at: number;
  controlled: boolean;
  services?: number;
  missing?: string[];
  checked?: boolean;
}

export interface Sample {
  at: number;
  headline: string;
  controlled: boolean;
  charterShown: boolean;
  /** The readiness box's place: it must not move or change height, or it would push the page around. */
  box?: { top: number; height: number };
}

export const SAMPLE = `(() => {
  const box = document.querySelector('[data-testid="offline-readiness"]');
  const rect = box ? box.getBoundingClientRect() : null;
  return {
    at: Date.now(),
    headline: box ? box.textContent : '',
    controlled: navigator.serviceWorker.controller !== null,
    charterShown: document.querySelectorAll('main .chip-list a').length > 0,
    box: rect ? { top: rect.top + window.scrollY, height: rect.height } : undefined,
  };
})()`;

export async function claimsOf(page: Page): Promise<Claim[]> {
  // Each claim's check reads IndexedDB and the cache: give it a moment to finish.
  for (let i = 0; i < 40; i++) {
    const claims = (await page.evaluate('window.__readinessClaims')) as Claim[];
    if (claims.every((c) => c.checked)) return claims;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (await page.evaluate('window.__readinessClaims')) as Claim[];
}

/** What is wrong with the claims of READY, in words (empty when every claim was true when it was made). */
export function dishonestClaims(claims: readonly Claim[], services: number): string[] {
  return claims.flatMap((claim) => [
    ...(claim.controlled ? [] : ['READY shown while no service worker controlled the page']),
    ...(claim.services === services ? [] : [`READY shown before the charter was in IndexedDB (${claim.services ?? 'unchecked'} of ${services} services)`]),
    ...(claim.missing?.length === 0 ? [] : [`READY shown before every app file was saved (missing ${JSON.stringify(claim.missing ?? 'unchecked')})`]),
  ]);
}

/** A phone: a 360 px context, the readiness witness in every page, the CPU slowed down. */
export async function newSlowPhone(browser: Browser, precached: readonly string[], options: { witness?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newPhoneContext(browser);
  if (options.witness !== false) await context.addInitScript(readinessWitness([...precached]));
  const page = await context.newPage();
  await slowDownCpu(context, page);
  return { context, page };
}

export interface FirstVisit {
  /** The page's state every 200 ms, from the first byte until READY (or the limit). */
  samples: Sample[];
  /** Each time READY appeared, and what was true then. */
  claims: Claim[];
  /** ms from the start to the first READY, if it came. */
  readyAfterMs?: number;
  /** What crossed the line before READY (or the limit): requests and bytes down. */
  requests: ProxiedRequest[];
  bytesDown: number;
}

/**
 * Opens the app through `proxy` and watches it until it says READY or `limitMs` passes; the caller then drops
 * the signal. The limit is how long to wait, not a budget: the budget is the caller's.
 */
export async function watchFirstVisit(page: Page, proxy: PacingProxy, limitMs: number): Promise<FirstVisit> {
  const samples: Sample[] = [];
  const started = Date.now();
  await page.goto(`${proxy.url}/`, { waitUntil: 'commit' });
  while (Date.now() - started < limitMs) {
    const sample = (await page.evaluate(SAMPLE).catch(() => undefined)) as Sample | undefined;
    if (sample) samples.push(sample);
    if (sample?.headline.includes(READY)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const claims = await claimsOf(page);
  const readyAt = claims[0]?.at;
  const requests = proxy.requests.filter((r) => r.startedAt >= started && (readyAt === undefined || r.startedAt <= readyAt));
  return {
    samples,
    claims,
    readyAfterMs: readyAt === undefined ? undefined : readyAt - started,
    requests,
    bytesDown: requests.reduce((sum, r) => sum + r.bytes, 0),
  };
}
