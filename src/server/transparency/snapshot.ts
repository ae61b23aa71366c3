/**
 * Computes the public panel from what is stored: requests with their due dates and how long they waited
 * for the citizen, evaluations, manifestações by type, integrity reports by month. Each figure comes from
 * one aggregate scan with a FILTER per period (GROUPING SETS give secretariats and services in one pass),
 * so a million submissions aggregate in seconds on PostgreSQL. The small-count rule is applied here, once,
 * before anything is served.
 */
import { bahiaDay } from '../../shared/dates.ts';
import type { Charter, Deadline } from '../../shared/schemas.ts';
import { SMALL_COUNT, type Metrics, type OpenDataRow, type PanelSnapshot, type TrendPoint } from '../../shared/transparency.ts';
import type { Queryable } from '../storage/types.ts';

interface Period {
  key: string;
  label: string;
  from: Date;
  to: Date;
}

const DAY = 86_400_000;
/** Bahia is UTC−3 all year: a Bahia day starts at 03:00 UTC. */
const bahiaStart = (day: string) => new Date(`${day}T03:00:00.000Z`);

function monthsBack(now: Date, count: number): string[] {
  const [year, month] = bahiaDay(now).split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const date = new Date(Date.UTC(year, month - 1 - (count - 1 - i), 1));
    return date.toISOString().slice(0, 7);
  });
}

export function periodsAt(now: Date, years: readonly number[]): Period[] {
  const months = monthsBack(now, 12);
  return [
    { key: 'ultimos-30-dias', label: 'Últimos 30 dias', from: new Date(now.getTime() - 30 * DAY), to: now },
    { key: 'ultimos-12-meses', label: 'Últimos 12 meses', from: bahiaStart(`${months[0]}-01`), to: now },
    ...years.map((year) => ({ key: String(year), label: String(year), from: bahiaStart(`${year}-01-01`), to: bahiaStart(`${year + 1}-01-01`) })),
  ];
}

/** A count under 5 is published as null, and so is anything worked out from it. */
const small = (n: number | null | undefined): number | null => (n === null || n === undefined || n < SMALL_COUNT ? null : n);
const derived = (base: number | null | undefined, value: number | null | undefined, digits = 3): number | null =>
  base === null || base === undefined || base < SMALL_COUNT || value === null || value === undefined ? null : Number(Number(value).toFixed(digits));

export function promiseWords(deadline: Deadline): string {
  const unit = { minutes: 'minutos', hours: 'horas', business_days: 'dias úteis', calendar_days: 'dias', months: 'meses' }[deadline.unit];
  return `até ${deadline.max} ${unit}`;
}

type Row = Record<string, unknown> & { secretariat_id: string; service_id: string | null; by_secretariat: number };

/** One scan of requests, with a column per (metric, period). */
async function requestFigures(db: Queryable, periods: readonly Period[], now: Date): Promise<Row[]> {
  const params: unknown[] = [now];
  const cols: string[] = [];
  const days = `(extract(epoch FROM s.closed_at - s.received_at) - s.paused_seconds) / 86400.0`;
  periods.forEach((period, i) => {
    params.push(period.from, period.to);
    const [from, to] = [`$${params.length - 1}`, `$${params.length}`];
    const received = `s.received_at >= ${from} AND s.received_at < ${to}`;
    const closed = `s.closed_at >= ${from} AND s.closed_at < ${to}`;
    cols.push(
      `count(*) FILTER (WHERE ${received}) AS received_${i}`,
      `count(*) FILTER (WHERE ${closed}) AS closed_${i}`,
      `count(*) FILTER (WHERE ${closed} AND s.due_at IS NOT NULL AND s.closed_at <= s.due_at) AS on_time_${i}`,
      `count(*) FILTER (WHERE ${closed} AND s.due_at IS NOT NULL) AS with_due_${i}`,
      `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${days}) FILTER (WHERE ${closed}) AS median_${i}`,
      `percentile_cont(0.9) WITHIN GROUP (ORDER BY ${days}) FILTER (WHERE ${closed}) AS p90_${i}`,
    );
  });
  const result = await db.query<Row>(
    `SELECT s.secretariat_id, s.service_id, GROUPING(s.service_id) AS by_secretariat,
       count(*) FILTER (WHERE s.closed_at IS NULL) AS open,
       count(*) FILTER (WHERE s.closed_at IS NULL AND s.status <> 'waiting_citizen' AND s.due_at < $1) AS overdue,
       ${cols.join(',\n       ')}
     FROM submissions s WHERE s.kind = 'request'
     GROUP BY GROUPING SETS ((s.secretariat_id), (s.secretariat_id, s.service_id))`,
    params,
  );
  return result.rows;
}

/** Evaluations per period: count, average grade, and each criterion ticked as good or bad. */
async function evaluationFigures(db: Queryable, periods: readonly Period[], criteria: readonly string[]): Promise<Row[]> {
  const params: unknown[] = [];
  const cols: string[] = [];
  periods.forEach((period, i) => {
    params.push(period.from, period.to);
    const within = `s.received_at >= $${params.length - 1} AND s.received_at < $${params.length}`;
    cols.push(
      `count(*) FILTER (WHERE ${within}) AS evaluations_${i}`,
      `avg((s.answers ->> 'nota')::numeric) FILTER (WHERE ${within} AND s.answers ->> 'nota' ~ '^[1-5]$') AS average_${i}`,
    );
    criteria.forEach((criterion, c) => {
      params.push(criterion);
      const p = `$${params.length}`;
      cols.push(
        `count(*) FILTER (WHERE ${within} AND s.answers -> 'pontosPositivos' ? ${p}::text) AS good_${i}_${c}`,
        `count(*) FILTER (WHERE ${within} AND s.answers -> 'pontosNegativos' ? ${p}::text) AS bad_${i}_${c}`,
      );
    });
  });
  const result = await db.query<Row>(
    `SELECT s.secretariat_id, s.service_id, GROUPING(s.service_id) AS by_secretariat, ${cols.join(', ')}
     FROM submissions s WHERE s.kind = 'evaluation'
     GROUP BY GROUPING SETS ((s.secretariat_id), (s.secretariat_id, s.service_id))`,
    params,
  );
  return result.rows;
}

async function trendFigures(db: Queryable, months: readonly string[]): Promise<{ received: Row[]; closed: Row[] }> {
  const from = bahiaStart(`${months[0]}-01`);
  const month = (column: string) => `to_char(${column} AT TIME ZONE 'America/Bahia', 'YYYY-MM')`;
  const received = await db.query<Row & { month: string; n: number }>(
    `SELECT s.secretariat_id, s.service_id, GROUPING(s.service_id) AS by_secretariat, ${month('s.received_at')} AS month, count(*)::int AS n
     FROM submissions s WHERE s.kind = 'request' AND s.received_at >= $1
     GROUP BY GROUPING SETS ((s.secretariat_id, month), (s.secretariat_id, s.service_id, month))`,
    [from],
  );
  const closed = await db.query<Row & { month: string; n: number; on_time: number; with_due: number }>(
    `SELECT s.secretariat_id, s.service_id, GROUPING(s.service_id) AS by_secretariat, ${month('s.closed_at')} AS month, count(*)::int AS n,
       count(*) FILTER (WHERE s.due_at IS NOT NULL AND s.closed_at <= s.due_at)::int AS on_time,
       count(*) FILTER (WHERE s.due_at IS NOT NULL)::int AS with_due
     FROM submissions s WHERE s.kind = 'request' AND s.closed_at >= $1
     GROUP BY GROUPING SETS ((s.secretariat_id, month), (s.secretariat_id, s.service_id, month))`,
    [from],
  );
  return { received: received.rows, closed: closed.rows };
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export async function computeSnapshot(db: Queryable, charter: Charter, now = new Date()): Promise<PanelSnapshot> {
  const yearRows = await db.query<{ year: number }>(
    `SELECT DISTINCT extract(year FROM received_at AT TIME ZONE 'America/Bahia')::int AS year FROM submissions ORDER BY 1 DESC LIMIT 3`,
  );
  const currentYear = Number(bahiaDay(now).slice(0, 4));
  const years = [...new Set([currentYear, ...yearRows.rows.map((r) => r.year)])].sort((a, b) => b - a).slice(0, 3);
  const periods = periodsAt(now, years);
  const months = monthsBack(now, 12);
  const evaluationForm = charter.forms.find((f) => f.kind === 'evaluation');
  const criteria = evaluationForm?.fields.find((f) => f.id === 'pontosPositivos')?.options?.map((o) => o.value) ?? [];

  const [requests, evaluations, trend] = await Promise.all([
    requestFigures(db, periods, now),
    evaluationFigures(db, periods, criteria),
    trendFigures(db, months),
  ]);
  const key = (row: Row) => (row.by_secretariat ? `s:${row.secretariat_id}` : `v:${row.service_id}`);
  const requestsBy = new Map(requests.map((row) => [key(row), row]));
  const evaluationsBy = new Map(evaluations.map((row) => [key(row), row]));

  const metricsOf = (k: string): Record<string, Metrics> => {
    const r = requestsBy.get(k);
    const e = evaluationsBy.get(k);
    return Object.fromEntries(periods.map((period, i) => {
      const closed = num(r?.[`closed_${i}`]) ?? 0;
      const withDue = num(r?.[`with_due_${i}`]) ?? 0;
      const evaluated = num(e?.[`evaluations_${i}`]) ?? 0;
      const metrics: Metrics = {
        received: small(num(r?.[`received_${i}`]) ?? 0),
        closed: small(closed),
        onTimeShare: derived(withDue, withDue ? (num(r?.[`on_time_${i}`]) ?? 0) / withDue : null),
        medianDays: derived(closed, num(r?.[`median_${i}`]), 1),
        p90Days: derived(closed, num(r?.[`p90_${i}`]), 1),
        evaluations: small(evaluated),
        evaluationAverage: derived(evaluated, num(e?.[`average_${i}`]), 2),
        criteria: Object.fromEntries(criteria.map((criterion, c) => [criterion, {
          good: derived(evaluated, evaluated ? (num(e?.[`good_${i}_${c}`]) ?? 0) / evaluated : null),
          bad: derived(evaluated, evaluated ? (num(e?.[`bad_${i}_${c}`]) ?? 0) / evaluated : null),
        }])),
      };
      return [period.key, metrics];
    }));
  };
  const trendOf = (k: string): TrendPoint[] => months.map((month) => {
    const received = trend.received.find((row) => key(row) === k && row.month === month);
    const closed = trend.closed.find((row) => key(row) === k && row.month === month);
    const closedCount = num(closed?.n) ?? 0;
    const withDue = num(closed?.with_due) ?? 0;
    return {
      month,
      received: small(num(received?.n) ?? 0),
      closed: small(closedCount),
      onTimeShare: derived(withDue, withDue ? (num(closed?.on_time) ?? 0) / withDue : null),
    };
  });

  // Manifestações to the Ouvidoria by type, and the complaints about each secretariat (art. 23).
  const typeParams: unknown[] = [];
  const typeCols = periods.map((period) => {
    typeParams.push(period.from, period.to);
    return `count(*) FILTER (WHERE s.received_at >= $${typeParams.length - 1} AND s.received_at < $${typeParams.length})`;
  });
  const byType = await db.query<Record<string, unknown> & { tipo: string }>(
    `SELECT s.answers ->> 'tipo' AS tipo, ${typeCols.map((c, i) => `${c} AS p_${i}`).join(', ')}
     FROM submissions s WHERE s.kind = 'manifestation' AND s.form_id = 'manifestacao-ouvidoria' GROUP BY 1`,
    typeParams,
  );
  const manifestations = Object.fromEntries(periods.map((period, i) => [
    period.key,
    Object.fromEntries(byType.rows.filter((row) => row.tipo).map((row) => [row.tipo, small(num(row[`p_${i}`]) ?? 0)])),
  ]));
  const last12 = periods[1]!;
  const complaints = await db.query<{ secretariat: string; n: number }>(
    `SELECT coalesce(s.forwarded_to, s.secretariat_id) AS secretariat, count(*)::int AS n
     FROM submissions s WHERE s.kind = 'manifestation' AND s.answers ->> 'tipo' = 'reclamacao' AND s.received_at >= $1 AND s.received_at < $2
     GROUP BY 1`,
    [last12.from, last12.to],
  );
  const complaintsBy = new Map(complaints.rows.map((row) => [row.secretariat, row.n]));
  const complaintsRanking = charter.secretariats
    .map((secretariat) => ({ secretariatId: secretariat.id, name: secretariat.name, raw: complaintsBy.get(secretariat.id) ?? 0 }))
    .sort((a, b) => b.raw - a.raw || a.name.localeCompare(b.name, 'pt-BR'))
    .map(({ raw, ...rest }) => ({ ...rest, complaints: small(raw) }));

  const integrity = await db.query<{ month: string; n: number }>(
    `SELECT to_char(received_day, 'YYYY-MM') AS month, count(*)::int AS n FROM integrity_reports WHERE received_day >= $1::date GROUP BY 1`,
    [`${months[0]}-01`],
  );
  const integrityBy = new Map(integrity.rows.map((row) => [row.month, row.n]));

  return {
    computedAt: now.toISOString(),
    periods: periods.map((p) => ({ key: p.key, label: p.label, from: p.from.toISOString(), to: p.to.toISOString() })),
    secretariats: charter.secretariats.map((secretariat) => ({
      id: secretariat.id,
      name: secretariat.name,
      periods: metricsOf(`s:${secretariat.id}`),
      open: small(num(requestsBy.get(`s:${secretariat.id}`)?.open) ?? 0),
      overdue: small(num(requestsBy.get(`s:${secretariat.id}`)?.overdue) ?? 0),
      trend: trendOf(`s:${secretariat.id}`),
    })),
    services: charter.services.filter((service) => service.formId && charter.forms.find((f) => f.id === service.formId)?.kind === 'request').map((service) => ({
      id: service.id,
      name: service.name,
      secretariatId: service.secretariatId,
      promise: promiseWords(service.deadline),
      periods: metricsOf(`v:${service.id}`),
      open: small(num(requestsBy.get(`v:${service.id}`)?.open) ?? 0),
      overdue: small(num(requestsBy.get(`v:${service.id}`)?.overdue) ?? 0),
      trend: trendOf(`v:${service.id}`),
    })),
    manifestations,
    complaintsRanking,
    integrityReports: months.map((month) => ({ month, reports: small(integrityBy.get(month) ?? 0) })),
  };
}

/** The same figures as rows: what the CSV and JSON downloads hold (one concept, one place). */
export function openDataRows(snapshot: PanelSnapshot): OpenDataRow[] {
  const rows: OpenDataRow[] = [];
  const push = (secretaria: string, servico: string, periodo: string, metrica: string, valor: number | null) => rows.push({ secretaria, servico, periodo, metrica, valor });
  const entry = (secretaria: string, servico: string, e: PanelSnapshot['secretariats'][number]) => {
    for (const [periodo, m] of Object.entries(e.periods)) {
      push(secretaria, servico, periodo, 'recebidos', m.received);
      push(secretaria, servico, periodo, 'encerrados', m.closed);
      push(secretaria, servico, periodo, 'no_prazo', m.onTimeShare);
      push(secretaria, servico, periodo, 'mediana_dias', m.medianDays);
      push(secretaria, servico, periodo, 'p90_dias', m.p90Days);
      push(secretaria, servico, periodo, 'avaliacoes', m.evaluations);
      push(secretaria, servico, periodo, 'nota_media', m.evaluationAverage);
      for (const [criterion, value] of Object.entries(m.criteria)) {
        push(secretaria, servico, periodo, `criterio_bom:${criterion}`, value.good);
        push(secretaria, servico, periodo, `criterio_ruim:${criterion}`, value.bad);
      }
    }
    const today = bahiaDay(new Date(snapshot.computedAt));
    push(secretaria, servico, today, 'em_aberto', e.open);
    push(secretaria, servico, today, 'atrasados', e.overdue);
    for (const point of e.trend) {
      push(secretaria, servico, point.month, 'recebidos', point.received);
      push(secretaria, servico, point.month, 'encerrados', point.closed);
      push(secretaria, servico, point.month, 'no_prazo', point.onTimeShare);
    }
  };
  for (const secretariat of snapshot.secretariats) entry(secretariat.id, '', secretariat);
  for (const service of snapshot.services) entry(service.secretariatId, service.id, service);
  for (const [periodo, types] of Object.entries(snapshot.manifestations)) {
    for (const [tipo, value] of Object.entries(types)) push('cidade', '', periodo, `manifestacoes:${tipo}`, value);
  }
  for (const item of snapshot.complaintsRanking) push(item.secretariatId, '', 'ultimos-12-meses', 'reclamacoes', item.complaints);
  for (const item of snapshot.integrityReports) push('cidade', '', item.month, 'relatos_integridade', item.reports);
  return rows;
}

export function toCsv(rows: readonly OpenDataRow[]): string {
  const cell = (value: string | number | null) => (value === null ? '' : typeof value === 'number' ? String(value) : `"${value.replace(/"/g, '""')}"`);
  return `\uFEFFsecretaria,servico,periodo,metrica,valor\r\n${rows.map((r) => [r.secretaria, r.servico, r.periodo, r.metrica, r.valor].map(cell).join(',')).join('\r\n')}\r\n`;
}
