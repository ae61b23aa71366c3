import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SETTLED } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';

const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  app = await startApp();
  ({ server, browser } = app);
});

afterAll(async () => {
  await app?.close();
});

describe('service page actions and the install invitation', () => {
  it('offers "Ouvir" and, without the Web Share API, a WhatsApp link to the service', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/servicos/tapa-buraco`);
    await page.locator('#secao-etapas').waitFor();

    expect(await page.evaluate("typeof navigator.share")).toBe('undefined');
    const whatsapp = page.getByRole('link', { name: /Compartilhar no WhatsApp/ });
    const href = new URL((await whatsapp.getAttribute('href'))!);
    expect(href.origin).toBe('https://wa.me');
    expect(href.searchParams.get('text')).toContain(`${server.url}/servicos/tapa-buraco`);

    // Reading itself is tested in service-page.test.ts (with stand-in voices).
    await page.getByRole('button', { name: 'Ouvir' }).waitFor();

    await expect.poll(() => page.getByRole('link', { name: 'Solicitar pelo aplicativo' }).getAttribute('href'), SETTLED).toBe('/servicos/tapa-buraco/solicitar');
    await expect.poll(() => page.getByRole('link', { name: 'Avaliar este serviço' }).getAttribute('href'), SETTLED).toBe('/servicos/tapa-buraco/avaliar');
    await context.close();
  });

  it('turns an Android install offer into an "Instalar o aplicativo" button', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('main .chip-list a').first().waitFor();
    await page.evaluate(`(() => {
      const offer = new Event('beforeinstallprompt', { cancelable: true });
      offer.prompt = () => { window.promptShown = true; return Promise.resolve(); };
      offer.userChoice = Promise.resolve({ outcome: 'accepted' });
      window.dispatchEvent(offer);
    })()`);
    await page.getByRole('button', { name: 'Instalar o aplicativo' }).click();
    await page.getByRole('button', { name: 'Instalar o aplicativo' }).waitFor({ state: 'detached' });
    expect(await page.evaluate('window.promptShown')).toBe(true);
    await context.close();
  });

  it('shows iPhone users the written "Adicionar à Tela de Início" steps', async () => {
    const context = await browser.newContext({ userAgent: IPHONE_UA, viewport: { width: 375, height: 667 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Como instalar no iPhone' }).waitFor();
    await expect.poll(() => page.getByText('Adicionar à Tela de Início', { exact: false }).count(), SETTLED).toBeGreaterThan(0);
    await context.close();
  });
});
