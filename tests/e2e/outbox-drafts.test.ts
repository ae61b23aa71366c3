import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLED } from '../support/browser.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { OutboxExportSchema } from '../../src/shared/contract/outbox-export.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { fillAndSubmit, gradientPng, serviceWithForm, storedSubmissions } from '../support/outbox.ts';
import { closeApp, openApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ app, context, page } = await openApp());
});

afterAll(() => closeApp(app, context));

describe('drafts and the last-resort copy', () => {
  it('saves every change at once, offers to continue after a reload, and never sends a draft', async () => {
    const { service, form } = serviceWithForm(app.charter, 'tapa-buraco');
    const text = form.fields.find((f) => f.type === 'text' && f.required)!;
    const photo = form.fields.find((f) => f.type === 'photo')!;
    await context.setOffline(true);
    await page.goto(`${app.server.url}/servicos/${service.id}/solicitar`);
    await page.getByTestId('service-form').waitFor();
    await page.locator(`#campo-${text.id}`).fill('Rua Siqueira Campos, 45');
    await page.locator(`#campo-${photo.id}`).setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: gradientPng(640, 480) });
    await page.locator(`#campo-${photo.id}-grupo img`).waitFor();
    await page.locator('#campo-cpf').pressSequentially('5299822');
    await expect.poll(() => page.locator('#campo-cpf').inputValue(), SETTLED).toBe('529.982.2');
    // No blur, no submit: the last keystroke reaches the disk by itself. (Polled from here: page.waitForFunction
    // does not await an async predicate, so it took the Promise it got for "true" and reloaded too early.)
    await expect.poll(() => page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const { indexedDB } = globalThis as any;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = await new Promise<any>((resolve) => (indexedDB.open('conecta-outbox').onsuccess = (e: any) => resolve(e.target.result)));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const drafts = await new Promise<any[]>((resolve) => (db.transaction('drafts').objectStore('drafts').getAll().onsuccess = (e: any) => resolve(e.target.result)));
      db.close();
      return drafts.map((d) => d.answers.cpf);
    }), SETTLED).toEqual(['529.982.2']);
    await page.reload();

    await page.getByTestId('resume-draft').waitFor();
    await page.getByRole('button', { name: 'Continuar o rascunho' }).click();
    await expect.poll(() => page.locator(`#campo-${text.id}`).inputValue(), SETTLED).toBe('Rua Siqueira Campos, 45');
    await expect.poll(() => page.locator('#campo-cpf').inputValue(), SETTLED).toBe('529.982.2');
    await expect.poll(() => page.locator(`#campo-${photo.id}-grupo img`).count(), SETTLED).toBe(1);

    await context.setOffline(false);
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    await page.getByTestId('draft').waitFor();
    expect(await storedSubmissions(app)).toEqual([]);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Apagar rascunho' }).click();
    // With no draft left, the section is gone (empty sections are not shown).
    await page.getByRole('heading', { name: 'Rascunhos' }).waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('draft').count(), SETTLED).toBe(0);
  });

  it('refuses an unreadable image with a message, and takes a GPS point with its accuracy', async () => {
    const { service, form } = serviceWithForm(app.charter, 'tapa-buraco');
    const photo = form.fields.find((f) => f.type === 'photo')!;
    const location = form.fields.find((f) => f.type === 'location')!;
    await context.grantPermissions(['geolocation'], { origin: app.server.url });
    await context.setGeolocation({ latitude: -14.8615, longitude: -40.8442, accuracy: 12 });
    await page.goto(`${app.server.url}/servicos/${service.id}/solicitar`);
    await page.locator('[data-testid="service-form"], [data-testid="resume-draft"]').first().waitFor();
    if (await page.getByTestId('resume-draft').count()) await page.getByRole('button', { name: 'Começar um novo' }).click();
    await page.locator(`#campo-${photo.id}`).setInputFiles({ name: 'foto.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('isto não é uma imagem') });
    await page.locator(`#erro-${photo.id}`).getByText('Não conseguimos abrir esta imagem.', { exact: false }).waitFor();
    await expect.poll(() => page.locator(`#campo-${photo.id}-grupo img`).count(), SETTLED).toBe(0);
    await page.locator(`#campo-${location.id}-grupo`).getByRole('button', { name: 'Usar minha localização (GPS)' }).click();
    await page.getByText('Ponto marcado: -14.86150, -40.84420 (precisão boa (cerca de 12 m)).').waitFor();
  });

  it('"Salvar cópia" downloads the unsent records with their photos in the import format', async () => {
    const { service, form } = serviceWithForm(app.charter, 'tapa-buraco');
    await context.setOffline(true);
    const id = await fillAndSubmit(app, page, `/servicos/${service.id}/solicitar`, form, { photo: gradientPng(900, 700) });
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Salvar cópia' }).click();
    const file = await (await download).path();
    const parsed = parseContract(OutboxExportSchema, JSON.parse(readFileSync(file, 'utf8')));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.submissions.map((s) => (s as { id: string }).id)).toEqual([id]);
    expect(parsed.value.attachments).toHaveLength(1);
    expect(parsed.value.attachments[0]!.type).toBe('image/jpeg');
    await context.setOffline(false);
  });

  it('"Apagar meus dados" warns about unsent records first, then erases them and the drafts', async () => {
    const { service, form } = serviceWithForm(app.charter, 'tapa-buraco');
    await context.setOffline(true);
    await fillAndSubmit(app, page, `/servicos/${service.id}/solicitar`, form);
    await page.goto(`${app.server.url}/sobre`);
    await page.getByTestId('erase-start').click();
    await page.getByRole('alert').getByText(/ainda não (foi enviado|foram enviados)/).waitFor();
    await page.getByRole('button', { name: 'Cancelar' }).click();
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    await page.getByTestId('outbox-badge').waitFor(); // still there: nothing was erased

    await page.goto(`${app.server.url}/sobre`);
    await page.getByTestId('erase-start').click();
    await page.getByTestId('erase-confirm').click();
    await page.getByText('Pronto: seus dados foram apagados deste aparelho.').waitFor();
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    await page.getByText('Você ainda não fez nenhum pedido por este aparelho.').waitFor();
    await expect.poll(() => page.getByTestId('record').count(), SETTLED).toBe(0);
    await expect.poll(() => page.getByTestId('draft').count(), SETTLED).toBe(0);
    await context.setOffline(false);
  });
});
