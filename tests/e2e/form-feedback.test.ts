/**
 * Filling a form with the keyboard and with large text: no scolding while tabbing past empty fields,
 * every message after "Enviar", a visible focus ring on the photo button, and every control inside 320 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { SETTLED, horizontalOverflow } from '../support/browser.ts';
import { appTestCharter } from '../support/app-charter.ts';
import type { TestServer } from '../support/server.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
let charter: Charter;

beforeAll(async () => {
  charter = appTestCharter();
  app = await startApp({ charter });
  ({ server, browser } = app);
});

afterAll(async () => {
  await app?.close();
});

async function openForm(context: BrowserContext, serviceId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/servicos/${serviceId}/solicitar`);
  await page.getByTestId('service-form').waitFor();
  return page;
}

/** What the keyboard is on: the control's id (or tag) and, for the photo input, whether its button shows a ring. */
const FOCUS_STATE = `(() => {
  const el = document.activeElement;
  const state = { id: el.id || el.tagName, type: el.getAttribute('type'), errors: document.querySelectorAll('.field-error').length };
  if (state.type === 'file') {
    const style = getComputedStyle(document.querySelector('label[for="' + el.id + '"]'));
    state.ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  }
  return state;
})()`;

interface FocusState {
  id: string;
  type: string | null;
  errors: number;
  ring?: boolean;
}

describe('a request form with the keyboard', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 360, height: 640 }, serviceWorkers: 'block' });
    page = await openForm(context, 'tapa-buraco');
  });
  afterAll(() => context?.close());

  it('tabbing through every empty field shows no message; the photo button shows a focus ring', async () => {
    const form = charter.forms.find((f) => f.id === 'tapa-buraco')!;
    await page.locator('[data-testid="service-form"] button').first().focus();
    const visited: FocusState[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const state = (await page.evaluate(FOCUS_STATE)) as FocusState;
      visited.push(state);
      if (state.type === 'submit') break;
    }
    expect(visited.at(-1)!.type).toBe('submit');
    // Every required field was passed, and no message appeared on the way.
    for (const field of form.fields.filter((f) => f.required && !f.visibleIf)) {
      expect(visited.some((v) => v.id.startsWith(`campo-${field.id}`)), field.id).toBe(true);
    }
    expect(visited.map((v) => v.errors)).toEqual(visited.map(() => 0));
    const photo = visited.find((v) => v.type === 'file');
    expect(photo, 'the photo input takes keyboard focus').toBeDefined();
    expect(photo!.ring).toBe(true);
  });

  it('a wrong answer shows its message once the person leaves the field', async () => {
    await page.locator('#campo-cpf').pressSequentially('111');
    await page.keyboard.press('Tab');
    await page.locator('#erro-cpf').waitFor();
    await expect.poll(() => page.locator('.field-error').count(), SETTLED).toBe(1);
  });

  it('"Enviar" shows every message, with a summary', async () => {
    await page.getByRole('button', { name: 'Enviar pedido' }).click();
    await page.getByTestId('error-summary').waitFor();
    await expect.poll(() => page.locator('#erro-endereco').textContent(), SETTLED).toBe('Preencha este campo.');
    const required = charter.forms.find((f) => f.id === 'tapa-buraco')!.fields.filter((f) => f.required && !f.visibleIf);
    await expect.poll(() => page.locator('.field-error').count(), SETTLED).toBe(required.length);
  });
});

describe('every control fits a 320 px screen with text at 200 %', () => {
  for (const serviceId of ['agendamento-consulta', 'canal-de-integridade', 'tapa-buraco']) {
    it(`${serviceId}`, async () => {
      const context = await browser.newContext({ viewport: { width: 320, height: 568 }, bypassCSP: true, serviceWorkers: 'block' });
      const page = await openForm(context, serviceId);
      await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
      const wide = await page.evaluate(`
        [...document.querySelectorAll('main input:not([type="file"]), main select, main textarea, main button, main label.button')]
          .map((el) => ({ id: el.id || el.textContent.trim().slice(0, 30), right: el.getBoundingClientRect().right }))
          .filter(({ right }) => right > document.documentElement.clientWidth)
          .map(({ id, right }) => id + ' ' + Math.round(right))
      `);
      expect(wide).toEqual([]);
      await expect.poll(() => horizontalOverflow(page), SETTLED).toBeLessThanOrEqual(0);
      await context.close();
    });
  }
});
