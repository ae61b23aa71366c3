/**
 * Revealing a reporter takes two people, in the back office at 360 px in real Chromium against the real
 * server and the built app: Rita (controladoria) asks, with a justification, and sees nothing; she is not
 * offered her own request to decide; Abel (controladoria) sees the request on the channel's list page and
 * approves it, and does not see the identity; Rita then sees it, each view audited; the approval is
 * audited with both names. A second request, refused by Abel, stays hidden. Every page: axe at 0, no
 * horizontal overflow.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CharterCache } from '../../src/server/domain/current-charter.ts';
import { IntegrityKeys } from '../../src/server/domain/integrity/crypto.ts';
import { findByReceipt } from '../../src/server/domain/integrity/reports.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { postJson, type TestServer } from '../support/server.ts';
import { makeStaff, newStaffContext, signInThroughPages, type StaffUser, expectAccessible } from '../support/gestao-pages.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';
import { SETTLED } from '../support/browser.ts';

const JUSTIFICATION = 'Ouvir a pessoa como testemunha no processo administrativo 12/2026.';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let rita: StaffUser;
let abel: StaffUser;
const reports: string[] = [];

async function staffPage(user: StaffUser): Promise<Page> {
  const context = await newStaffContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  await signInThroughPages(page, server.url, user);
  return page;
}

async function fileReport(name: string): Promise<string> {
  const formVersion = appTestCharter().forms.find((f) => f.id === 'denuncia-integridade')!.version;
  const filed = await postJson(`${server.url}/api/integridade/relatos`, {
    id: crypto.randomUUID(), formId: 'denuncia-integridade', formVersion, identification: 'preservada', files: [],
    answers: { tipo: 'propina', orgao: 'infraestrutura', relato: `O fiscal cobrou propina de ${name.split(' ')[0]} para aprovar a medição.`, consentimento: true, identificar: true, nome: name },
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  return filed.body.receipt as string;
}

const auditRows = async (action: string) => (await server.storage.query<{ account_id: string; target: string }>(
  'SELECT account_id, target FROM staff_audit WHERE action = $1 ORDER BY id', [action])).rows;

beforeAll(async () => {
  app = await startApp({ integrityMixer: { setTimer: () => null } });
  ({ server, browser } = app);
  rita = await makeStaff(server.storage, { email: 'rita@pmvc.example', name: 'Rita Requerente', roles: ['controladoria'], totp: true });
  abel = await makeStaff(server.storage, { email: 'abel@pmvc.example', name: 'Abel Aprovador', roles: ['controladoria'], totp: true });
  const receipts = [await fileReport('Joana Denunciante'), await fileReport('Márcio Denunciante')];
  await server.app.integrityMixer.runNow();
  // Found by receipt: the table's order is the mixer's draw.
  const deps = { storage: server.storage, charters: new CharterCache(server.storage), keys: new IntegrityKeys(randomBytes(32)) };
  for (const receipt of receipts) reports.push((await findByReceipt(deps, receipt))!);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await app?.close();
});

describe('revealing a preserved identity takes two people', () => {
  let ritaPage: Page;
  let abelPage: Page;
  let approvedReport = '';

  it('the list says a new report can take up to a day to appear', async () => {
    ritaPage = await staffPage(rita);
    await ritaPage.goto(`${server.url}/gestao/integridade`);
    await ritaPage.getByText('Um relato novo pode levar até um dia para aparecer aqui', { exact: false }).waitFor();
    await ritaPage.getByText('Nenhum pedido aguardando a sua decisão.').waitFor();
    await expectAccessible(ritaPage);
  });

  it('Rita asks, with a justification, and sees nothing yet; she cannot decide her own request', async () => {
    approvedReport = reports[0]!;
    await ritaPage.goto(`${server.url}/gestao/integridade/${approvedReport}`);
    await ritaPage.getByRole('heading', { name: 'Revelar identidade' }).waitFor();
    await ritaPage.getByLabel('Justificativa para revelar a identidade', { exact: true }).fill(JUSTIFICATION);
    await ritaPage.getByRole('button', { name: 'Pedir para revelar' }).click();
    await ritaPage.getByTestId('reveal-state').getByText('Seu pedido aguarda a decisão de outra pessoa da controladoria.').waitFor();
    await expect.poll(() => ritaPage.getByTestId('integrity-identity').count(), SETTLED).toBe(0);
    await expect.poll(() => ritaPage.getByText(/Denunciante/).count(), SETTLED).toBe(0);
    await expectAccessible(ritaPage);
    expect((await auditRows('integrity_reveal_requested')).map((row) => row.account_id)).toEqual([rita.id]);
    // Her own request is not offered to her on the list.
    await ritaPage.goto(`${server.url}/gestao/integridade`);
    await ritaPage.getByText('Nenhum pedido aguardando a sua decisão.').waitFor();
    await expect.poll(() => ritaPage.getByTestId('reveal-request').count(), SETTLED).toBe(0);
  });

  it('Abel sees the request on the list, approves it, and does not see the identity', async () => {
    abelPage = await staffPage(abel);
    await abelPage.goto(`${server.url}/gestao/integridade`);
    const request = abelPage.getByTestId('reveal-request');
    await request.getByText('Rita Requerente', { exact: true }).waitFor();
    await request.getByText(`Justificativa: ${JUSTIFICATION}`).waitFor();
    await expectAccessible(abelPage);
    await request.getByRole('button', { name: 'Aprovar o pedido de Rita Requerente' }).click();
    await abelPage.getByText('Pedido de Rita Requerente aprovado.', { exact: false }).waitFor();
    await abelPage.getByText('Nenhum pedido aguardando a sua decisão.').waitFor();
    await expectAccessible(abelPage);
    expect(await auditRows('integrity_reveal_approved')).toEqual([
      { account_id: abel.id, target: `${approvedReport} — pedido de Rita Requerente, aprovado por Abel Aprovador` },
    ]);
    // On the report, Abel is offered only to ask himself; the identity is not on his page.
    await abelPage.goto(`${server.url}/gestao/integridade/${approvedReport}`);
    await abelPage.getByRole('button', { name: 'Pedir para revelar' }).waitFor();
    await expect.poll(() => abelPage.getByText('Joana Denunciante').count(), SETTLED).toBe(0);
  });

  it('Rita then sees the identity, each view audited', async () => {
    await ritaPage.goto(`${server.url}/gestao/integridade/${approvedReport}`);
    await ritaPage.getByTestId('reveal-state').getByText('Seu pedido foi aprovado.', { exact: false }).waitFor();
    await ritaPage.getByRole('button', { name: 'Ver a identidade' }).click();
    await ritaPage.getByTestId('integrity-identity').getByText('Joana Denunciante').waitFor();
    await expectAccessible(ritaPage);
    expect((await auditRows('integrity_identity_view')).map((row) => [row.account_id, row.target])).toEqual([[rita.id, approvedReport]]);
  });

  it('a refused request leaves the identity hidden, and the refusal is audited', async () => {
    const other = reports[1]!;
    await ritaPage.goto(`${server.url}/gestao/integridade/${other}`);
    await ritaPage.getByLabel('Justificativa para revelar a identidade', { exact: true }).fill(JUSTIFICATION);
    await ritaPage.getByRole('button', { name: 'Pedir para revelar' }).click();
    await ritaPage.getByTestId('reveal-state').waitFor();
    await abelPage.goto(`${server.url}/gestao/integridade`);
    await abelPage.getByTestId('reveal-request').getByRole('button', { name: 'Recusar' }).click();
    await abelPage.getByText('Pedido de Rita Requerente recusado.', { exact: false }).waitFor();
    expect(await auditRows('integrity_reveal_refused')).toEqual([{ account_id: abel.id, target: `${other} — pedido de Rita Requerente, recusado por Abel Aprovador` }]);
    await ritaPage.reload();
    await ritaPage.getByTestId('reveal-state').getByText('Seu último pedido foi recusado.', { exact: false }).waitFor();
    await expect.poll(() => ritaPage.getByText('Márcio Denunciante').count(), SETTLED).toBe(0);
    await expectAccessible(ritaPage);
    expect((await auditRows('integrity_identity_view')).map((row) => row.target)).toEqual([approvedReport]);
  });
});
