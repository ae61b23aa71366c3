/**
 * The Code of Ethics and the Integrity Plan: its own schema and import validation, served like the charter
 * (ETag, 304), and the plan's progress updated by the controladoria and seen by everyone.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrityContentSchema } from '../../src/shared/contract/integrity-content.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { signInNewAccount } from '../support/staff.ts';

const SAMPLE = JSON.parse(readFileSync(new URL('../../data/integrity-content.json', import.meta.url), 'utf8'));

describe('importing the Code of Ethics and the Integrity Plan', () => {
  it('accepts the sample and refuses what would mislead, naming every problem', () => {
    expect(parseContract(IntegrityContentSchema, SAMPLE).ok).toBe(true);
    const broken = structuredClone(SAMPLE);
    broken.ethicsCode.articles[1].number = broken.ethicsCode.articles[0].number;
    broken.plan.actions[0].status = 'concluida';
    broken.plan.actions[0].progress = 40;
    broken.plan.actions[1].deadline = '31/12/2026';
    broken.ethicsCode.articles[2].summary = '';
    const result = parseContract(IntegrityContentSchema, broken, { maxErrors: Infinity });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fields['plan.actions.1.deadline']).toMatch(/AAAA-MM-DD/);
    expect(result.fields['ethicsCode.articles.2.summary']).toMatch(/vazio/);
  });

  it('refuses two articles with one number and a finished action not at 100 %', () => {
    const sameNumber = structuredClone(SAMPLE);
    sameNumber.ethicsCode.articles[1].number = sameNumber.ethicsCode.articles[0].number;
    expect(parseContract(IntegrityContentSchema, sameNumber)).toMatchObject({ ok: false, fields: { '(raiz)': 'Há artigos com o mesmo número.' } });
    const unfinished = structuredClone(SAMPLE);
    unfinished.plan.actions[0].status = 'concluida';
    unfinished.plan.actions[0].progress = 40;
    expect(parseContract(IntegrityContentSchema, unfinished)).toMatchObject({ ok: false, fields: { '(raiz)': 'Uma ação concluída tem 100% de avanço.' } });
  });
});

describe('serving it, and the plan\'s progress', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => { await server?.close(); });

  it('serves it with a strong ETag and 304, and a new ETag after the controladoria updates an action', async () => {
    const first = await fetch(`${server.url}/api/integridade/conteudo`);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const body = await first.json() as { plan: { actions: { id: string; progress: number; updatedAt: string | null }[] } };
    expect(body.plan.actions.find((a) => a.id === 'capacitacao')).toMatchObject({ progress: 0, updatedAt: null });
    expect((await fetch(`${server.url}/api/integridade/conteudo`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const controladoria = await signInNewAccount(server.url, server.storage, ['controladoria']);
    const base = { 'content-type': 'application/json', origin: server.url };
    const cookie = `${controladoria.cookieName}=${controladoria.token}`;
    const csrfToken = controladoria.csrf!;
    const headers = { ...base, cookie, 'x-csrf-token': csrfToken };
    const bad = await fetch(`${server.url}/api/gestao/plano/capacitacao`, { method: 'POST', headers, body: JSON.stringify({ status: 'concluida', progress: 50 }) });
    expect(bad.status).toBe(422);
    const ok = await fetch(`${server.url}/api/gestao/plano/capacitacao`, { method: 'POST', headers, body: JSON.stringify({ status: 'em_andamento', progress: 35, note: 'Primeira turma formada.' }) });
    expect(ok.status).toBe(200);
    expect((await fetch(`${server.url}/api/gestao/plano/nao-existe`, { method: 'POST', headers, body: JSON.stringify({ status: 'em_andamento', progress: 10 }) })).status).toBe(404);

    const after = await fetch(`${server.url}/api/integridade/conteudo`, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    const updated = await after.json() as { plan: { actions: { id: string; status: string; progress: number; note: string | null; updatedAt: string | null }[] } };
    expect(updated.plan.actions.find((a) => a.id === 'capacitacao')).toMatchObject({ status: 'em_andamento', progress: 35, note: 'Primeira turma formada.', updatedAt: expect.any(String) });
    const audited = await server.storage.query(`SELECT 1 FROM staff_audit WHERE action = 'plan_updated' AND target = 'capacitacao'`);
    expect(audited.rowCount).toBe(1);
  });
});
