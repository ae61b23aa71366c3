/**
 * The Ouvidoria's steps for a manifestação (Law 13.460): triage and forwarding to the secretariat
 * concerned (which only then sees it), its internal answer back, the conclusive answer to the citizen, and
 * the 30 days extendable once by 30 with a justification the citizen reads; 5 days or less are flagged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/shared/contract/staff.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { BACKENDS, postJson, startServer, type TestServer } from '../support/server.ts';
import { signInNewAccount } from '../support/staff.ts';

describe.each(BACKENDS)('the Ouvidoria on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ backend, charter: appTestCharter() }); });
  afterAll(async () => { await server?.close(); });

  const signIn = (roles: StaffRole[], secretariats: string[]) => signInNewAccount(server.url, server.storage, roles, secretariats);

  function manifestation() {
    return {
      id: crypto.randomUUID(), kind: 'manifestation', serviceId: 'manifestacao-ouvidoria', formId: 'manifestacao-ouvidoria', formVersion: appTestCharter().forms.find((f) => f.id === 'manifestacao-ouvidoria')!.version,
      answers: { tipo: 'reclamacao', assunto: 'Posto de saúde', relato: 'O posto do bairro ficou fechado no horário de atendimento três vezes.', consentimento: true },
      attachments: [], createdAt: new Date().toISOString(),
    };
  }

  it('goes to the secretariat only when forwarded, comes back with its answer, and is answered to the citizen', async () => {
    const item = manifestation();
    expect((await postJson(`${server.url}/api/submissions`, item)).status).toBe(201);
    const ouvidoria = await signIn(['ouvidoria'], []);
    const saude = await signIn(['atendente'], ['saude']);
    const educacao = await signIn(['atendente'], ['educacao']);

    const due = (await ouvidoria.call('GET', `/api/gestao/requests/${item.id}`)).body as { dueAt: string; receivedAt: string };
    // 30 calendar days, counted in Bahia, to the end of the day.
    expect(Math.round((Date.parse(due.dueAt) - Date.parse(due.receivedAt)) / 86_400_000)).toBeGreaterThanOrEqual(30);
    // Not yet forwarded: no secretariat sees it.
    expect((await saude.call('GET', `/api/gestao/requests/${item.id}`)).status).toBe(403);
    expect(((await saude.call('GET', '/api/gestao/requests?kind=manifestation')).body as { items: unknown[] }).items).toHaveLength(0);

    expect((await ouvidoria.call('POST', `/api/gestao/requests/${item.id}/forward`, { body: { secretariatId: 'saude', note: 'Verificar o horário do posto.' } })).status).toBe(200);
    expect((await saude.call('GET', `/api/gestao/requests/${item.id}`)).status).toBe(200);
    expect((await educacao.call('GET', `/api/gestao/requests/${item.id}`)).status).toBe(403);
    // Only the Ouvidoria's forwarding moves a manifestação: a gestor's transfer is refused and changes nothing.
    const gestor = await signIn(['gestor'], ['saude']);
    const transfer = await gestor.call('POST', `/api/gestao/requests/${item.id}/transfer`, { body: { secretariatId: 'educacao', reason: 'Não é da saúde.' } });
    expect(transfer.status).toBe(422);
    expect((transfer.body as { message: string }).message).toBe('Manifestações mudam de secretaria só pelo encaminhamento da Ouvidoria.');
    expect((await server.storage.query('SELECT secretariat_id, forwarded_to FROM submissions WHERE id = $1', [item.id])).rows[0]).toMatchObject({ forwarded_to: 'saude' });
    expect((await saude.call('POST', `/api/gestao/requests/${item.id}/internal-answer`, { body: { text: 'A enfermeira estava de licença; escala refeita.' } })).status).toBe(200);
    // The secretariat answers the Ouvidoria, not the citizen.
    expect((await saude.call('POST', `/api/gestao/requests/${item.id}/status`, { body: { status: 'done', note: 'x' } })).status).toBe(403);

    const story = (await ouvidoria.call('GET', `/api/gestao/requests/${item.id}`)).body as { events: { type: string; public: boolean; text?: string }[] };
    expect(story.events.find((e) => e.type === 'internal_answer')).toMatchObject({ public: false, text: 'A enfermeira estava de licença; escala refeita.' });
    expect((await ouvidoria.call('POST', `/api/gestao/requests/${item.id}/status`, { body: { status: 'done', note: 'A escala do posto foi refeita e o horário será cumprido.' } })).status).toBe(200);
    const citizen = (await (await fetch(`${server.url}/api/submissions/${item.id}`)).json()) as { status: string; history: { note?: string }[] };
    expect(citizen.status).toBe('done');
    // Closed: not forwarded again.
    expect((await ouvidoria.call('POST', `/api/gestao/requests/${item.id}/forward`, { body: { secretariatId: 'educacao' } })).status).toBe(409);
    expect((await server.storage.query('SELECT forwarded_to FROM submissions WHERE id = $1', [item.id])).rows[0]).toEqual({ forwarded_to: 'saude' });
    expect(citizen.history.map((h) => h.note).filter(Boolean)).toEqual([
      'Sua manifestação foi encaminhada à secretaria responsável.',
      'A escala do posto foi refeita e o horário será cumprido.',
    ]);
  });

  it('extends the 30 days once, with a justification the citizen reads, and flags 5 days or less', async () => {
    const item = manifestation();
    await postJson(`${server.url}/api/submissions`, item);
    const ouvidoria = await signIn(['ouvidoria'], []);
    const before = (await ouvidoria.call('GET', `/api/gestao/requests/${item.id}`)).body as { dueAt: string };
    expect((await ouvidoria.call('POST', `/api/gestao/requests/${item.id}/extend`, { body: { justification: 'curto' } })).status).toBe(422);
    expect((await ouvidoria.call('POST', `/api/gestao/requests/${item.id}/extend`, { body: { justification: 'A apuração depende de relatório da empresa contratada.' } })).status).toBe(200);
    const after = (await ouvidoria.call('GET', `/api/gestao/requests/${item.id}`)).body as { dueAt: string; extended: boolean };
    expect(Date.parse(after.dueAt) - Date.parse(before.dueAt)).toBe(30 * 86_400_000);
    expect(after.extended).toBe(true);
    expect((await ouvidoria.call('POST', `/api/gestao/requests/${item.id}/extend`, { body: { justification: 'De novo, pela mesma razão de antes.' } })).status).toBe(409);
    const citizen = (await (await fetch(`${server.url}/api/submissions/${item.id}`)).json()) as { history: { note?: string }[]; dueAt: string };
    expect(citizen.history.at(-1)!.note).toBe('Prazo prorrogado por mais 30 dias: A apuração depende de relatório da empresa contratada.');
    expect(citizen.dueAt).toBe(after.dueAt);

    // Four days left: flagged.
    await server.storage.query(`UPDATE submissions SET due_at = now() + interval '4 days' WHERE id = $1`, [item.id]);
    const list = (await ouvidoria.call('GET', '/api/gestao/requests?kind=manifestation')).body as { items: { id: string; flag: string }[] };
    expect(list.items.find((i) => i.id === item.id)!.flag).toBe('due_soon');
  });
});
