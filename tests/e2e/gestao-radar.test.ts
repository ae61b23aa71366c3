/**
 * The controladoria's radar, its weekly digest and the yearly report in real Chromium at 360 px: they
 * render for the controladoria with axe-core finding no WCAG 2.1 A/AA violation and nothing overflowing
 * sideways; a threshold changed on the page puts a signal out; the digest prints without navigation, black
 * on white; the year selector changes the report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { THRESHOLD_LABELS } from '../../src/shared/contract/radar.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { postJson, type TestServer } from '../support/server.ts';
import { makeStaff, newStaffContext, signInThroughPages, type StaffUser, expectAccessible } from '../support/gestao-pages.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';
import { SETTLED } from '../support/browser.ts';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let controladoria: StaffUser;
const year = Number(new Date(Date.now() - 3 * 3_600_000).toISOString().slice(0, 4));

beforeAll(async () => {
  app = await startApp();
  ({ server, browser } = app);
  controladoria = await makeStaff(server.storage, { email: 'controle@pmvc.example', name: 'Dora Controladoria', roles: ['controladoria'], totp: true });
  // An open manifestação forwarded to saúde, two days from its legal deadline: the radar lights a signal.
  const id = crypto.randomUUID();
  const filed = await postJson(`${server.url}/api/submissions`, {
    id, kind: 'manifestation', serviceId: 'manifestacao-ouvidoria', formId: 'manifestacao-ouvidoria', formVersion: appTestCharter().forms.find((f) => f.id === 'manifestacao-ouvidoria')!.version, createdAt: new Date().toISOString(),
    answers: { tipo: 'reclamacao', assunto: 'Posto de saúde', relato: 'O posto ficou fechado no horário de atendimento.', consentimento: true },
    attachments: [],
  });
  expect(filed.status).toBe(201);
  await server.storage.query(`UPDATE submissions SET forwarded_to = 'saude', due_at = now() + interval '2 days' WHERE id = $1`, [id]);
  context = await newStaffContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await app?.close();
});

describe('the radar and the yearly report in the back office', () => {
  it('shows the radar with its signal, accessible, and a threshold changed on the page puts it out', async () => {
    await signInThroughPages(page, server.url, controladoria, '/gestao/radar');
    await page.getByRole('heading', { name: 'Radar de riscos', level: 1 }).waitFor();
    const signal = page.locator('[data-testid="radar-signal"][data-kind="manifestation_deadline"]');
    await signal.waitFor();
    await expect.poll(() => signal.textContent(), SETTLED).toContain('1 manifestação em aberto a 5 dias ou menos do prazo legal');
    await expect.poll(() => page.getByRole('link', { name: 'Radar', exact: true }).getAttribute('aria-current'), SETTLED).toBe('page');
    await expectAccessible(page);

    await page.getByText('Limiares do radar').click();
    await expectAccessible(page);
    await page.getByLabel(THRESHOLD_LABELS.deadlineDays).fill('0');
    await page.getByRole('button', { name: 'Salvar limiares' }).click();
    await page.getByText('Dias até o prazo legal: o mínimo é 1.').first().waitFor();
    await expectAccessible(page);
    await page.getByLabel(THRESHOLD_LABELS.deadlineDays).fill('1');
    await page.getByRole('button', { name: 'Salvar limiares' }).click();
    await page.getByTestId('radar-empty').waitFor();
    const audited = await server.storage.query<{ target: string }>(`SELECT target FROM staff_audit WHERE action = 'radar_thresholds'`);
    expect(audited.rows).toEqual([{ target: 'deadlineDays: 5 → 1' }]);
    // Back to 5 days for the digest.
    await page.getByText('Limiares do radar').click().catch(() => undefined);
    await page.getByLabel(THRESHOLD_LABELS.deadlineDays).fill('5');
    await page.getByRole('button', { name: 'Salvar limiares' }).click();
    await signal.waitFor();
  });

  it('prints the weekly digest without navigation, black on white, with its CSV', async () => {
    await page.getByRole('link', { name: 'Resumo da semana para imprimir' }).click();
    await page.getByRole('heading', { name: 'Radar de riscos: resumo da semana' }).waitFor();
    await page.locator('[data-testid="radar-signal"]').first().waitFor();
    await expectAccessible(page);
    const csv = await page.evaluate(async () => {
      const response = await fetch('/api/gestao/radar/semanal.csv', { credentials: 'same-origin' });
      return { status: response.status, text: await response.text() };
    });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('"manifestation_deadline"');
    await page.emulateMedia({ media: 'print' });
    await expect.poll(() => page.locator('.gestao-bar').isVisible(), SETTLED).toBe(false);
    await expect.poll(() => page.getByRole('button', { name: 'Imprimir' }).isVisible(), SETTLED).toBe(false);
    const colours = await page.evaluate('[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector(".radar-signal")).color]');
    expect(colours).toEqual(['rgb(0, 0, 0)', 'rgb(255, 255, 255)', 'rgb(0, 0, 0)']);
    await page.emulateMedia({ media: 'screen' });
  });

  it('shows the yearly report, accessible, and changes year with the selector', async () => {
    await page.getByRole('link', { name: 'Relatório anual' }).first().click();
    await page.getByRole('heading', { name: `Relatório de gestão da Ouvidoria e da Carta de Serviços — ${year}` }).waitFor();
    await page.getByTestId('relatorio').waitFor();
    await expect.poll(() => page.getByRole('table', { name: 'Manifestações recebidas por tipo' }).isVisible(), SETTLED).toBe(true);
    await expect.poll(() => page.getByRole('row', { name: /Reclamação/ }).textContent(), SETTLED).toContain('menos de 5');
    await expectAccessible(page);
    await page.getByLabel('Ano do relatório').selectOption(String(year - 1));
    await page.getByRole('heading', { name: `Relatório de gestão da Ouvidoria e da Carta de Serviços — ${year - 1}` }).waitFor();
    await page.getByTestId('relatorio').waitFor();
    expect(new URL(page.url()).search).toBe(`?ano=${year - 1}`);
    await expectAccessible(page);
  });
});
