/**
 * The transparency panel's numbers, worked out by hand (issue 12, "What must show"). A fixture with fixed
 * dates goes in through the app's own functions (insertSubmissions with the due date the citizen API
 * computes, setSubmissionStatus and refreshDueDate as the staff and citizen routes call them, acceptReport
 * for the integrity channel), and every expected figure below is a literal with its arithmetic beside it.
 *
 * The clock: NOW is Monday 2026-11-30, 12:00 in Bahia (15:00 UTC). So the periods are
 * "ultimos-30-dias" from 2026-10-31T15:00Z, "ultimos-12-meses" from 2025-12-01 (Bahia) and the years 2026
 * and 2025 (there is data in December 2025). Holidays that matter: 2026-09-07 (Independência, Monday),
 * 2026-10-12 (Aparecida, Monday), 2026-11-02 (Finados, Monday), 2026-11-09 (the city's anniversary,
 * municipal, Monday), 2026-11-20 (Consciência Negra, Friday).
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharterCache } from '../../src/server/domain/current-charter.ts';
import { deadlinesFor } from '../../src/server/domain/deadlines.ts';
import { IntegrityKeys } from '../../src/server/domain/integrity/crypto.ts';
import { acceptReport } from '../../src/server/domain/integrity/reports.ts';
import { mixHeld } from '../../src/server/domain/integrity/mixer.ts';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import { insertSubmissions, setSubmissionStatus } from '../../src/server/storage/submission-store.ts';
import type { Storage } from '../../src/server/storage/types.ts';
import { computeSnapshot, measure } from '../../src/server/domain/transparency/snapshot.ts';
import { openDataRows } from '../../src/server/domain/transparency/open-data.ts';
import type { RawEntry, RawPeriod, RawSnapshot } from '../../src/server/domain/transparency/raw-snapshot.ts';
import type { SubmissionStatus } from '../../src/shared/contract/status.ts';
import {
  DATA_DICTIONARY, LESS_THAN_FIVE, promiseKeptText, type Metrics, type OpenDataRow, type PanelEntry, type PanelServices, type PanelSnapshot, type PanelSummary,
} from '../../src/shared/contract/transparency.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { BACKENDS, openTestStorage, startServer, type TestServer, type TestStorage } from '../support/server.ts';

const NOW = new Date('2026-11-30T15:00:00.000Z');
const charter = appTestCharter();

// Personal data and free text the fixture carries; none of it may reach a published file.
const SECRETS = {
  name: 'Zuleide Quintanilha Bezerra',
  cpf: '529.982.247-25',
  cpfDigits: '52998224725',
  phone: '(77) 98123-4567',
  email: 'zuleide.quintanilha@exemplo.com.br',
  street: 'Rua Xiquexique do Sertão',
  text: 'Cratera enorme em frente ao mercadinho do Seu Abdias',
  comment: 'Atendente Genoveva foi grosseira comigo',
  story: 'O fiscal Belarmino cobrou propina na obra da creche',
};

type Step = [SubmissionStatus, string];

interface Seeded {
  ids: Map<string, string>;
  protocols: string[];
}

/** Seeds the fixture; returns the ids by label (T1…, O1…) to check due dates and change a status later. */
async function seed(storage: Storage): Promise<Seeded> {
  await installCharter(storage, charter);
  const charters = new CharterCache(storage);
  const deadlines = deadlinesFor(storage, charters);
  const ids = new Map<string, string>();
  const protocols: string[] = [];

  async function submit(label: string, kind: 'request' | 'evaluation' | 'manifestation', serviceId: string, receivedAt: string, answers: Record<string, unknown>, steps: Step[] = [], forwardedTo?: string) {
    const service = charter.services.find((s) => s.id === serviceId)!;
    const formId = kind === 'evaluation' ? 'avaliacao-servico' : service.formId!;
    const form = charter.forms.find((f) => f.id === formId)!;
    const received = new Date(receivedAt);
    const id = crypto.randomUUID();
    ids.set(label, id);
    const [result] = await insertSubmissions(storage, [{
      submission: { id, kind, serviceId, formId, formVersion: form.version, answers: answers as never, attachments: [], createdAt: received.toISOString() },
      bodyHash: randomBytes(16).toString('hex'),
      secretariatId: service.secretariatId,
      // As the citizen API does (accept-submission.ts): no due date for an evaluation.
      dueAt: kind === 'evaluation' ? null : deadlines.dueDate(service, received, charter),
      district: null,
      village: null,
      followUpHash: null,
    }], received);
    if (result?.status !== 'inserted') throw new Error(`${label} was not inserted`);
    protocols.push(result.stored.protocol);
    // As the Ouvidoria's forward route does.
    if (forwardedTo) await storage.query('UPDATE submissions SET forwarded_to = $2 WHERE id = $1', [id, forwardedTo]);
    for (const [status, at] of steps) {
      await setSubmissionStatus(storage, id, status, status === 'waiting_citizen' ? `Pergunta para ${SECRETS.name}` : undefined, new Date(at));
      // The staff route refreshes the due date after a question, the citizen's reply route after the answer
      // (and after any other status, which changes nothing without a pause).
      if (steps.some(([s]) => s === 'waiting_citizen')) await deadlines.refreshDueDate(id);
    }
  }

  const personal = {
    nome: SECRETS.name, cpf: SECRETS.cpf, telefone: SECRETS.phone, email: SECRETS.email, endereco: SECRETS.street,
    local: { district: 'sede', village: 'Centro' }, consentimento: true,
  };
  const pothole = { ...personal, tamanho: 'cratera', referencia: SECRETS.text };
  const done = (at: string): Step[] => [['in_progress', at], ['done', at]];

  // ---- infraestrutura / tapa-buraco: 15 business days.
  // T1, T2: received Friday 2026-10-09 10:00 (Bahia), the eve of Aparecida (Mon 10-12). Business days after
  // 10-09: 10-13 … 10-30 are 14 (10-12 skipped), Finados (11-02) skipped, 11-03 is the 15th: due
  // 2026-11-03 23:59:59.999 Bahia = 2026-11-04T02:59:59.999Z (without the holidays it would be 10-30).
  await submit('T1', 'request', 'tapa-buraco', '2026-10-09T13:00:00Z', pothole, done('2026-11-03T20:00:00Z')); // on time (17:00 on the due day)
  await submit('T2', 'request', 'tapa-buraco', '2026-10-09T13:00:00Z', pothole, done('2026-11-04T11:00:00Z')); // late (08:00 the day after)
  // T3: received Mon 10-19 09:00. Unpaused it would be due 11-11 (11-02 and 11-09 skipped). The city asks a
  // question Tue 10-20 10:00, the citizen answers Thu 10-22 10:00: the ends of 10-20 and 10-21 fall in the
  // pause, so two business days are given back: due 11-13. Concluded Fri 11-13 15:00: on time only because
  // of the pause. Paused 2 days = 172,800 s.
  await submit('T3', 'request', 'tapa-buraco', '2026-10-19T12:00:00Z', pothole, [
    ['waiting_citizen', '2026-10-20T13:00:00Z'], ['in_progress', '2026-10-22T13:00:00Z'], ['done', '2026-11-13T18:00:00Z'],
  ]);
  await submit('T4', 'request', 'tapa-buraco', '2026-10-28T12:00:00Z', pothole, done('2026-11-05T12:00:00Z')); //  8 days, due 11-23: on time
  await submit('T5', 'request', 'tapa-buraco', '2026-10-28T12:00:00Z', pothole, done('2026-11-10T12:00:00Z')); // 13 days, on time
  await submit('T6', 'request', 'tapa-buraco', '2026-11-03T12:00:00Z', pothole, done('2026-11-05T12:00:00Z')); //  2 days, on time
  await submit('T7', 'request', 'tapa-buraco', '2026-11-03T12:00:00Z', pothole, [['declined', '2026-11-06T12:00:00Z']]); // 3 days, on time, não atendido
  await submit('T8', 'request', 'tapa-buraco', '2026-11-04T12:00:00Z', pothole, done('2026-11-09T12:00:00Z')); //  5 days, on time
  await submit('T9', 'request', 'tapa-buraco', '2026-10-01T12:00:00Z', pothole, done('2026-11-02T12:00:00Z')); // 32 days, due 10-23: late
  await submit('T10', 'request', 'tapa-buraco', '2026-10-01T12:00:00Z', pothole, done('2026-11-11T12:00:00Z')); // 41 days, late
  // Open today. O3, O4, O8, O9, O10 received 10-02 … 10-08 are due 10-26 … 10-29: overdue. O5 waits for the
  // citizen (past its date, but paused: not overdue). O11 received Thu 11-05 is due today, 11-30 (11-09 and
  // 11-20 skipped): not overdue at noon. O1, O2, O6, O7 are due in December.
  await submit('O1', 'request', 'tapa-buraco', '2026-11-10T12:00:00Z', pothole);
  await submit('O2', 'request', 'tapa-buraco', '2026-11-12T12:00:00Z', pothole, [['in_progress', '2026-11-13T12:00:00Z']]);
  await submit('O3', 'request', 'tapa-buraco', '2026-10-02T12:00:00Z', pothole, [['in_review', '2026-10-03T12:00:00Z']]);
  await submit('O4', 'request', 'tapa-buraco', '2026-10-05T12:00:00Z', pothole, [['in_progress', '2026-10-06T12:00:00Z']]);
  await submit('O5', 'request', 'tapa-buraco', '2026-10-06T12:00:00Z', pothole, [['waiting_citizen', '2026-10-08T12:00:00Z']]);
  await submit('O6', 'request', 'tapa-buraco', '2026-11-16T12:00:00Z', pothole);
  await submit('O7', 'request', 'tapa-buraco', '2026-11-17T12:00:00Z', pothole);
  await submit('O8', 'request', 'tapa-buraco', '2026-10-07T12:00:00Z', pothole);
  await submit('O9', 'request', 'tapa-buraco', '2026-10-07T12:00:00Z', pothole);
  await submit('O10', 'request', 'tapa-buraco', '2026-10-08T12:00:00Z', pothole, [['in_review', '2026-10-09T12:00:00Z']]);
  await submit('O11', 'request', 'tapa-buraco', '2026-11-05T12:00:00Z', pothole, [['in_progress', '2026-11-06T12:00:00Z']]);

  // ---- servicos-publicos: all received Tue 2026-09-01 09:00 and closed in September.
  // iluminacao-publica (5 business days, 09-07 skipped: due 09-09): 2 and 3 days on time, 9 days late.
  for (const [label, closed] of [['I1', '2026-09-03'], ['I2', '2026-09-04'], ['I3', '2026-09-10']] as const) {
    await submit(label, 'request', 'iluminacao-publica', '2026-09-01T12:00:00Z', { ...personal, problema: 'apagada' }, done(`${closed}T12:00:00Z`));
  }
  // coleta-entulho (10 business days: due 09-16): 1, 2, 3, 7, 8, 9, 10 days on time; C8 declined after 16 days, late.
  for (const [label, closed] of [['C1', '02'], ['C2', '03'], ['C3', '04'], ['C4', '08'], ['C5', '09'], ['C6', '10'], ['C7', '11']] as const) {
    await submit(label, 'request', 'coleta-entulho', '2026-09-01T12:00:00Z', { ...personal, volume: 2 }, done(`2026-09-${closed}T12:00:00Z`));
  }
  await submit('C8', 'request', 'coleta-entulho', '2026-09-01T12:00:00Z', { ...personal, volume: 2 }, [['declined', '2026-09-17T12:00:00Z']]);

  // ---- agricultura: open requests received Mon 2026-11-16 (none due before December): carro-pipa 6,
  // horas-trator 3, distribuicao-sementes 7, manutencao-estrada-vicinal none.
  for (const [serviceId, count] of [['carro-pipa', 6], ['horas-trator', 3], ['distribuicao-sementes', 7]] as const) {
    for (let i = 1; i <= count; i++) await submit(`${serviceId}-${i}`, 'request', serviceId, '2026-11-16T12:00:00Z', personal);
  }

  // ---- saude / agendamento-consulta: 3 in December 2025 and 6 in June 2026, all closed two days later.
  for (let i = 1; i <= 3; i++) await submit(`D${i}`, 'request', 'agendamento-consulta', '2025-12-10T12:00:00Z', personal, done('2025-12-12T12:00:00Z'));
  for (let i = 1; i <= 6; i++) await submit(`J${i}`, 'request', 'agendamento-consulta', '2026-06-10T12:00:00Z', personal, done('2026-06-12T12:00:00Z'));

  // ---- Evaluations of tapa-buraco in November 2026.
  const evaluations: [string, string[], string[]][] = [
    ['5', ['prazo', 'cortesia'], []],
    ['4', ['prazo'], ['clareza']],
    ['5', ['cortesia', 'resultado'], []],
    ['2', [], ['prazo', 'clareza']],
    ['3', ['acesso'], ['prazo']],
    ['4', ['prazo', 'resultado'], []],
  ];
  for (const [i, [nota, good, bad]] of evaluations.entries()) {
    await submit(`E${i + 1}`, 'evaluation', 'tapa-buraco', `2026-11-${String(20 + i).padStart(2, '0')}T12:00:00Z`, {
      nota, pontosPositivos: good, pontosNegativos: bad, comentario: SECRETS.comment, identificar: true, nome: SECRETS.name, email: SECRETS.email,
    });
  }

  // ---- Manifestações to the Ouvidoria in November 2026: 12 reclamações (6 forwarded to infraestrutura,
  // 5 to servicos-publicos, 1 to saude), 5 elogios, 2 sugestões.
  const manifestation = (tipo: string) => ({ tipo, assunto: SECRETS.street, relato: SECRETS.story, identificar: true, nome: SECRETS.name, cpf: SECRETS.cpf, consentimento: true });
  const forwards = [...Array(6).fill('infraestrutura'), ...Array(5).fill('servicos-publicos'), 'saude'] as string[];
  for (const [i, to] of forwards.entries()) await submit(`R${i + 1}`, 'manifestation', 'manifestacao-ouvidoria', '2026-11-18T12:00:00Z', manifestation('reclamacao'), [['in_review', '2026-11-19T12:00:00Z']], to);
  for (let i = 1; i <= 5; i++) await submit(`EL${i}`, 'manifestation', 'manifestacao-ouvidoria', '2026-11-18T12:00:00Z', manifestation('elogio'));
  for (let i = 1; i <= 2; i++) await submit(`SU${i}`, 'manifestation', 'manifestacao-ouvidoria', '2026-11-18T12:00:00Z', manifestation('sugestao'));

  // ---- Integrity reports, kept by day only: 6 in November 2026, 2 in October 2026.
  const keys = new IntegrityKeys(randomBytes(32));
  const days = [...Array(6).fill('2026-11-25T15:00:00Z'), '2026-10-14T15:00:00Z', '2026-10-15T15:00:00Z'] as string[];
  for (const day of days) {
    const outcome = await acceptReport({ storage, charters, keys }, {
      id: crypto.randomUUID(), formId: 'denuncia-integridade', formVersion: charter.forms.find((f) => f.id === 'denuncia-integridade')!.version, identification: 'anonimo',
      answers: { tipo: 'propina', orgao: 'infraestrutura', relato: SECRETS.story, consentimento: true }, files: [],
    }, new Date(day));
    if (outcome.status !== 201) throw new Error(`integrity report refused: ${JSON.stringify(outcome)}`);
  }
  // Received reports wait in the mixer's inbox: mixed in, they keep their day.
  await mixHeld(storage, keys);
  return { ids, protocols };
}

const entry = (list: PanelEntry[], id: string) => list.find((e) => e.id === id)!;
const period = (e: PanelEntry, key: string): Metrics => e.periods[key]!;

/**
 * The attacker's check: in every group of published figures where a total sits beside parts that add up to
 * it, what the hidden parts add up to (total minus the shown parts) must be 0 or at least 5.
 */
function recoverable(snapshot: PanelSnapshot): string[] {
  const found: string[] = [];
  const check = (what: string, total: number | null, parts: (number | null)[]) => {
    if (total === null) return;
    const rest = total - parts.reduce<number>((sum, p) => sum + (p ?? 0), 0);
    const hidden = parts.filter((p) => p === null).length;
    if (rest > 0 && rest < 5) found.push(`${what}: ${rest} hidden in ${hidden} cells`);
  };
  const year = String(new Date(snapshot.computedAt).getUTCFullYear());
  const all: PanelEntry[] = [...snapshot.secretariats, ...snapshot.services];
  for (const metric of ['received', 'closed'] as const) {
    for (const s of snapshot.secretariats) {
      const parts = snapshot.services.filter((v) => v.secretariatId === s.id);
      for (const p of Object.keys(s.periods)) check(`${s.id} ${p} ${metric}`, s.periods[p]![metric], parts.map((v) => v.periods[p]![metric]));
      s.trend.forEach((m, i) => check(`${s.id} ${m.month} ${metric}`, m[metric], parts.map((v) => v.trend[i]![metric])));
    }
    for (const e of all) {
      check(`${e.id} 12 months ${metric}`, e.periods['ultimos-12-meses']![metric], e.trend.map((m) => m[metric]));
      check(`${e.id} ${year} ${metric}`, e.periods[year]![metric], e.trend.filter((m) => m.month.startsWith(year)).map((m) => m[metric]));
      check(`${e.id} 12 months − ${year} ${metric}`, e.periods['ultimos-12-meses']![metric], [e.periods[year]![metric], ...e.trend.filter((m) => !m.month.startsWith(year)).map((m) => m[metric])]);
    }
  }
  for (const s of snapshot.secretariats) {
    check(`${s.id} open`, s.open, snapshot.services.filter((v) => v.secretariatId === s.id).map((v) => v.open));
    check(`${s.id} overdue`, s.overdue, snapshot.services.filter((v) => v.secretariatId === s.id).map((v) => v.overdue));
  }
  check('reclamações', snapshot.manifestations['ultimos-12-meses']!.reclamacao!, [...snapshot.complaintsRanking.map((c) => c.complaints), snapshot.complaintsNotForwarded]);
  return found;
}

describe.each(BACKENDS)('the transparency panel figures on %s', (backend) => {
  let owned: TestStorage;
  let server: TestServer;
  let seeded: Seeded;
  let snapshot: PanelSnapshot;
  /** The figures as read, before the small-count rule: where the arithmetic is checked. */
  let raw: RawSnapshot;
  const rawPeriod = (entries: RawEntry[], id: string, key: string): RawPeriod => entries.find((e) => e.id === id)!.periods[raw.periods.findIndex((p) => p.key === key)]!;

  beforeAll(async () => {
    owned = await openTestStorage(backend);
    seeded = await seed(owned.storage);
    snapshot = await computeSnapshot(owned.storage, charter, NOW);
    raw = await measure(owned.storage, charter, NOW);
    server = await startServer({ storage: owned.storage, charter: false, transparency: { now: () => NOW, checkEveryMs: 50 } });
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    await owned?.dispose();
  });

  it('stores the due dates the business-day rules give (holidays skipped, the pause given back)', async () => {
    const due = async (label: string) => {
      const row = (await owned.storage.query<{ due_at: Date; paused_seconds: number }>('SELECT due_at, paused_seconds FROM submissions WHERE id = $1', [seeded.ids.get(label)])).rows[0]!;
      return [row.due_at.toISOString(), Number(row.paused_seconds)];
    };
    expect(await due('T1')).toEqual(['2026-11-04T02:59:59.999Z', 0]);
    expect(await due('T3')).toEqual(['2026-11-14T02:59:59.999Z', 172_800]);
    expect(await due('T9')).toEqual(['2026-10-24T02:59:59.999Z', 0]);
    expect(await due('O11')).toEqual(['2026-12-01T02:59:59.999Z', 0]);
    expect(await due('I1')).toEqual(['2026-09-10T02:59:59.999Z', 0]);
  });

  it('has the periods of the injected clock', () => {
    expect(snapshot.computedAt).toBe('2026-11-30T15:00:00.000Z');
    expect(snapshot.periods.map((p) => [p.key, p.from])).toEqual([
      ['ultimos-30-dias', '2026-10-31T15:00:00.000Z'],
      ['ultimos-12-meses', '2025-12-01T03:00:00.000Z'],
      ['2026', '2026-01-01T03:00:00.000Z'],
      ['2025', '2025-01-01T03:00:00.000Z'],
    ]);
  });

  it('counts tapa-buraco: on time across holidays and pauses, median and p90, backlog and overdue', () => {
    const service = entry(snapshot.services, 'tapa-buraco');
    const secretariat = entry(snapshot.secretariats, 'infraestrutura');
    for (const key of ['ultimos-30-dias', 'ultimos-12-meses', '2026']) {
      const m = period(service, key);
      const r = rawPeriod(raw.services, 'tapa-buraco', key);
      // Closed, all in November: T1 … T10 = 10.
      expect(m.closed).toBe(10);
      // On time: T1 (holidays), T3 (pause), T4, T5, T6, T7, T8 = 7 of 10; late: T2, T9, T10. Published,
      // 70% of 10 would say 3 were late (under 5): hidden.
      expect([r.onTime, r.withDue]).toEqual([7, 10]);
      expect(m.onTimeShare).toBeNull();
      // Não atendido: T7, 1 of 10: hidden.
      expect(r.declined).toBe(1);
      expect(m.declinedShare).toBeNull();
      // Days, less the pause: T6 2, T7 3, T8 5, T4 8, T5 13, T3 (25 d 6 h − 2 d) 23.25, T1 (25 d 7 h) 25.2917,
      // T2 (25 d 22 h) 25.9167, T9 32, T10 41. Median (n = 10): (13 + 23.25) / 2 = 18.125 → 18.1
      // (it would be 19.1 with the pause counted): 5 on each side, published. p90: position 0.9 × 9 = 8.1 →
      // 32 + 0.1 × (41 − 32) = 32.9, with 1 request above it: hidden (a p90 needs 50).
      expect(m.medianDays).toBe(18.1);
      expect(r.p90Days).toBeCloseTo(32.9, 6);
      expect(m.p90Days).toBeNull();
      expect(period(secretariat, key)).toEqual(m);
    }
    // Received: October T1, T2, T3, T4, T5, T9, T10, O3, O4, O5, O8, O9, O10 = 13; November T6, T7, T8, O1,
    // O2, O6, O7, O11 = 8. The last 30 days (from 10-31 12:00 Bahia) hold November's 8.
    expect(period(service, 'ultimos-30-dias').received).toBe(8);
    expect(period(service, 'ultimos-12-meses').received).toBe(21);
    expect(period(service, '2026').received).toBe(21);
    expect(period(service, '2025').received).toBeNull(); // 0: "menos de 5"
    // Open: O1 … O11 = 11. Overdue: O3, O4, O8, O9, O10 = 5 (O5 is paused, O11 is due at the end of today).
    expect(service.open).toBe(11);
    expect(service.overdue).toBe(5);
    expect(secretariat.open).toBe(11);
    expect(secretariat.overdue).toBe(5);
    // The trend: October 13 received; November 8 received and 10 closed, 7 of them on time.
    const trend = Object.fromEntries(service.trend.map((t) => [t.month, t]));
    expect(service.trend.map((t) => t.month)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    expect(trend['2026-10']).toEqual({ month: '2026-10', received: 13, closed: null, onTimeShare: null });
    expect(trend['2026-11']).toEqual({ month: '2026-11', received: 8, closed: 10, onTimeShare: null });
    expect(snapshot.services.find((s) => s.id === 'tapa-buraco')!.promise).toBe('até 15 dias úteis');
  });

  it('averages the evaluations and each criterion', () => {
    const m = period(entry(snapshot.services, 'tapa-buraco'), 'ultimos-30-dias');
    const r = rawPeriod(raw.services, 'tapa-buraco', 'ultimos-30-dias');
    expect(m.evaluations).toBe(6);
    // (5 + 4 + 5 + 2 + 3 + 4) / 6 = 23 / 6 = 3.833… → 3.83: 17 points above the lowest grade, 7 below the
    // highest, each 5 or more: published.
    expect([r.graded, r.gradeSum]).toEqual([6, 23]);
    expect(m.evaluationAverage).toBe(3.83);
    // Ticked good, of 6: clareza 0, prazo 3, cortesia 2, acesso 1, resultado 2; bad: clareza 2, prazo 2.
    // Each share says how many ticked it and how many did not: one of them is under 5 every time, so none
    // is published.
    expect(r.good).toEqual([0, 3, 2, 1, 2]);
    expect(r.bad).toEqual([2, 2, 0, 0, 0]);
    expect(m.criteria).toEqual({
      clareza: { good: null, bad: null }, prazo: { good: null, bad: null }, cortesia: { good: null, bad: null },
      acesso: { good: null, bad: null }, resultado: { good: null, bad: null },
    });
    expect(period(entry(snapshot.secretariats, 'infraestrutura'), 'ultimos-12-meses').evaluationAverage).toBe(3.83);
  });

  it('counts manifestações by type, ranks the complaints and counts integrity reports per month only', () => {
    // November: 12 reclamações, 5 elogios, 2 sugestões; none of the other types.
    for (const key of ['ultimos-30-dias', 'ultimos-12-meses', '2026']) {
      expect(snapshot.manifestations[key]).toEqual({ reclamacao: 12, denuncia: null, elogio: 5, sugestao: null, solicitacao: null, simplifique: null });
    }
    // Forwarded: infraestrutura 6, servicos-publicos 5, saude 1 (hidden); none left unforwarded. Published,
    // 12 − 6 − 5 = 1 would give saude's away: so servicos-publicos (the smallest shown) is hidden too.
    expect(snapshot.complaintsRanking[0]).toEqual({ secretariatId: 'infraestrutura', name: 'Secretaria Municipal de Infraestrutura Urbana', complaints: 6 });
    const hidden = snapshot.complaintsRanking.slice(1);
    expect(hidden).toHaveLength(11);
    expect(hidden.every((c) => c.complaints === null)).toBe(true);
    // The hidden ones by name: their order says nothing of their counts (saude's 1 is not put before the 0s).
    expect(hidden.map((c) => c.name)).toEqual(hidden.map((c) => c.name).sort((a, b) => a.localeCompare(b, 'pt-BR')));
    expect(snapshot.complaintsNotForwarded).toBeNull();
    // Integrity: 6 in November, 2 in October (hidden); only a month and a number per item.
    const integrity = Object.fromEntries(snapshot.integrityReports.map((r) => [r.month, r.reports]));
    expect(integrity['2026-11']).toBe(6);
    expect(integrity['2026-10']).toBeNull();
    expect(snapshot.integrityReports).toHaveLength(12);
    for (const item of snapshot.integrityReports) expect(Object.keys(item).sort()).toEqual(['month', 'reports']);
  });

  it('hides a count under 5, and one more so the hidden one cannot be subtracted from the total', () => {
    // servicos-publicos in September: iluminacao-publica 3 (hidden), coleta-entulho 8. Total 11: showing 8
    // would give away the 3, so coleta-entulho is hidden too and only the total is left.
    const sp = entry(snapshot.secretariats, 'servicos-publicos');
    const light = entry(snapshot.services, 'iluminacao-publica');
    const rubble = entry(snapshot.services, 'coleta-entulho');
    for (const key of ['ultimos-12-meses', '2026']) {
      expect(period(light, key)).toMatchObject({ received: null, closed: null, onTimeShare: null, medianDays: null });
      expect(period(rubble, key)).toMatchObject({ received: null, closed: null, onTimeShare: null, medianDays: null });
      // The total: 11 closed; on time 2 + 7 = 9 of 11 (2 late: hidden); não atendido 1 of 11 (hidden). Days:
      // 1, 2, 2, 3, 3, 7, 8, 9, 9, 10, 16: median (6th of 11) 7, 5 on each side; p90 position 0.9 × 10 = 9 → 10,
      // 1 above it (hidden).
      const r = rawPeriod(raw.secretariats, 'servicos-publicos', key);
      expect([r.closed, r.onTime, r.withDue, r.declined, r.medianDays, r.p90Days]).toEqual([11, 9, 11, 1, 7, 10]);
      expect(period(sp, key)).toMatchObject({ received: 11, closed: 11, onTimeShare: null, declinedShare: null, medianDays: 7, p90Days: null });
    }
    expect(sp.trend.find((t) => t.month === '2026-09')).toEqual({ month: '2026-09', received: 11, closed: 11, onTimeShare: null });
    expect(light.trend.find((t) => t.month === '2026-09')!.received).toBeNull();
    expect(rubble.trend.find((t) => t.month === '2026-09')!.received).toBeNull();

    // agricultura, open today: carro-pipa 6, horas-trator 3 (hidden), distribuicao-sementes 7, total 16.
    // carro-pipa (the smallest shown) is hidden too: 16 − 7 = 9 is all anyone can work out.
    const agri = entry(snapshot.secretariats, 'agricultura');
    expect([agri.open, entry(snapshot.services, 'carro-pipa').open, entry(snapshot.services, 'horas-trator').open, entry(snapshot.services, 'distribuicao-sementes').open]).toEqual([16, null, null, 7]);
    expect(period(agri, 'ultimos-30-dias').received).toBe(16);
    expect(period(entry(snapshot.services, 'distribuicao-sementes'), 'ultimos-30-dias').received).toBe(7);
    expect(period(entry(snapshot.services, 'horas-trator'), 'ultimos-30-dias').received).toBeNull();
    expect(period(entry(snapshot.services, 'carro-pipa'), 'ultimos-30-dias').received).toBeNull();
    expect(agri.overdue).toBeNull(); // 0

    // saude: 3 in December 2025 and 6 in June 2026. The 12 months (9) and the year 2026 (6) are both whole
    // periods: publishing both would give away December's 3 by subtraction, so the year is hidden.
    const health = entry(snapshot.secretariats, 'saude');
    expect(period(health, 'ultimos-12-meses').received).toBe(9);
    expect(period(health, '2026').received).toBeNull();
    expect(period(health, '2025').received).toBeNull();

    // The words on a service page for a hidden count: no figure, and no claim that it is small (it may be
    // hidden to protect another service's).
    const promise = (id: string) => {
      const s = entry(snapshot.services, id) as PanelSnapshot['services'][number];
      const m = period(s, 'ultimos-12-meses');
      return promiseKeptText({ promise: s.promise, closed: m.closed, onTimeShare: m.onTimeShare, medianDays: m.medianDays });
    };
    expect(promise('iluminacao-publica')).toBe('Prazo prometido: até 5 dias úteis. Nos últimos 12 meses, ainda não há pedidos encerrados em número suficiente para publicar quantos foram no prazo.');
    expect(promise('tapa-buraco')).toBe('Prazo prometido: até 15 dias úteis. Nos últimos 12 meses, a parte cumprida no prazo não é publicada, para não expor ninguém (há menos de 5 pedidos no prazo ou fora dele, ou o número deixaria calcular outro assim).');
    expect(DATA_DICTIONARY.valor).toContain(LESS_THAN_FIVE);

    // And nowhere in the panel can a hidden count under 5 be worked out by subtraction.
    expect(recoverable(snapshot)).toEqual([]);
  });

  it('serves the same numbers as CSV and JSON open data, with no personal data or free text anywhere', async () => {
    const get = (path: string) => fetch(`${server.url}/api/transparencia${path}`);
    const [summaryRes, servicesRes, csvRes, jsonRes, dictRes] = await Promise.all(['', '/servicos', '/dados.csv', '/dados.json', '/dicionario.json'].map(get));
    for (const res of [summaryRes, servicesRes, csvRes, jsonRes, dictRes]) expect(res!.status).toBe(200);
    // Decoded keeping the byte order mark (Response.text() would drop it).
    const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
    const bodies = await Promise.all([summaryRes, servicesRes, csvRes, jsonRes, dictRes].map(async (r) => utf8.decode(await r!.arrayBuffer())));
    const [summaryText, servicesText, csvText, jsonText] = bodies as [string, string, string, string, string];

    // The server's snapshot is the one computed here (same clock, same data).
    const summary = JSON.parse(summaryText) as PanelSummary;
    const services = JSON.parse(servicesText) as PanelServices;
    expect(summary.computedAt).toBe(snapshot.computedAt);
    expect(summary.secretariats).toEqual(snapshot.secretariats);
    expect(services.services).toEqual(snapshot.services);
    expect(summary.promises.find((p) => p.serviceId === 'tapa-buraco')).toEqual({
      serviceId: 'tapa-buraco', secretariatId: 'infraestrutura', promise: 'até 15 dias úteis', closed: 10, onTimeShare: null, medianDays: 18.1,
    });

    // CSV and JSON: the same rows.
    const json = JSON.parse(jsonText) as { computedAt: string; rows: OpenDataRow[] };
    expect(csvText.startsWith('\uFEFFsecretaria,servico,periodo,metrica,valor\r\n')).toBe(true);
    const csvRows = csvText.slice(1).trimEnd().split('\r\n').slice(1).map((line): OpenDataRow => {
      const [secretaria, servico, periodo, metrica, valor] = line.split(',') as [string, string, string, string, string];
      return { secretaria, servico, periodo, metrica, valor: valor === '' ? null : Number(valor) };
    });
    expect(csvRows).toEqual(json.rows);
    expect(json.rows).toEqual(openDataRows(snapshot));
    const value = (secretaria: string, servico: string, periodo: string, metrica: string) =>
      json.rows.find((r) => r.secretaria === secretaria && r.servico === servico && r.periodo === periodo && r.metrica === metrica)?.valor;
    expect(value('infraestrutura', 'tapa-buraco', 'ultimos-30-dias', 'encerrados')).toBe(10);
    expect(value('infraestrutura', 'tapa-buraco', 'ultimos-30-dias', 'no_prazo')).toBeNull();
    expect(value('infraestrutura', 'tapa-buraco', 'ultimos-30-dias', 'mediana_dias')).toBe(18.1);
    expect(value('infraestrutura', 'tapa-buraco', 'ultimos-30-dias', 'p90_dias')).toBeNull();
    expect(value('infraestrutura', 'tapa-buraco', '2026-11-30', 'atrasados')).toBe(5);
    expect(value('infraestrutura', 'tapa-buraco', 'ultimos-30-dias', 'nota_media')).toBe(3.83);
    expect(value('infraestrutura', 'tapa-buraco', 'ultimos-30-dias', 'criterio_bom:prazo')).toBeNull();
    expect(value('servicos-publicos', 'iluminacao-publica', 'ultimos-12-meses', 'encerrados')).toBeNull();
    expect(value('servicos-publicos', '', 'ultimos-12-meses', 'encerrados')).toBe(11);
    expect(value('cidade', '', 'ultimos-12-meses', 'manifestacoes:reclamacao')).toBe(12);
    expect(value('infraestrutura', '', 'ultimos-12-meses', 'reclamacoes')).toBe(6);
    expect(value('cidade', '', '2026-11', 'relatos_integridade')).toBe(6);
    expect(value('cidade', '', '2026-10', 'relatos_integridade')).toBeNull();

    // Nothing personal, no free text, no protocol or submission id, in any published file.
    const everything = bodies.join('\n');
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/\d{3}\.\d{3}\.\d{3}-\d{2}|@|\(77\)/);
    for (const id of seeded.ids.values()) expect(everything).not.toContain(id);
    for (const protocol of seeded.protocols) expect(everything).not.toContain(protocol);
    // And in the stored snapshot either.
    const stored = (await owned.storage.query<{ body: string }>('SELECT body FROM transparency_snapshots')).rows.map((r) => r.body).join('\n');
    for (const secret of Object.values(SECRETS)) expect(stored).not.toContain(secret);
  });

  it('answers with a strong ETag, 304 to If-None-Match, and gzip when asked', async () => {
    for (const path of ['', '/servicos', '/dados.csv', '/dados.json', '/dicionario.json']) {
      const url = `${server.url}/api/transparencia${path}`;
      const first = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const plain = Buffer.from(await first.arrayBuffer());
      const again = await fetch(url, { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect((await again.arrayBuffer()).byteLength).toBe(0);
      // Node's fetch would decompress on its own; read the raw bytes with node:http instead.
      const { headers, body } = await rawGet(url, { 'accept-encoding': 'gzip' });
      expect(headers['content-encoding']).toBe('gzip');
      expect(headers.etag).toBe(etag);
      expect(gunzipSync(body).equals(plain)).toBe(true);
      if (plain.length > 2000) expect(body.length).toBeLessThan(plain.length / 2);
    }
    const csv = await fetch(`${server.url}/api/transparencia/dados.csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
  });

  it('recomputes after a change in the data (a new status), with a new ETag', async () => {
    const before = await fetch(`${server.url}/api/transparencia`);
    const etag = before.headers.get('etag')!;
    // O1 (received 11-10, due 12-02) is concluded this morning, 07:00 in Bahia: 20 days, on time.
    await setSubmissionStatus(owned.storage, seeded.ids.get('O1')!, 'done', undefined, new Date('2026-11-30T10:00:00Z'));
    let after: PanelSummary | null = null;
    for (let i = 0; i < 200 && !after; i++) {
      const res = await fetch(`${server.url}/api/transparencia`, { headers: { 'if-none-match': etag } });
      if (res.status === 200) after = await res.json() as PanelSummary;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(after).not.toBeNull();
    const m = entry(after!.secretariats, 'infraestrutura').periods['ultimos-30-dias']!;
    // 11 closed; on time 7 + 1 = 8 of 11 (3 late: hidden); O1 took 20 days less 2 hours = 19.917 days, so
    // the days are 2, 3, 5, 8, 13, 19.917, 23.25, …: the median is now the 6th, 19.9.
    expect(m).toMatchObject({ closed: 11, onTimeShare: null, medianDays: 19.9 });
    expect(entry(after!.secretariats, 'infraestrutura').open).toBe(10);
    const csv = await (await fetch(`${server.url}/api/transparencia/dados.csv`)).text();
    expect(csv).toContain('\r\ninfraestrutura,tapa-buraco,ultimos-30-dias,encerrados,11\r\n');
  });

  it('counts an integrity report only once its day is over, and does not recompute for it (its arrival is not timed)', async () => {
    const before = await fetch(`${server.url}/api/transparencia`);
    const reportKeys = new IntegrityKeys(randomBytes(32));
    const outcome = await acceptReport({ storage: owned.storage, charters: new CharterCache(owned.storage), keys: reportKeys }, {
      id: crypto.randomUUID(), formId: 'denuncia-integridade', formVersion: charter.forms.find((f) => f.id === 'denuncia-integridade')!.version, identification: 'anonimo',
      answers: { tipo: 'propina', orgao: 'infraestrutura', relato: SECRETS.story, consentimento: true }, files: [],
    }, NOW);
    expect(outcome.status).toBe(201);
    await mixHeld(owned.storage, reportKeys);
    const today = await computeSnapshot(owned.storage, charter, NOW);
    expect(today.integrityReports.find((r) => r.month === '2026-11')!.reports).toBe(6);
    const tomorrow = await computeSnapshot(owned.storage, charter, new Date(NOW.getTime() + 86_400_000));
    expect(tomorrow.integrityReports.find((r) => r.month === '2026-11')!.reports).toBe(7);
    await server.app.transparencyPanel.refresh();
    const after = await fetch(`${server.url}/api/transparencia`, { headers: { 'if-none-match': before.headers.get('etag')! } });
    expect(after.status).toBe(304);
  });
});

function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return import('node:http').then(({ get }) => new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  }));
}
