/**
 * The controladoria's risk radar, its thresholds and weekly CSV, and the yearly report, on a small seeded
 * fixture where each signal fires for one subject and stays off for another (below its threshold or with
 * too few records): who may read them (401 without a session, 403 for other roles), thresholds changed by
 * PUT and audited, no free text nor personal data in the radar, and a past year with known counts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type RadarAnswer, type RadarSignal, type YearlyReport } from '../../src/shared/contract/radar.ts';
import type { StaffRole } from '../../src/shared/contract/staff.ts';
import { computeRadar } from '../../src/server/domain/radar.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { countingStorage } from '../support/counting-storage.ts';
import { BACKENDS, startServer, type TestServer } from '../support/server.ts';
import { signInNewAccount, type StaffClient } from '../support/staff.ts';

const DAY = 86_400_000;
/** Words that must never reach the radar: the citizens' free text and personal data in the seeded rows. */
const SECRET_TEXT = 'Texto livre sigiloso do cidadão';
const CITIZEN_NAME = 'Josefa Pereira da Silva';
const PLAN = JSON.parse(readFileSync(new URL('../../data/integrity-content.json', import.meta.url), 'utf8')) as { plan: { actions: { id: string; status: string }[] } };

interface Row {
  kind: 'request' | 'evaluation' | 'manifestation';
  service: string;
  secretariat: string;
  received: Date;
  status?: string;
  due?: Date | null;
  closed?: Date | null;
  forwardedTo?: string | null;
  answers?: Record<string, unknown>;
}

describe.each(BACKENDS)('the risk radar and the yearly report on %s', (backend) => {
  let server: TestServer;
  const now = Date.now();
  const ago = (days: number) => new Date(now - days * DAY);
  const ids: Record<string, string> = {};
  let seq = 0;

  async function insert(row: Row): Promise<string> {
    const form = row.kind === 'evaluation' ? 'avaliacao-servico' : row.kind === 'manifestation' ? 'manifestacao-ouvidoria' : row.service;
    const id = crypto.randomUUID();
    seq += 1;
    const answers = row.answers ?? { descricao: SECRET_TEXT, nome: CITIZEN_NAME };
    await server.storage.query(
      `INSERT INTO submissions (id, body_hash, kind, service_id, form_id, form_version, answers, attachments, created_at, received_at, protocol, status,
         secretariat_id, due_at, closed_at, forwarded_to)
       VALUES ($1, 'teste', $2, $3, $4, (SELECT max(version) FROM form_versions WHERE form_id = $4), $5, '[]', $6, $6, $7, $8, $9, $10, $11, $12)`,
      [id, row.kind, row.service, form, JSON.stringify(answers), row.received, `2026-9${String(seq).padStart(5, '0')}`, row.status ?? (row.closed ? 'done' : 'in_review'),
        row.secretariat, row.due ?? null, row.closed ?? null, row.forwardedTo ?? null],
    );
    return id;
  }
  const times = async (count: number, make: (i: number) => Row) => { for (let i = 0; i < count; i++) await insert(make(i)); };
  const history = async (id: string, statuses: string[]) => {
    for (const [i, status] of statuses.entries()) {
      await server.storage.query('INSERT INTO status_history (submission_id, status, at, note) VALUES ($1, $2, $3, $4)', [id, status, ago(20 - i), SECRET_TEXT]);
    }
  };
  const complaint = { tipo: 'reclamacao', relato: SECRET_TEXT, nome: CITIZEN_NAME, consentimento: true };

  async function seed(): Promise<void> {
    // 1. Overdue share: tapa-buraco 0% → 50% (fires, and its secretariat with it); iluminação 20% → 20%
    // (no rise); coleta de entulho 4 of 4 late, below the 5 requests needed.
    await times(10, (i) => ({ kind: 'request', service: 'tapa-buraco', secretariat: 'infraestrutura', received: ago(70), due: ago(31 + i * 2), closed: ago(33 + i * 2) }));
    await times(10, (i) => ({ kind: 'request', service: 'tapa-buraco', secretariat: 'infraestrutura', received: ago(40), due: ago(2 + i * 2), closed: i < 5 ? ago(4 + i * 2) : null }));
    await times(10, (i) => ({ kind: 'request', service: 'iluminacao-publica', secretariat: 'servicos-publicos', received: ago(70), due: ago(31 + i * 2), closed: i < 8 ? ago(33 + i * 2) : ago(1) }));
    await times(10, (i) => ({ kind: 'request', service: 'iluminacao-publica', secretariat: 'servicos-publicos', received: ago(40), due: ago(2 + i * 2), closed: i < 8 ? ago(4 + i * 2) : null }));
    await times(4, (i) => ({ kind: 'request', service: 'coleta-entulho', secretariat: 'servicos-publicos', received: ago(40), due: ago(2 + i) }));
    // 4. "Não atendido": poda de árvore 1 in 20 over the year → 3 in 6 now (fires); carro-pipa 1 in 10 → 1 in 6 (+6.7 points).
    await times(20, (i) => ({ kind: 'request', service: 'poda-arvore', secretariat: 'meio-ambiente', received: ago(380), closed: ago(40 + i * 15), status: i === 0 ? 'declined' : 'done' }));
    await times(6, (i) => ({ kind: 'request', service: 'poda-arvore', secretariat: 'meio-ambiente', received: ago(45), closed: ago(2 + i), status: i < 3 ? 'declined' : 'done' }));
    await times(10, (i) => ({ kind: 'request', service: 'carro-pipa', secretariat: 'agricultura', received: ago(380), closed: ago(40 + i * 20), status: i === 0 ? 'declined' : 'done' }));
    await times(6, (i) => ({ kind: 'request', service: 'carro-pipa', secretariat: 'agricultura', received: ago(45), closed: ago(2 + i), status: i === 0 ? 'declined' : 'done' }));
    // 2. Evaluations: segunda via do IPTU 5 → 3 (fires); cadastro único 4 → 4; matrícula 5 → 1 but only 2 of each.
    const grade = (nota: number) => ({ nota: String(nota), comentario: SECRET_TEXT, nome: CITIZEN_NAME });
    await times(6, (i) => ({ kind: 'evaluation', service: 'segunda-via-iptu', secretariat: 'financas', received: ago(35 + i), status: 'received', answers: grade(5) }));
    await times(6, (i) => ({ kind: 'evaluation', service: 'segunda-via-iptu', secretariat: 'financas', received: ago(2 + i), status: 'received', answers: grade(3) }));
    await times(6, (i) => ({ kind: 'evaluation', service: 'cadastro-unico', secretariat: 'desenvolvimento-social', received: ago(35 + i), status: 'received', answers: grade(4) }));
    await times(6, (i) => ({ kind: 'evaluation', service: 'cadastro-unico', secretariat: 'desenvolvimento-social', received: ago(2 + i), status: 'received', answers: grade(4) }));
    await times(2, (i) => ({ kind: 'evaluation', service: 'matricula-escolar', secretariat: 'educacao', received: ago(35 + i), status: 'received', answers: grade(5) }));
    await times(2, (i) => ({ kind: 'evaluation', service: 'matricula-escolar', secretariat: 'educacao', received: ago(2 + i), status: 'received', answers: grade(1) }));
    // 3. Complaints: saúde 1 a week for 8 weeks → 4 this week (fires); educação 2 a week → 3 this week (below twice).
    const manifestation = (forwardedTo: string, received: Date): Row => ({ kind: 'manifestation', service: 'manifestacao-ouvidoria', secretariat: 'ouvidoria', received, closed: ago(0.5), forwardedTo, answers: complaint });
    await times(8, (i) => manifestation('saude', ago(10 + i * 6)));
    await times(4, (i) => manifestation('saude', ago(1 + i)));
    await times(16, (i) => manifestation('educacao', ago(9 + i * 3)));
    await times(3, (i) => manifestation('educacao', ago(1 + i)));
    // 5. Reopened twice and transferred once (3: fires); reopened once and transferred once (2: does not).
    ids.repeated = await insert({ kind: 'request', service: 'horas-trator', secretariat: 'agricultura', received: ago(25), status: 'in_progress' });
    await history(ids.repeated, ['received', 'done', 'in_progress', 'answered', 'in_progress']);
    await server.storage.query(`INSERT INTO staff_events (submission_id, at, type, text) VALUES ($1, $2, 'transfer', $3)`, [ids.repeated, ago(3), SECRET_TEXT]);
    ids.twice = await insert({ kind: 'request', service: 'distribuicao-sementes', secretariat: 'agricultura', received: ago(25), status: 'in_progress' });
    await history(ids.twice, ['received', 'done', 'in_progress']);
    await server.storage.query(`INSERT INTO staff_events (submission_id, at, type, text) VALUES ($1, $2, 'transfer', $3)`, [ids.twice, ago(3), SECRET_TEXT]);
    // 6. Open manifestações: mobilidade's due in 3 days (fires); finanças' in 10 days (does not).
    ids.nearDeadline = await insert({ kind: 'manifestation', service: 'manifestacao-ouvidoria', secretariat: 'ouvidoria', received: ago(27), due: new Date(now + 3 * DAY), forwardedTo: 'mobilidade', answers: { ...complaint, tipo: 'solicitacao' } });
    await insert({ kind: 'manifestation', service: 'manifestacao-ouvidoria', secretariat: 'ouvidoria', received: ago(20), due: new Date(now + 10 * DAY), forwardedTo: 'financas', answers: { ...complaint, tipo: 'solicitacao' } });
    // 7. Integrity reports: 3 linked to saúde in 30 days (fires); 2 to educação (plus one 40 days ago).
    const report = async (daysAgo: number, secretariats: string[]) => {
      const id = crypto.randomUUID();
      await server.storage.query(
        `INSERT INTO integrity_reports (id, client_hash, receipt_hash, identification, key_id, contents, received_day, status, linked_secretariats)
         VALUES ($1, $2, $3, 'anonima', 'k1', $4, $5::date, 'em_analise', $6)`,
        [id, `c-${id}`, `r-${id}`, Buffer.from('selado'), ago(daysAgo).toISOString().slice(0, 10), secretariats],
      );
      return id;
    };
    ids.integrity1 = await report(2, ['saude']);
    await report(5, ['saude']);
    await report(20, ['saude', 'educacao']);
    await report(10, ['educacao']);
    await report(40, ['educacao']);

    // The yearly report's year (2024): known counts, closed in the same year.
    const y = (month: number, day: number) => new Date(Date.UTC(2024, month - 1, day, 15));
    const ouvidoria = (tipo: string, i: number, closed: Date | null, due: Date, forwardedTo: string | null = null): Row => ({
      kind: 'manifestation', service: 'manifestacao-ouvidoria', secretariat: 'ouvidoria', received: y(3, 1 + i), due, closed, forwardedTo, answers: { ...complaint, tipo },
    });
    await times(6, (i) => ouvidoria('reclamacao', i, y(3, 10 + i), y(3, 30), 'saude'));
    await times(5, (i) => ouvidoria('elogio', i, y(5, 10 + i), y(4, 1)));
    await times(5, (i) => ouvidoria('sugestao', i, null, y(4, 1)));
    await times(2, (i) => ouvidoria('denuncia', i, null, y(4, 1)));
    await times(7, (i) => ({ kind: 'request', service: 'tapa-buraco', secretariat: 'infraestrutura', received: y(6, 1 + i), due: y(6, 20), closed: i < 5 ? y(6, 10) : y(7, 1) }));
    await times(5, (i) => ({ kind: 'evaluation', service: 'segunda-via-iptu', secretariat: 'financas', received: y(8, 1 + i), status: 'received', answers: grade(4) }));
    // 2023: 6 complaints to saúde and 2 to educação — shown beside the total of 8, saúde's 6 would tell educação's 2.
    await times(6, (i) => ({ ...ouvidoria('reclamacao', i, new Date(Date.UTC(2023, 4, 20)), new Date(Date.UTC(2023, 4, 30)), 'saude'), received: new Date(Date.UTC(2023, 4, 1 + i, 15)) }));
    await times(2, (i) => ({ ...ouvidoria('reclamacao', i, new Date(Date.UTC(2023, 4, 20)), new Date(Date.UTC(2023, 4, 30)), 'educacao'), received: new Date(Date.UTC(2023, 4, 10 + i, 15)) }));
  }

  const signIn = (roles: StaffRole[], secretariats: string[] = []) => signInNewAccount(server.url, server.storage, roles, secretariats);
  let controladoria: StaffClient;

  beforeAll(async () => {
    server = await startServer({ backend, charter: appTestCharter() });
    await seed();
    controladoria = await signIn(['controladoria']);
  });
  afterAll(async () => { await server?.close(); });

  const radar = async (client: StaffClient = controladoria): Promise<RadarAnswer> => {
    const response = await client.call('GET', '/api/gestao/radar');
    expect(response.status).toBe(200);
    return response.body as RadarAnswer;
  };
  const find = (answer: RadarAnswer, kind: RadarSignal['kind'], subject: string) => answer.signals.find((s) => s.kind === kind && s.subject.id === subject);

  it('lights each signal for its subject, with figures, threshold and links, and not below the threshold', async () => {
    const answer = await radar();
    expect(answer.thresholds).toEqual(DEFAULT_THRESHOLDS);

    const overdue = find(answer, 'overdue_rising', 'tapa-buraco')!;
    expect(overdue).toMatchObject({ subject: { type: 'service', name: 'Conserto de buraco na rua (tapa-buraco)', secretariatId: 'infraestrutura' }, threshold: { overdueRisePoints: 10, minRequests: 5 } });
    expect(overdue.figures).toMatchObject({ overdueShare: 0.5, overdueSharePrevious: 0, risePoints: 50, dueRecent: 10, missedRecent: 5 });
    expect(overdue.links.queue).toBe('/gestao/pedidos?service=tapa-buraco&overdue=1');
    expect(find(answer, 'overdue_rising', 'infraestrutura')?.subject.type).toBe('secretariat');
    expect(find(answer, 'overdue_rising', 'iluminacao-publica')).toBeUndefined();
    expect(find(answer, 'overdue_rising', 'coleta-entulho')).toBeUndefined();
    // The secretariat as a whole: 2 of 10 late before, 6 of 14 now (its two services together).
    expect(find(answer, 'overdue_rising', 'servicos-publicos')?.figures).toMatchObject({ dueRecent: 14, missedRecent: 6, overdueSharePrevious: 0.2 });

    const declined = find(answer, 'declined_rising', 'poda-arvore')!;
    expect(declined.figures).toMatchObject({ declinedShare: 0.5, declinedShareUsual: 0.05, closedRecent: 6, declinedRecent: 3 });
    expect(declined.links.queue).toMatch(/^\/gestao\/pedidos\?service=poda-arvore&status=declined&from=\d{4}-\d{2}-\d{2}$/);
    expect(find(answer, 'declined_rising', 'carro-pipa')).toBeUndefined();

    const evaluations = find(answer, 'evaluations_falling', 'segunda-via-iptu')!;
    expect(evaluations.figures).toMatchObject({ average: 3, averagePrevious: 5, drop: 2, evaluations: 6, evaluationsPrevious: 6 });
    expect(evaluations.threshold).toEqual({ evaluationDrop: 0.5, minEvaluations: 5 });
    expect(find(answer, 'evaluations_falling', 'cadastro-unico')).toBeUndefined();
    expect(find(answer, 'evaluations_falling', 'matricula-escolar')).toBeUndefined();

    const spike = find(answer, 'complaints_spike', 'saude')!;
    expect(spike.figures).toMatchObject({ complaints: 4, weeklyAverage: 1, factor: 4 });
    expect(spike.links.requests).toHaveLength(4);
    expect(find(answer, 'complaints_spike', 'educacao')).toBeUndefined();

    const repeated = find(answer, 'repeated_changes', 'horas-trator')!;
    expect(repeated.figures).toMatchObject({ requests: 1, reopenings: 2, transfers: 1, mostChanges: 3 });
    expect(repeated.links.requests.map((r) => r.id)).toEqual([ids.repeated]);
    expect(answer.signals.some((s) => s.links.requests.some((r) => r.id === ids.twice))).toBe(false);

    const deadline = find(answer, 'manifestation_deadline', 'mobilidade')!;
    expect(deadline.figures).toMatchObject({ manifestations: 1, overdue: 0, dueSoon: 1 });
    expect(deadline.links.requests.map((r) => r.id)).toEqual([ids.nearDeadline]);
    expect(find(answer, 'manifestation_deadline', 'financas')).toBeUndefined();
    // The yearly report's open manifestações (2024), never forwarded: the Ouvidoria's own, long overdue.
    expect(find(answer, 'manifestation_deadline', 'ouvidoria')?.figures).toMatchObject({ manifestations: 7, overdue: 7 });

    const integrity = find(answer, 'integrity_cluster', 'saude')!;
    expect(integrity.figures).toEqual({ reports: 3 });
    expect(integrity.links.integrityReports).toContain(ids.integrity1);
    expect(find(answer, 'integrity_cluster', 'educacao')).toBeUndefined();

    // Figures, names and links only: nothing the citizen wrote, no name, no sealed content.
    const text = JSON.stringify(answer);
    expect(text).not.toContain(SECRET_TEXT);
    expect(text).not.toContain(CITIZEN_NAME);
    expect(text).not.toContain('selado');
  });

  it('reads every signal in one grouped query each, none per secretariat (a complaints spike\'s records included)', async () => {
    const counted = countingStorage(server.storage);
    const signals = await computeRadar(counted.storage, appTestCharter(), DEFAULT_THRESHOLDS, new Date(), { integrityIds: true });
    expect(signals.some((s) => s.kind === 'complaints_spike' && s.links.requests.length > 0)).toBe(true);
    // Requests, evaluations, complaints, reopenings and transfers, manifestações near their deadline, integrity.
    expect(counted.queries()).toBe(6);
  });

  it('changes thresholds by PUT, refuses bad ones in pt-BR, and audits every change', async () => {
    const refused = await controladoria.call('PUT', '/api/gestao/radar/limiares', { body: { ...DEFAULT_THRESHOLDS, overdueRisePoints: 0 } });
    expect(refused.status).toBe(422);
    const body = refused.body as { message: string; fields: Record<string, string> };
    expect(body.message).toContain('Alta de atrasos (pontos percentuais): o mínimo é 1.');
    expect((await controladoria.call('PUT', '/api/gestao/radar/limiares', { body: { overdueRisePoints: 20 } })).status).toBe(422);
    expect((await controladoria.call('PUT', '/api/gestao/radar/limiares', { body: { ...DEFAULT_THRESHOLDS, evaluationDrop: '0.5' } })).status).toBe(422);
    expect((await controladoria.call('PUT', '/api/gestao/radar/limiares', { body: { ...DEFAULT_THRESHOLDS, extra: 1 } })).status).toBe(422);

    const changed = await controladoria.call('PUT', '/api/gestao/radar/limiares', { body: { ...DEFAULT_THRESHOLDS, overdueRisePoints: 60, evaluationDrop: 2.5 } });
    expect(changed.status).toBe(200);
    const after = await radar();
    expect(after.thresholds).toMatchObject({ overdueRisePoints: 60, evaluationDrop: 2.5 });
    expect(after.thresholdsUpdatedAt).not.toBeNull();
    expect(find(after, 'overdue_rising', 'tapa-buraco')).toBeUndefined();
    expect(find(after, 'evaluations_falling', 'segunda-via-iptu')).toBeUndefined();
    expect(find(after, 'declined_rising', 'poda-arvore')).toBeDefined();

    const audit = await server.storage.query<{ account_id: string; target: string }>(`SELECT account_id, target FROM staff_audit WHERE action = 'radar_thresholds' ORDER BY id`);
    expect(audit.rows).toEqual([{ account_id: controladoria.accountId, target: 'overdueRisePoints: 10 → 60; evaluationDrop: 0.5 → 2.5' }]);

    expect((await controladoria.call('PUT', '/api/gestao/radar/limiares', { body: DEFAULT_THRESHOLDS })).status).toBe(200);
    expect(find(await radar(), 'overdue_rising', 'tapa-buraco')).toBeDefined();
    expect((await server.storage.query(`SELECT 1 FROM staff_audit WHERE action = 'radar_thresholds'`)).rowCount).toBe(2);
  });

  it('sends the weekly digest as CSV, audited', async () => {
    const response = await controladoria.call('GET', '/api/gestao/radar/semanal.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="radar-semanal-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = new Uint8Array(response.bytes);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM, so a spreadsheet reads the accents
    const csv = response.text;
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('semana_de,semana_ate,sinal,titulo,assunto_tipo,assunto_id,assunto,secretaria,valores,limiares,protocolos,fila,relatos_integridade');
    expect(lines.length - 1).toBe((await radar()).signals.length);
    expect(csv).toContain('"overdue_rising","Atrasos em alta","servico","tapa-buraco","Conserto de buraco na rua (tapa-buraco)","infraestrutura"');
    expect(csv).not.toContain(SECRET_TEXT);
    expect((await server.storage.query(`SELECT 1 FROM staff_audit WHERE action = 'radar_export' AND account_id = $1`, [controladoria.accountId])).rowCount).toBe(1);
  });

  it('is the controladoria\'s: 401 without a session, 403 for the other roles', async () => {
    for (const path of ['/radar', '/radar/semanal.csv', '/relatorio-anual?ano=2024']) {
      expect((await fetch(`${server.url}/api/gestao${path}`)).status).toBe(401);
    }
    expect((await fetch(`${server.url}/api/gestao/radar/limiares`, { method: 'PUT', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify(DEFAULT_THRESHOLDS) })).status).toBe(401);
    for (const roles of [['atendente'], ['gestor'], ['admin'], ['ouvidoria']] as StaffRole[][]) {
      const client = await signIn(roles, ['saude']);
      expect((await client.call('GET', '/api/gestao/radar')).status, roles.join()).toBe(403);
      expect((await client.call('GET', '/api/gestao/radar/semanal.csv')).status, roles.join()).toBe(403);
      expect((await client.call('PUT', '/api/gestao/radar/limiares', { body: { ...DEFAULT_THRESHOLDS, minRequests: 1 } })).status, roles.join()).toBe(403);
      expect((await client.call('GET', '/api/gestao/relatorio-anual?ano=2024')).status, roles.join()).toBe(roles[0] === 'ouvidoria' ? 200 : 403);
    }
    expect((await radar()).thresholds.minRequests).toBe(DEFAULT_THRESHOLDS.minRequests);
  });

  it('makes the yearly report of a past year with its known counts', async () => {
    const response = await controladoria.call('GET', '/api/gestao/relatorio-anual?ano=2024');
    expect(response.status).toBe(200);
    const report = response.body as YearlyReport;
    expect(report).toMatchObject({ year: 2024, from: '2024-01-01', to: '2024-12-31' });
    const types = Object.fromEntries(report.manifestationsByType.map((t) => [t.tipo, t.count]));
    expect(types).toEqual({ reclamacao: 6, denuncia: null, elogio: 5, sugestao: 5, solicitacao: null, simplifique: null });
    expect(report.manifestationsByType.find((t) => t.tipo === 'reclamacao')!.label).toBe('Reclamação');
    expect(report.manifestationsTotal).toBe(18);
    expect(Object.fromEntries(report.manifestationsByOutcome.map((o) => [o.outcome, o.count]))).toEqual({ open: 7, answered: 11, declined: null });
    expect(report.manifestationsClosed).toBe(11);
    expect(report.manifestationsOnTimeShare).toBe(0.545);
    expect(report.complaintsRanking[0]).toEqual({ secretariatId: 'saude', name: expect.any(String), complaints: 6 });
    expect(report.complaintsRanking.slice(1).every((c) => c.complaints === null)).toBe(true);
    expect(report.complaintsNotForwarded).toBeNull();
    const infra = report.secretariats.find((s) => s.id === 'infraestrutura')!;
    // 5 of 7 on time: 2 late, under 5, so the share is not published (issue 15, finding 9).
    expect(infra).toMatchObject({ received: 7, closed: 7, onTimeShare: null });
    expect(report.secretariats.find((s) => s.id === 'financas')).toMatchObject({ evaluations: 5, evaluationAverage: 4 });
    expect(report.integrityReports).toBeNull();
    expect(report.plan!.actions.map((a) => [a.id, a.status])).toEqual(PLAN.plan.actions.map((a) => [a.id, a.status]));
    expect(JSON.stringify(report)).not.toContain(SECRET_TEXT);

    // The current year when none is given.
    const current = (await controladoria.call('GET', '/api/gestao/relatorio-anual')).body as YearlyReport;
    expect(current.year).toBe(Number(new Date(now - 3 * 3600_000).toISOString().slice(0, 4)));
  });

  it('protects the yearly complaints ranking against the year\'s total, hidden counts last by name', async () => {
    const report = (await controladoria.call('GET', '/api/gestao/relatorio-anual?ano=2023')).body as YearlyReport;
    expect(report.manifestationsByType.find((t) => t.tipo === 'reclamacao')!.count).toBe(8);
    expect(report.complaintsRanking.every((c) => c.complaints === null)).toBe(true);
    const names = report.complaintsRanking.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'pt-BR')));
  });

  it('answers a bad year with a 400 in pt-BR', async () => {
    for (const ano of ['1999', '3000', 'abc', '20245', '2024.0']) {
      const response = await controladoria.call('GET', `/api/gestao/relatorio-anual?ano=${ano}`);
      expect(response.status, ano).toBe(400);
      const body = response.body as { error: string; message: string };
      expect(body.error).toBe('invalid_year');
      expect(body.message).toMatch(/^Ano inválido: informe um ano com quatro algarismos, de 2000 a \d{4}/);
    }
  });
});
