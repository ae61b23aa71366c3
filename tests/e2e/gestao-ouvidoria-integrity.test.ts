/**
 * The Ouvidoria's steps and the integrity channel in the back office, in real Chromium at 360 px against
 * the real server and the built app: (a) the Ouvidoria forwards a manifestação to a secretariat, a gestor
 * of it answers the Ouvidoria, the Ouvidoria extends the deadline once with a justification and answers
 * the citizen; (b) the controladoria opens an integrity report, writes to the reporter, classifies the
 * report, asks to reveal a preserved identity with a justification (a second person approves it: see
 * gestao-reveal-two-person.test.ts) and updates an action of the Integrity Plan,
 * while an atendente cannot open the channel; (c) every new page has no axe WCAG 2.1 A/AA violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SETTLED } from '../support/browser.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { postJson, type TestServer } from '../support/server.ts';
import { makeStaff, newStaffContext, signInThroughPages, type StaffUser, expectAccessible } from '../support/gestao-pages.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';

const FORWARD_NOTE = 'Verificar o horário do posto do bairro.';
const INTERNAL_ANSWER = 'A enfermeira estava de licença; a escala foi refeita.';
const EXTENSION = 'A secretaria precisa ouvir a equipe do posto antes da resposta final.';
const FINAL_ANSWER = 'A escala do posto foi refeita e o horário será cumprido.';
const CITY_MESSAGE = 'Você lembra a data da medição? Isso ajuda a apuração.';
const JUSTIFICATION = 'Ouvir a pessoa como testemunha no processo administrativo 12/2026.';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let ouvidoria: StaffUser;
let gestor: StaffUser;
let controladoria: StaffUser;
let atendente: StaffUser;
let manifestationId = '';
let reportId = '';

async function staffPage(user: StaffUser): Promise<Page> {
  const context = await newStaffContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  await signInThroughPages(page, server.url, user);
  return page;
}

const submission = async (id: string) => (await server.storage.query<{ status: string; forwarded_to: string | null; extended: boolean; due_at: Date }>(
  'SELECT status, forwarded_to, extended, due_at FROM submissions WHERE id = $1', [id])).rows[0]!;

beforeAll(async () => {
  app = await startApp();
  ({ server, browser } = app);
  ouvidoria = await makeStaff(server.storage, { email: 'ouvidoria@pmvc.example', name: 'Olga Ouvidora', roles: ['ouvidoria'], totp: true });
  gestor = await makeStaff(server.storage, { email: 'gestor.saude@pmvc.example', name: 'Gil Gestor', roles: ['gestor'], secretariats: ['saude'] });
  controladoria = await makeStaff(server.storage, { email: 'controle@pmvc.example', name: 'Dora Controladoria', roles: ['controladoria'], totp: true });
  atendente = await makeStaff(server.storage, { email: 'bruno@pmvc.example', name: 'Bruno Atendente', roles: ['atendente'], secretariats: ['infraestrutura'] });
  manifestationId = crypto.randomUUID();
  const filed = await postJson(`${server.url}/api/submissions`, {
    id: manifestationId, kind: 'manifestation', serviceId: 'manifestacao-ouvidoria', formId: 'manifestacao-ouvidoria', formVersion: appTestCharter().forms.find((f) => f.id === 'manifestacao-ouvidoria')!.version,
    answers: { tipo: 'reclamacao', assunto: 'Posto de saúde', relato: 'O posto do bairro ficou fechado no horário de atendimento três vezes.', consentimento: true },
    attachments: [], createdAt: new Date().toISOString(),
  });
  expect(filed.status).toBe(201);
  const formVersion = appTestCharter().forms.find((f) => f.id === 'denuncia-integridade')!.version;
  const report = await postJson(`${server.url}/api/integridade/relatos`, {
    id: crypto.randomUUID(), formId: 'denuncia-integridade', formVersion, identification: 'preservada', files: [],
    answers: { tipo: 'propina', orgao: 'infraestrutura', relato: 'O fiscal da obra da escola recebeu dinheiro para aprovar a medição falsa.', consentimento: true, identificar: true, nome: 'Joana Denunciante' },
  });
  expect(report.status, JSON.stringify(report.body)).toBe(201);
  // Held in the mixer's inbox until it runs.
  await server.app.integrityMixer.runNow();
  reportId = (await server.storage.query<{ id: string }>('SELECT id FROM integrity_reports')).rows[0]!.id;
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await app?.close();
});

describe('the Ouvidoria forwards a manifestação, the secretariat answers it, the Ouvidoria extends and answers', () => {
  let ouvidoriaPage: Page;

  it('forwards it to the secretariat concerned (the deadline of 30 days and the "5 days or less" flag shown)', async () => {
    ouvidoriaPage = await staffPage(ouvidoria);
    // Five days or less left: flagged.
    await server.storage.query(`UPDATE submissions SET due_at = now() + interval '3 days' WHERE id = $1`, [manifestationId]);
    await ouvidoriaPage.goto(`${server.url}/gestao/pedidos/${manifestationId}`);
    await ouvidoriaPage.getByTestId('legal-deadline').getByText('30 dias (Lei 13.460), prorrogável uma vez por mais 30').waitFor();
    await ouvidoriaPage.getByTestId('request-due').getByText('faltam 5 dias ou menos').waitFor();
    await expect.poll(() => ouvidoriaPage.getByTestId('forwarded-to').textContent(), SETTLED).toBe('ainda não encaminhada');
    // The secretariat's answer is not the Ouvidoria's form.
    await expect.poll(() => ouvidoriaPage.getByRole('heading', { name: 'Responder à Ouvidoria' }).count(), SETTLED).toBe(0);
    // Nothing chosen: the error sits next to the field, which gets the focus.
    await ouvidoriaPage.getByRole('button', { name: 'Encaminhar', exact: true }).click();
    await ouvidoriaPage.getByText('Escolha a secretaria.').waitFor();
    await ouvidoriaPage.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id === 'encaminhar-secretaria');
    await expectAccessible(ouvidoriaPage);

    await ouvidoriaPage.getByLabel('Secretaria responsável', { exact: true }).selectOption('saude');
    await ouvidoriaPage.getByLabel('Orientação para a secretaria (opcional)', { exact: true }).fill(FORWARD_NOTE);
    await ouvidoriaPage.getByRole('button', { name: 'Encaminhar', exact: true }).click();
    await ouvidoriaPage.getByText('Manifestação encaminhada para Secretaria Municipal de Saúde.', { exact: false }).waitFor();
    await expect.poll(() => ouvidoriaPage.getByTestId('forwarded-to').textContent(), SETTLED).toBe('Secretaria Municipal de Saúde');
    await ouvidoriaPage.locator('[data-testid="story-event"][data-type="forward"]', { hasText: FORWARD_NOTE }).waitFor();
    expect((await submission(manifestationId)).forwarded_to).toBe('saude');
  });

  it('a gestor of that secretariat answers the Ouvidoria (and is not offered an answer to the citizen)', async () => {
    const page = await staffPage(gestor);
    // In the secretariat's queue once forwarded, with where it was forwarded and its "5 days or less" flag.
    await page.waitForURL(/\/gestao\/pedidos$/);
    const row = page.locator('[data-testid="queue-item"]', { hasText: 'Encaminhada para' });
    await expect.poll(() => row.textContent(), SETTLED).toContain('Secretaria Municipal de Saúde');
    await expect.poll(() => row.textContent(), SETTLED).toContain('faltam 5 dias ou menos');
    // Without the citizen's consent, neither its sequential protocol nor the time it arrived (the day only).
    await expect.poll(() => row.getByRole('link').textContent(), SETTLED).toBe('Manifestação (protocolo com a Ouvidoria)');
    await expect.poll(() => row.textContent(), SETTLED).toMatch(/Recebido em\d{2}\/\d{2}\/\d{4}Prazo/);
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: 'Responder à Ouvidoria' }).waitFor();
    await page.getByRole('heading', { name: 'Manifestação (protocolo com a Ouvidoria)', level: 1 }).waitFor();
    for (const other of ['Mudar a situação', 'Perguntar ao cidadão', 'Transferir para outra secretaria', 'Prorrogar o prazo por 30 dias']) {
      await expect.poll(() => page.getByRole('heading', { name: other }).count(), { ...SETTLED, message: other }).toBe(0);
    }
    await expectAccessible(page);
    await page.getByLabel('Resposta da secretaria à Ouvidoria', { exact: true }).fill(INTERNAL_ANSWER);
    await page.getByRole('button', { name: 'Enviar resposta à Ouvidoria' }).click();
    await page.getByText('Resposta enviada à Ouvidoria.', { exact: false }).waitFor();
    await page.locator('[data-testid="story-event"][data-type="internal_answer"]', { hasText: INTERNAL_ANSWER }).waitFor();
  });

  it('the Ouvidoria extends the deadline once with a justification and answers the citizen', async () => {
    await ouvidoriaPage.reload();
    await ouvidoriaPage.locator('[data-testid="story-event"][data-type="internal_answer"]', { hasText: INTERNAL_ANSWER }).waitFor();
    const before = (await submission(manifestationId)).due_at;
    await ouvidoriaPage.getByLabel('Justificativa (o cidadão vai ler)', { exact: true }).fill('curta');
    await ouvidoriaPage.getByRole('button', { name: 'Prorrogar o prazo' }).click();
    await ouvidoriaPage.getByText('Explique a prorrogação em pelo menos 20 caracteres.').waitFor();
    await ouvidoriaPage.getByLabel('Justificativa (o cidadão vai ler)', { exact: true }).fill(EXTENSION);
    await ouvidoriaPage.getByRole('button', { name: 'Prorrogar o prazo' }).click();
    await ouvidoriaPage.getByText('Prazo prorrogado por mais 30 dias.', { exact: false }).waitFor();
    await ouvidoriaPage.getByTestId('legal-deadline').getByText('60 dias: 30 dias, prorrogados uma vez por mais 30').waitFor();
    // Only once: the action is gone, and the flag is back to "no prazo".
    await expect.poll(() => ouvidoriaPage.getByRole('heading', { name: 'Prorrogar o prazo por 30 dias' }).count(), SETTLED).toBe(0);
    await ouvidoriaPage.getByTestId('request-due').getByText('no prazo').waitFor();
    const after = await submission(manifestationId);
    expect(after.extended).toBe(true);
    expect(Math.round((after.due_at.getTime() - before.getTime()) / 86_400_000)).toBe(30);

    await ouvidoriaPage.getByLabel('Nova situação', { exact: true }).selectOption('done');
    await ouvidoriaPage.getByLabel('Mensagem ao cidadão (opcional)', { exact: true }).fill(FINAL_ANSWER);
    await ouvidoriaPage.getByRole('button', { name: 'Mudar a situação' }).click();
    await ouvidoriaPage.getByText('Situação mudada para “Concluído”.', { exact: false }).waitFor();
    const citizen = (await (await fetch(`${server.url}/api/submissions/${manifestationId}`)).json()) as { status: string; history: { note?: string }[] };
    expect(citizen.status).toBe('done');
    const notes = citizen.history.map((h) => h.note ?? '');
    expect(notes.some((note) => note.includes(EXTENSION))).toBe(true);
    expect(notes).toContain(FINAL_ANSWER);
    expect(notes.some((note) => note.includes(INTERNAL_ANSWER) || note.includes(FORWARD_NOTE))).toBe(false);
  });
});

describe('the integrity channel, the controladoria\'s alone', () => {
  let page: Page;

  it('the controladoria opens a report (audited), writes to the reporter and classifies it', async () => {
    page = await staffPage(controladoria);
    await page.getByRole('navigation', { name: 'Seções da gestão' }).getByRole('link', { name: 'Integridade', exact: true }).click();
    await page.getByRole('heading', { name: 'Canal de Integridade' }).waitFor();
    const item = page.locator(`[data-testid="integrity-item"][data-id="${reportId}"]`);
    await expect.poll(() => item.textContent(), SETTLED).toContain('ainda não lido');
    await expectAccessible(page);
    await item.getByRole('link').click();
    await page.getByRole('heading', { name: /^Relato de / }).waitFor();
    await page.getByText('O fiscal da obra da escola recebeu dinheiro para aprovar a medição falsa.').waitFor();
    // Identity preserved: not shown until revealed.
    await expect.poll(() => page.getByText('Joana Denunciante').count(), SETTLED).toBe(0);
    const audited = await server.storage.query(`SELECT 1 FROM staff_audit WHERE action = 'integrity_view' AND target = $1 AND account_id = $2`, [reportId, controladoria.id]);
    expect(audited.rowCount).toBe(1);

    await page.getByLabel('Mensagem ao denunciante', { exact: true }).fill(CITY_MESSAGE);
    await page.getByRole('button', { name: 'Enviar mensagem' }).click();
    await page.getByText('Mensagem enviada.', { exact: false }).waitFor();
    await page.locator('[data-testid="integrity-message"]', { hasText: CITY_MESSAGE }).waitFor();
    await expect.poll(() => page.getByTestId('integrity-status').textContent(), SETTLED).toBe('Aguardando o denunciante');

    await page.getByLabel('Categoria de risco', { exact: true }).selectOption('obras');
    await page.getByLabel('Secretaria Municipal de Infraestrutura Urbana', { exact: true }).check();
    await page.locator('#ligar-servico-tapa-buraco').waitFor();
    await page.locator('#ligar-servico-calcamento-rua').check();
    await page.getByRole('button', { name: 'Guardar a classificação' }).click();
    await page.getByText('Classificação guardada.').waitFor();
    await expect.poll(() => page.getByTestId('integrity-risk').textContent(), SETTLED).toBe('Obras e medições');
    const row = (await server.storage.query<{ risk_category: string; linked_secretariats: string[]; linked_services: string[] }>(
      'SELECT risk_category, linked_secretariats, linked_services FROM integrity_reports WHERE id = $1', [reportId])).rows[0]!;
    expect(row).toEqual({ risk_category: 'obras', linked_secretariats: ['infraestrutura'], linked_services: ['calcamento-rua'] });
  });

  it('asks to reveal the preserved identity only with a justification, which is audited, and sees nothing yet', async () => {
    await page.getByText('revelar a identidade fica registrado na auditoria', { exact: false }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Justificativa para revelar a identidade', { exact: true }).fill('preciso');
    await page.getByRole('button', { name: 'Pedir para revelar' }).click();
    await page.getByText('Explique o motivo em pelo menos 20 caracteres.').waitFor();
    await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id === 'justificativa-revelar');
    await page.getByLabel('Justificativa para revelar a identidade', { exact: true }).fill(JUSTIFICATION);
    await page.getByRole('button', { name: 'Pedir para revelar' }).click();
    await page.getByTestId('reveal-state').getByText('Seu pedido aguarda a decisão de outra pessoa da controladoria.').waitFor();
    await expect.poll(() => page.getByText('Joana Denunciante').count(), SETTLED).toBe(0);
    await expectAccessible(page);
    const audit = await server.storage.query<{ target: string }>(`SELECT target FROM staff_audit WHERE action = 'integrity_reveal_requested' AND account_id = $1`, [controladoria.id]);
    expect(audit.rows[0]!.target).toContain(JUSTIFICATION);
  });

  it('updates an action of the Integrity Plan, which everyone reads', async () => {
    await page.getByRole('navigation', { name: 'Seções da gestão' }).getByRole('link', { name: 'Plano de Integridade' }).click();
    const action = page.locator('[data-testid="plan-action"][data-id="capacitacao"]');
    await action.getByRole('heading', { name: 'Capacitar os servidores em integridade' }).waitFor();
    await expectAccessible(page);
    // A finished action is at 100%: the error is next to the progress field, which gets the focus.
    await action.getByLabel('Situação', { exact: true }).selectOption('concluida');
    await action.getByLabel('Avanço (de 0 a 100%)', { exact: true }).fill('50');
    await action.getByRole('button', { name: 'Guardar a ação' }).click();
    await action.getByText('Uma ação concluída tem 100% de avanço.').waitFor();
    await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id === 'plano-capacitacao-avanco');
    await action.getByLabel('Situação', { exact: true }).selectOption('em_andamento');
    await action.getByLabel('Avanço (de 0 a 100%)', { exact: true }).fill('30');
    await action.getByLabel('Nota para o público (opcional)', { exact: true }).fill('Primeira turma formada em novembro.');
    await action.getByRole('button', { name: 'Guardar a ação' }).click();
    await action.getByText('Ação “Capacitar os servidores em integridade” atualizada: Em andamento, 30%.').waitFor();
    await expect.poll(() => action.getByTestId('plan-status').textContent(), SETTLED).toBe('Em andamento, 30%');
    const served = (await (await fetch(`${server.url}/api/integridade/conteudo`)).json()) as { plan: { actions: { id: string; status: string; progress: number; note: string | null }[] } };
    expect(served.plan.actions.find((a) => a.id === 'capacitacao')).toMatchObject({ status: 'em_andamento', progress: 30, note: 'Primeira turma formada em novembro.' });
  });

  it('an atendente cannot open the channel: the page says so, and the server refuses', async () => {
    const other = await staffPage(atendente);
    await expect.poll(() => other.getByRole('navigation', { name: 'Seções da gestão' }).getByRole('link', { name: 'Integridade', exact: true }).count(), SETTLED).toBe(0);
    for (const path of ['/gestao/integridade', `/gestao/integridade/${reportId}`, '/gestao/plano']) {
      await other.goto(`${server.url}${path}`);
      await other.getByRole('heading', { name: 'Sem acesso a esta página' }).waitFor();
      await expect.poll(() => other.getByText('O fiscal da obra').count(), SETTLED).toBe(0);
    }
    expect((await other.context().request.get(`${server.url}/api/gestao/integridade/${reportId}`)).status()).toBe(403);
  });
});
