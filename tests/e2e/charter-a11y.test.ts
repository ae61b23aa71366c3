import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appTestCharter } from '../support/app-charter.ts';
import type { TestServer } from '../support/server.ts';
import { evaluationForm, fillForm, submitForm } from '../support/outbox.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';
import { axeViolations, horizontalOverflow, SETTLED } from '../support/browser.ts';

interface CitizenPage {
  name: string;
  /** A function when the address is known only once the test has run (a record's id). */
  path: string | (() => string);
  ready: string;
  /** Brings the page to the state to check (sections opened, the menu open). */
  prepare?: (page: Page) => Promise<void>;
}

let recordId = '';

const PAGES: CitizenPage[] = [
  { name: 'home', path: '/', ready: 'main .chip-list a' },
  { name: 'home with the menu open', path: '/', ready: 'main .chip-list a', prepare: (p) => p.locator('#menu > summary').click() },
  { name: 'search results', path: '/buscar?q=saude', ready: '#resultados a' },
  { name: 'search results with a service of another body', path: '/buscar?q=rg', ready: '#resultados .external-result' },
  { name: 'search with no results', path: '/buscar?q=xqzwv', ready: '#sem-resultados a' },
  { name: 'service page', path: '/servicos/segunda-via-iptu', ready: '#secao-etapas' },
  {
    name: 'service page with every section open',
    path: '/servicos/segunda-via-iptu',
    ready: '#secao-etapas',
    prepare: (p) => p.evaluate('document.querySelectorAll("main details").forEach((d) => { d.open = true; })'),
  },
  { name: 'about', path: '/sobre', ready: 'dl.facts' },
  { name: 'integrity (ethics code and plan)', path: '/integridade', ready: '[data-testid="ethics-article"]' },
  { name: 'following a denúncia by its receipt', path: '/acompanhar', ready: '[data-testid="follow-up-form"]' },
  { name: 'secretariat', path: '/secretarias/agricultura', ready: 'main dl.facts' },
  { name: 'category', path: '/categorias/zona-rural', ready: 'main li a' },
  { name: 'life event', path: '/momentos/tive-um-filho', ready: 'main li a' },
  { name: 'request form', path: '/servicos/manutencao-estrada-vicinal/solicitar', ready: '[data-testid="service-form"]' },
  { name: 'request form with long choices', path: '/servicos/agendamento-consulta/solicitar', ready: '[data-testid="service-form"]' },
  { name: 'manifestation form', path: '/servicos/canal-de-integridade/solicitar', ready: '[data-testid="service-form"]' },
  { name: 'evaluation form', path: '/servicos/cartao-sus/avaliar', ready: '[data-testid="service-form"]' },
  { name: 'my requests', path: '/minhas-solicitacoes', ready: '[data-testid="record"]' },
  { name: 'a request', path: () => `/minhas-solicitacoes/${recordId}`, ready: '[data-testid="record-state"]' },
  { name: 'page not found', path: '/nao-existe', ready: 'main h1' },
];

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  const charter = appTestCharter();
  app = await startApp({ charter });
  ({ server, browser } = app);
  // The app's CSP forbids inline styles; the test injects enlarged text itself.
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 320, height: 640 } });
  page = await context.newPage();
  // "Minhas solicitações" and a request's page need a record on this phone.
  await page.goto(`${server.url}/servicos/cartao-sus/avaliar`);
  await page.getByTestId('service-form').waitFor();
  await fillForm(page, evaluationForm(charter), { values: { nota: '5' } });
  recordId = await submitForm(page);
});

afterAll(async () => {
  await context?.close();
  await app?.close();
});

async function open({ path, ready, prepare }: CitizenPage): Promise<void> {
  await page.goto(`${server.url}${typeof path === 'function' ? path() : path}`);
  await page.locator(ready).first().waitFor();
  await prepare?.(page);
}

describe('accessibility (WCAG 2.1 A and AA, axe-core)', () => {
  for (const citizenPage of PAGES) {
    it(`${citizenPage.name} has no violations`, async () => {
      await open(citizenPage);
      const violations = await axeViolations(page);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    });
  }

  for (const citizenPage of PAGES) {
    it(`${citizenPage.name} fits 320 px with text at 200%, keeps 48 px touch targets and has no violations`, async () => {
      await open(citizenPage);
      await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
      await expect.poll(() => horizontalOverflow(page), SETTLED).toBeLessThanOrEqual(0);
      const small = await page.evaluate(`
        [...document.querySelectorAll('.button, .header-button, .nav a, .card-link, .chip-list a, .toc a, .fold > summary, .tel, input[type="search"]')]
          .filter((el) => el.offsetParent !== null)
          .map((el) => ({ text: (el.textContent || '').trim().slice(0, 40), box: el.getBoundingClientRect() }))
          .filter(({ box }) => box.height < 48 || box.width < 48)
          .map(({ text, box }) => text + ' ' + Math.round(box.width) + 'x' + Math.round(box.height))
      `);
      expect(small).toEqual([]);
      const violations = await axeViolations(page);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    });
  }
});
