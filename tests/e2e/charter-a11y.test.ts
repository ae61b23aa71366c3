import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { appTestCharter, assertBuilt, DIST_DIR } from '../helpers/app-charter.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PAGES = [
  { name: 'home', path: '/', ready: 'main .chip-list a' },
  { name: 'search results', path: '/buscar?q=saude', ready: '#resultados a' },
  { name: 'search results with a service of another body', path: '/buscar?q=rg', ready: '#resultados .external-result' },
  { name: 'search with no results', path: '/buscar?q=xqzwv', ready: '#sem-resultados a' },
  { name: 'service page', path: '/servicos/segunda-via-iptu', ready: '#secao-etapas' },
  { name: 'about', path: '/sobre', ready: 'dl.facts' },
  { name: 'secretariat', path: '/secretarias/agricultura', ready: 'main dl.facts' },
  { name: 'category', path: '/categorias/zona-rural', ready: 'main li a' },
  { name: 'life event', path: '/momentos/tive-um-filho', ready: 'main li a' },
  { name: 'request form', path: '/servicos/manutencao-estrada-vicinal/solicitar', ready: '[data-testid="service-form"]' },
  { name: 'evaluation form', path: '/servicos/cartao-sus/avaliar', ready: '[data-testid="service-form"]' },
  { name: 'page not found', path: '/nao-existe', ready: 'main h1' },
];

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertBuilt();
  server = await startServer({ staticDir: DIST_DIR, charter: appTestCharter() });
  browser = await launchBrowser();
  // The app's CSP forbids inline scripts and styles; the test injects axe and enlarged text itself.
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 320, height: 640 } });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

async function open(path: string, ready: string): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.locator(ready).first().waitFor();
}

describe('accessibility (WCAG 2.1 A and AA, axe-core)', () => {
  for (const { name, path, ready } of PAGES) {
    it(`${name} has no violations`, async () => {
      await open(path, ready);
      await page.addScriptTag({ path: AXE_PATH });
      const violations = await page.evaluate(async (tags) => {
        const { axe, document } = globalThis as unknown as {
          axe: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }> };
          document: unknown;
        };
        const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
        return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
      }, WCAG_TAGS);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    });
  }

  for (const { name, path, ready } of PAGES) {
    it(`${name} fits 320 px with text at 200% and keeps 48 px touch targets`, async () => {
      await open(path, ready);
      await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      const small = await page.evaluate(`
        [...document.querySelectorAll('.button, .nav a, .card-link, .chip-list a, .tel, input[type="search"]')]
          .filter((el) => el.offsetParent !== null)
          .map((el) => ({ text: (el.textContent || '').trim().slice(0, 40), box: el.getBoundingClientRect() }))
          .filter(({ box }) => box.height < 48 || box.width < 48)
          .map(({ text, box }) => text + ' ' + Math.round(box.width) + 'x' + Math.round(box.height))
      `);
      expect(small).toEqual([]);
    });
  }
});
