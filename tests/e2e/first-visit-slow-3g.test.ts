/**
 * The field case: a cheap phone on slow 3G (400 ms round trip, 50 KB/s, CPU 4× slower) opens the link
 * for 15 seconds, then loses the signal. The next day, with no signal, the app must open: home, search
 * and a service page by its address. Every request, the service worker's precache included, crosses a
 * pacing proxy (tests/support/pacing-proxy.ts); the browser reaches the app only through it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { SETTLED, SLOW_3G, slowDownCpu, startSlow3gLine, newPhoneContext } from '../support/browser.ts';
import { appTestCharter, assertBuilt, DIST_DIR } from '../support/app-charter.ts';
import type { PacingProxy, ProxiedRequest } from '../support/pacing-proxy.ts';
import type { TestServer } from '../support/server.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';

/** The visit the app must make the most of. */
const VISIT_MS = 15_000;
const READY = 'Pronto para usar sem internet';
const SERVICE_ID = 'segunda-via-iptu';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
let charter: Charter;
/** Every file the service worker precaches, as paths ("/assets/…"), read from the built sw.js. */
let precached: string[];

beforeAll(async () => {
  assertBuilt();
  charter = appTestCharter();
  precached = [...readFileSync(`${DIST_DIR}sw.js`, 'utf8').matchAll(/"url":"([^"]+)"/g)].map((m) => `/${m[1]}`);
  app = await startApp({ charter });
  ({ server, browser } = app);
});

afterAll(async () => {
  await app?.close();
});

/**
 * Runs in every page before the app: the moment the home page shows READY, it notes whether a service
 * worker controls the page, and then reads what is really on the phone (the charter in IndexedDB, the
 * precache). A string, since the test's tsconfig has no DOM types; init scripts are not subject to the CSP.
 */
function readinessWitness(expected: string[]): string {
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

interface Claim {
  at: number;
  controlled: boolean;
  services?: number;
  missing?: string[];
  checked?: boolean;
}

interface Sample {
  at: number;
  headline: string;
  controlled: boolean;
  charterShown: boolean;
  /** The readiness box's place: it must not move or change height, or it would push the page around. */
  box?: { top: number; height: number };
}

const SAMPLE = `(() => {
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

async function claimsOf(page: Page): Promise<Claim[]> {
  // Each claim's check reads IndexedDB and the cache: give it a moment to finish.
  for (let i = 0; i < 40; i++) {
    const claims = (await page.evaluate('window.__readinessClaims')) as Claim[];
    if (claims.every((c) => c.checked)) return claims;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (await page.evaluate('window.__readinessClaims')) as Claim[];
}

function expectHonestClaims(claims: Claim[]): void {
  for (const claim of claims) {
    expect(claim, 'READY shown while no service worker controlled the page').toMatchObject({ controlled: true });
    expect(claim.services, 'READY shown before the charter was in IndexedDB').toBe(charter.services.length);
    expect(claim.missing, 'READY shown before every app file was saved').toEqual([]);
  }
}

async function newPhone(options: { witness?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newPhoneContext(browser);
  if (options.witness !== false) await context.addInitScript(readinessWitness(precached));
  const page = await context.newPage();
  await slowDownCpu(context, page);
  return { context, page };
}

/** The next day, no signal: a new page of the same browser profile opens home, search and a service page. */
async function expectOpensOffline(context: BrowserContext, proxy: PacingProxy): Promise<void> {
  const page = await context.newPage();
  await slowDownCpu(context, page);
  await page.goto(`${proxy.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Serviços da Prefeitura de Vitória da Conquista' }).waitFor();
  await page.locator('main .chip-list a').first().waitFor({ timeout: 20_000 });
  await page.getByText(READY).waitFor();
  await page.locator('#estado').getByText('Sem internet').waitFor();

  await page.goto(`${proxy.url}/buscar?q=iptu`);
  await page.locator(`#resultados a[href="/servicos/${SERVICE_ID}"]`).first().waitFor({ timeout: 20_000 });

  const service = charter.services.find((s) => s.id === SERVICE_ID)!;
  await page.goto(`${proxy.url}/servicos/${SERVICE_ID}`);
  await page.getByRole('heading', { level: 1, name: service.name }).waitFor({ timeout: 20_000 });
  await expect.poll(() => page.getByTestId('page-load-failed').count(), SETTLED).toBe(0);
  await page.close();
}

function requestTimeline(requests: ProxiedRequest[], started: number): string {
  return requests
    .map((r) => `${seconds(r.startedAt - started).padStart(7)} → ${seconds(r.endedAt && r.endedAt - started).padStart(7)}  ${String(r.fault ?? r.status ?? '-').padEnd(5)} ${String(Math.round(r.bytes / 1024)).padStart(4)} KB  ${(r.dest ?? '').padEnd(13)} ${r.path}`)
    .join('\n');
}

const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

describe('the pacing proxy', () => {
  it('paces every byte on one shared line and can drop the signal', async () => {
    const proxy = await startSlow3gLine(server.url);
    try {
      // The largest script the worker saves (the outbox's database, with Dexie): long enough to time on the line.
      // Chosen by size, not by name: a shared chunk is named after one of its modules, which moves with the code.
      const sizeOf = (path: string) => readFileSync(`${DIST_DIR}${path.slice(1)}`).length;
      const file = precached.filter((path) => path.endsWith('.js')).sort((a, b) => sizeOf(b) - sizeOf(a))[0]!;
      const size = sizeOf(file);
      const started = Date.now();
      // Uncompressed, so the bytes on the line are the file's; two at once share the 50 KB/s.
      const bodies = await Promise.all([1, 2].map(() => fetch(`${proxy.url}${file}`, { headers: { 'accept-encoding': 'identity' } }).then((r) => r.arrayBuffer())));
      const elapsed = Date.now() - started;
      expect(bodies.map((b) => b.byteLength)).toEqual([size, size]);
      const lineTime = ((2 * size) / SLOW_3G.downBytesPerSecond) * 1000;
      expect(elapsed).toBeGreaterThanOrEqual(lineTime + SLOW_3G.roundTripMs);
      expect(elapsed).toBeLessThan(lineTime * 1.5 + 3 * SLOW_3G.roundTripMs + 2_000);

      proxy.setOffline(true);
      await expect(fetch(`${proxy.url}/index.html`)).rejects.toThrow();
    } finally {
      await proxy.close();
    }
  });
});

describe('a first visit of 15 s on slow 3G, CPU 4× slower', () => {
  it('leaves a copy that opens offline the next day, and says "Pronto" only when it is true', async () => {
    const proxy = await startSlow3gLine(server.url);
    const { context, page } = await newPhone();
    try {
      const samples: Sample[] = [];
      const started = Date.now();
      await page.goto(`${proxy.url}/`, { waitUntil: 'commit' });
      while (Date.now() - started < VISIT_MS) {
        samples.push((await page.evaluate(SAMPLE).catch(() => undefined)) as Sample);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The person loses the signal and closes the app.
      proxy.setOffline(true);
      const claims = await claimsOf(page);
      await page.close();

      const seen = samples.filter(Boolean);
      const after = (test: (s: Sample) => boolean) => {
        const at = seen.find(test)?.at;
        return at === undefined ? undefined : at - started;
      };
      const during = proxy.requests.filter((r) => r.startedAt - started < VISIT_MS);
      const timings = {
        charterShown: seconds(after((s) => s.charterShown)),
        controlled: seconds(after((s) => s.controlled)),
        ready: seconds(claims[0] ? claims[0].at - started : undefined),
        requests: during.length,
        kilobytesDown: Math.round(during.reduce((sum, r) => sum + r.bytes, 0) / 1024),
      };
      console.log(`first visit on slow 3G: ${JSON.stringify(timings)}`);
      // SLOW3G_LOG=1 prints every request of the visit: when it started and ended, and its size on the line.
      if (process.env.SLOW3G_LOG) console.log(requestTimeline(during, started));

      expect(claims.length, `"${READY}" was never shown during the visit`).toBeGreaterThan(0);
      expect(claims[0]!.at - started).toBeLessThanOrEqual(VISIT_MS);
      expectHonestClaims(claims);

      // While saving it said so, with progress, and nothing below it moved.
      expect(seen.some((s) => /Guardando o aplicativo no aparelho… \d+ %/.test(s.headline))).toBe(true);
      const boxes = seen.flatMap((s) => (s.box ? [s.box] : []));
      expect(new Set(boxes.map((b) => `${b.top}/${b.height}`)).size, JSON.stringify(boxes.slice(0, 3))).toBe(1);

      await expectOpensOffline(context, proxy);
    } finally {
      await context.close();
      await proxy.close();
    }
  });
});

describe('a flaky line during the install', () => {
  const isShellRequest = (r: ProxiedRequest) => r.path === '/index.html';
  const isServicePageChunk = (r: ProxiedRequest) => /^\/assets\/service-page-[\w-]+\.js$/.test(r.path);

  it('retries a failed file and completes the copy without a reload', async () => {
    const proxy = await startSlow3gLine(server.url);
    // The worker's own request for index.html (the page navigates to "/"), then a page chunk cut half-way.
    proxy.failNext(/^\/index\.html$/, 'reset');
    proxy.failNext(/^\/assets\/service-page-[\w-]+\.js$/, 'cut');
    const { context, page } = await newPhone();
    try {
      let navigations = 0;
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations++;
      });
      await page.goto(`${proxy.url}/`);
      await page.getByText(READY).waitFor({ timeout: 60_000 });
      expectHonestClaims(await claimsOf(page));
      expect(navigations).toBe(1);

      const shell = proxy.requests.filter(isShellRequest);
      const chunk = proxy.requests.filter(isServicePageChunk);
      expect(shell.map((r) => r.fault ?? r.status)).toEqual(['reset', 200]);
      expect(chunk.map((r) => r.fault ?? r.status)).toEqual(['cut', 200]);

      proxy.setOffline(true);
      await expectOpensOffline(context, proxy);
    } finally {
      await context.close();
      await proxy.close();
    }
  });

  it('keeps what arrived when the signal goes, and the next visit fetches only what is missing', async () => {
    const proxy = await startSlow3gLine(server.url);
    const { context, page } = await newPhone();
    try {
      await page.goto(`${proxy.url}/`);
      // The shell is saved and some pages have arrived, then the signal goes and the phone stops the worker.
      await page.waitForFunction(() => (globalThis as unknown as { navigator: { serviceWorker: { controller: unknown } } }).navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
      await page.getByText(/Guardando o aplicativo no aparelho… ([2-9]\d) %/).waitFor({ timeout: 30_000 });
      proxy.setOffline(true);
      await page.close();
      const cdp = await context.newCDPSession(await context.newPage());
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');

      // What is on the phone now, read from a page opened offline (the saved shell answers it).
      const look = await context.newPage();
      await look.goto(`${proxy.url}/sobre`);
      await look.getByRole('heading', { level: 1 }).waitFor();
      const saved = (await look.evaluate(`caches.keys()
        .then((names) => caches.open(names.find((n) => n.startsWith('workbox-precache-v2-'))))
        .then((cache) => cache.keys())
        .then((requests) => requests.map((r) => new URL(r.url).pathname))`)) as string[];
      await look.close();
      expect(saved.length).toBeGreaterThan(5);
      expect(saved.length).toBeLessThan(precached.length);

      // The signal is back: the next visit completes the copy, asking only for the files still missing.
      proxy.setOffline(false);
      const before = proxy.requests.length;
      const next = await context.newPage();
      await slowDownCpu(context, next);
      await next.goto(`${proxy.url}/`);
      await next.getByText(READY).waitFor({ timeout: 60_000 });
      expectHonestClaims(await claimsOf(next));
      const fetchedAgain = proxy.requests.slice(before).filter((r) => saved.includes(r.path) && r.status === 200);
      expect(fetchedAgain.map((r) => r.path)).toEqual([]);
      await next.close();
    } finally {
      await context.close();
      await proxy.close();
    }
  });
});
