import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLED, axeViolations } from '../support/browser.ts';
import type { BrowserContext, Page } from 'playwright-core';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { fillForm, serviceWithForm, storedSubmissions, submitForm, waitFor } from '../support/outbox.ts';
import { closeApp, openApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let context: BrowserContext;
let page: Page;
let charter: Charter;

beforeAll(async () => {
  charter = appTestCharter();
  ({ app, context, page } = await openApp(charter));
});

afterAll(() => closeApp(app, context));

describe('a submission the server refuses', () => {
  it('comes back rejected with its field message, is corrected, and is accepted under the same id', async () => {
    const { service, form } = serviceWithForm(charter, 'tapa-buraco');
    const locationField = form.fields.find((f) => f.type === 'location')!;
    const district = charter.districts.find((d) => d.rural && d.villages.length >= 2)!;
    const [renamed, kept] = district.villages as [string, string];

    // The person fills the form with the village list the phone has...
    await page.goto(`${app.server.url}/servicos/${service.id}/solicitar`);
    await page.getByTestId('service-form').waitFor();
    await fillForm(page, form, { values: { [locationField.id]: `${district.id}|${renamed}` } });
    // ...while the Prefeitura publishes a charter in which that village has a new name.
    await installCharter(app.server.storage, {
      ...charter,
      version: `${charter.version}-povoados`,
      publishedAt: new Date().toISOString(),
      districts: charter.districts.map((d) => (d.id === district.id ? { ...d, villages: d.villages.map((v) => (v === renamed ? `${v} (novo nome)` : v)) } : d)),
    });
    const id = await submitForm(page);

    await waitFor(() => page.getByTestId('record-state').textContent(), (text) => text === 'Precisa de correção antes de enviar');
    const message = () => page.getByTestId('field-errors').textContent();
    await expect.poll(message, SETTLED).toContain(locationField.label);
    await expect.poll(message, SETTLED).toContain('Povoado não encontrado neste distrito.');
    expect(await storedSubmissions(app)).toEqual([]);

    await page.getByRole('link', { name: 'Corrigir e enviar de novo' }).click();
    await page.waitForURL(`**/servicos/${service.id}/solicitar?corrigir=${id}`);
    await page.locator(`#erro-${locationField.id}`).getByText('Povoado não encontrado neste distrito.').waitFor();
    await page.locator(`#campo-${locationField.id}-povoado`).selectOption(kept);
    await expect.poll(() => page.locator(`#erro-${locationField.id}`).count(), SETTLED).toBe(0);
    expect(await submitForm(page)).toBe(id);

    await waitFor(() => page.getByTestId('record-state').textContent(), (text) => text?.startsWith('Enviado: protocolo') ?? false);
    const stored = await storedSubmissions(app);
    expect(stored.map((s) => s.id)).toEqual([id]);
    expect(stored[0]!.answers[locationField.id]).toMatchObject({ district: district.id, village: kept });
    // The correction draft is gone; nothing else waits.
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    await page.locator('[data-testid="record"][data-state="sent"]').first().waitFor();
    await expect.poll(() => page.getByRole('heading', { name: 'Rascunhos' }).count(), SETTLED).toBe(0);
    await expect.poll(() => page.getByTestId('draft').count(), SETTLED).toBe(0);
  });

  it('shows a form with errors without WCAG 2.1 A/AA violations and moves focus to the first error', async () => {
    const { service } = serviceWithForm(charter, 'tapa-buraco');
    await page.goto(`${app.server.url}/servicos/${service.id}/solicitar`);
    await page.getByTestId('service-form').waitFor();
    await page.locator('[data-testid="service-form"] button[type="submit"]').click();
    await page.getByTestId('error-summary').waitFor();
    const focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id);
    const { form } = serviceWithForm(charter, 'tapa-buraco');
    const firstRequired = form.fields.find((f) => f.required)!;
    expect(focused).toBe(`campo-${firstRequired.id}`);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    await page.getByRole('heading', { name: 'Enviados' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});

