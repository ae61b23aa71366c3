/**
 * Computes the public panel from what is stored: requests with their due dates and how long they waited
 * for the citizen, evaluations, manifestações by type, integrity reports by month. Each figure comes from
 * one aggregate scan with a FILTER per period (GROUPING SETS give secretariats and services in one pass),
 * so a million submissions aggregate in seconds on PostgreSQL.
 *
 * Two steps: `measure` reads raw numbers, `publish` applies the small-count rule to them, once, before
 * anything is stored or served (see protectGroups for why hiding counts under 5 is not enough).
 */
import { bahiaDay } from '../../shared/dates.ts';
import type { Charter, Deadline } from '../../shared/schemas.ts';
import { SMALL_COUNT, type Metrics, type OpenDataRow, type PanelEntry, type PanelSnapshot } from '../../shared/transparency.ts';
import type { Queryable } from '../storage/types.ts';

export interface Period {
  key: string;
  label: string;
  from: Date;
  to: Date;
}

const DAY = 86_400_000;
/** Bahia is UTC−3 all year: a Bahia day starts at 03:00 UTC. */
const bahiaStart = (day: string) => new Date(`${day}T03:00:00.000Z`);

export function monthsBack(now: Date, count: number): string[] {
  const [year, month] = bahiaDay(now).split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(year, month - 1 - (count - 1 - i), 1)).toISOString().slice(0, 7));
}

export function periodsAt(now: Date, years: readonly number[]): Period[] {
  const months = monthsBack(now, 12);
  return [
    { key: 'ultimos-30-dias', label: 'Últimos 30 dias', from: new Date(now.getTime() - 30 * DAY), to: now },
    { key: 'ultimos-12-meses', label: 'Últimos 12 meses', from: bahiaStart(`${months[0]}-01`), to: now },
    ...years.map((year) => ({ key: String(year), label: String(year), from: bahiaStart(`${year}-01-01`), to: year === Number(bahiaDay(now).slice(0, 4)) ? now : bahiaStart(`${year + 1}-01-01`) })),
  ];
}

export function promiseWords(deadline: Deadline): string {
  const unit = { minutes: 'minutos', hours: 'horas', business_days: 'dias úteis', calendar_days: 'dias', months: 'meses' }[deadline.unit];
  return `até ${deadline.max} ${unit}`;
}

// ---------------------------------------------------------------------------------------------------
// Raw figures, straight from the database.

export interface RawPeriod {
  received: number;
  closed: number;
  declined: number;
  onTime: number;
  withDue: number;
  medianDays: number | null;
  p90Days: number | null;
  evaluations: number;
  average: number | null;
  good: number[];
  bad: number[];
}

export interface RawMonth {
  month: string;
  received: number;
  closed: number;
  onTime: number;
  withDue: number;
}

export interface RawEntry {
  id: string;
  name: string;
  periods: RawPeriod[];
  open: number;
  overdue: number;
  trend: RawMonth[];
}

export interface RawSnapshot {
  now: Date;
  periods: Period[];
  months: string[];
  criteria: string[];
  secretariats: RawEntry[];
  services: (RawEntry & { secretariatId: string; promise: string })[];
  manifestations: { tipo: string; perPeriod: number[] }[];
  complaints: { secretariatId: string; name: string; complaints: number }[];
  complaintsNotForwarded: number;
  integrityReports: { month: string; reports: number }[];
}

type Row = Record<string, unknown> & { secretariat_id: string; service_id: string | null; by_secretariat: number };
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const int = (value: unknown): number => num(value) ?? 0;

/** One scan of requests, with a column per (metric, period). */
async function requestFigures(db: Queryable, periods: readonly Period[], now: Date): Promise<Row[]> {
  const params: unknown[] = [now];
  const cols: string[] = [];
  // Calendar days the city had the request: arrival to closing, less the time it waited for the citizen.
  const days = `greatest(0, extract(epoch FROM s.closed_at - s.received_at) - s.paused_seconds) / 86400.0`;
  periods.forEach((period, i) => {
    params.push(period.from, period.to);
    const [from, to] = [`$${params.length - 1}`, `$${params.length}`];
    const received = `s.received_at >= ${from} AND s.received_at < ${to}`;
    const closed = `s.closed_at >= ${from} AND s.closed_at < ${to}`;
    cols.push(
      `count(*) FILTER (WHERE ${received}) AS received_${i}`,
      `count(*) FILTER (WHERE ${closed}) AS closed_${i}`,
      `count(*) FILTER (WHERE ${closed} AND s.status = 'declined') AS declined_${i}`,
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

type MonthRow = Row & { month: string; n: number; on_time?: number; with_due?: number };

async function trendFigures(db: Queryable, months: readonly string[], now: Date): Promise<{ received: MonthRow[]; closed: MonthRow[] }> {
  const from = bahiaStart(`${months[0]}-01`);
  const month = (column: string) => `to_char(${column} AT TIME ZONE 'America/Bahia', 'YYYY-MM')`;
  const received = await db.query<MonthRow>(
    `SELECT s.secretariat_id, s.service_id, GROUPING(s.service_id) AS by_secretariat, ${month('s.received_at')} AS month, count(*)::int AS n
     FROM submissions s WHERE s.kind = 'request' AND s.received_at >= $1 AND s.received_at < $2
     GROUP BY GROUPING SETS ((s.secretariat_id, month), (s.secretariat_id, s.service_id, month))`,
    [from, now],
  );
  const closed = await db.query<MonthRow>(
    `SELECT s.secretariat_id, s.service_id, GROUPING(s.service_id) AS by_secretariat, ${month('s.closed_at')} AS month, count(*)::int AS n,
       count(*) FILTER (WHERE s.due_at IS NOT NULL AND s.closed_at <= s.due_at)::int AS on_time,
       count(*) FILTER (WHERE s.due_at IS NOT NULL)::int AS with_due
     FROM submissions s WHERE s.kind = 'request' AND s.closed_at >= $1 AND s.closed_at < $2
     GROUP BY GROUPING SETS ((s.secretariat_id, month), (s.secretariat_id, s.service_id, month))`,
    [from, now],
  );
  return { received: received.rows, closed: closed.rows };
}

/** The Ouvidoria's form: the manifestation form whose "tipo" offers reclamação. */
function ouvidoriaFormId(charter: Charter): string | null {
  return charter.forms.find((f) => f.kind === 'manifestation' && f.fields.some((field) => field.id === 'tipo' && field.options?.some((o) => o.value === 'reclamacao')))?.id ?? null;
}

export interface MeasureOptions {
  /** The years to report besides the rolling windows; default: the current one and up to two before it with data. */
  years?: readonly number[];
}

export async function measure(db: Queryable, charter: Charter, now = new Date(), options: MeasureOptions = {}): Promise<RawSnapshot> {
  const currentYear = Number(bahiaDay(now).slice(0, 4));
  let years = options.years;
  if (!years) {
    const found = await db.query<{ year: number }>(
      `SELECT DISTINCT extract(year FROM received_at AT TIME ZONE 'America/Bahia')::int AS year FROM submissions
       WHERE received_at >= $1 AND received_at < $2`,
      [bahiaStart(`${currentYear - 2}-01-01`), now],
    );
    years = [...new Set([currentYear, ...found.rows.map((r) => r.year)])].sort((a, b) => b - a);
  }
  const periods = periodsAt(now, years);
  const months = monthsBack(now, 12);
  const evaluationForm = charter.forms.find((f) => f.kind === 'evaluation');
  const criteria = evaluationForm?.fields.find((f) => f.id === 'pontosPositivos')?.options?.map((o) => o.value) ?? [];

  const [requests, evaluations, trend] = await Promise.all([
    requestFigures(db, periods, now),
    evaluationFigures(db, periods, criteria),
    trendFigures(db, months, now),
  ]);
  const key = (row: Row) => (Number(row.by_secretariat) ? `s:${row.secretariat_id}` : `v:${row.secretariat_id}:${row.service_id}`);
  const requestsBy = new Map(requests.map((row) => [key(row), row]));
  const evaluationsBy = new Map(evaluations.map((row) => [key(row), row]));
  const monthsBy = (rows: MonthRow[]) => {
    const map = new Map<string, MonthRow>();
    for (const row of rows) map.set(`${key(row)}|${row.month}`, row);
    return map;
  };
  const receivedBy = monthsBy(trend.received);
  const closedBy = monthsBy(trend.closed);

  const entry = (k: string, id: string, name: string): RawEntry => {
    const r = requestsBy.get(k);
    const e = evaluationsBy.get(k);
    return {
      id,
      name,
      periods: periods.map((_, i) => ({
        received: int(r?.[`received_${i}`]),
        closed: int(r?.[`closed_${i}`]),
        declined: int(r?.[`declined_${i}`]),
        onTime: int(r?.[`on_time_${i}`]),
        withDue: int(r?.[`with_due_${i}`]),
        medianDays: num(r?.[`median_${i}`]),
        p90Days: num(r?.[`p90_${i}`]),
        evaluations: int(e?.[`evaluations_${i}`]),
        average: num(e?.[`average_${i}`]),
        good: criteria.map((_c, c) => int(e?.[`good_${i}_${c}`])),
        bad: criteria.map((_c, c) => int(e?.[`bad_${i}_${c}`])),
      })),
      open: int(r?.open),
      overdue: int(r?.overdue),
      trend: months.map((month) => {
        const received = receivedBy.get(`${k}|${month}`);
        const closed = closedBy.get(`${k}|${month}`);
        return { month, received: int(received?.n), closed: int(closed?.n), onTime: int(closed?.on_time), withDue: int(closed?.with_due) };
      }),
    };
  };

  // Manifestações to the Ouvidoria by type, and the complaints about each secretariat (art. 23): a
  // complaint counts against the secretariat the Ouvidoria forwarded it to.
  const formId = ouvidoriaFormId(charter);
  const typeParams: unknown[] = [formId];
  const typeCols = periods.map((period, i) => {
    typeParams.push(period.from, period.to);
    return `count(*) FILTER (WHERE s.received_at >= $${typeParams.length - 1} AND s.received_at < $${typeParams.length}) AS p_${i}`;
  });
  const byType = await db.query<Record<string, unknown> & { tipo: string | null }>(
    `SELECT s.answers ->> 'tipo' AS tipo, ${typeCols.join(', ')}
     FROM submissions s WHERE s.kind = 'manifestation' AND s.form_id = $1 GROUP BY 1`,
    typeParams,
  );
  const tipos = charter.forms.find((f) => f.id === formId)?.fields.find((f) => f.id === 'tipo')?.options?.map((o) => o.value) ?? [];
  const manifestations = tipos.map((tipo) => {
    const row = byType.rows.find((r) => r.tipo === tipo);
    return { tipo, perPeriod: periods.map((_, i) => int(row?.[`p_${i}`])) };
  });
  const last12 = periods[1]!;
  const complaintRows = await db.query<{ secretariat: string | null; n: number }>(
    `SELECT s.forwarded_to AS secretariat, count(*)::int AS n
     FROM submissions s WHERE s.kind = 'manifestation' AND s.form_id = $1 AND s.answers ->> 'tipo' = 'reclamacao'
       AND s.received_at >= $2 AND s.received_at < $3
     GROUP BY 1`,
    [formId, last12.from, last12.to],
  );
  const complaintsBy = new Map(complaintRows.rows.map((row) => [row.secretariat, row.n]));

  const integrity = await db.query<{ month: string; n: number }>(
    `SELECT to_char(received_day, 'YYYY-MM') AS month, count(*)::int AS n FROM integrity_reports WHERE received_day >= $1::date GROUP BY 1`,
    [`${months[0]}-01`],
  );
  const integrityBy = new Map(integrity.rows.map((row) => [row.month, row.n]));

  const requestForms = new Set(charter.forms.filter((f) => f.kind === 'request').map((f) => f.id));
  return {
    now,
    periods,
    months,
    criteria,
    secretariats: charter.secretariats.map((s) => entry(`s:${s.id}`, s.id, s.name)),
    services: charter.services
      .filter((service) => service.formId && requestForms.has(service.formId))
      .map((service) => ({ ...entry(`v:${service.secretariatId}:${service.id}`, service.id, service.name), secretariatId: service.secretariatId, promise: promiseWords(service.deadline) })),
    manifestations,
    complaints: charter.secretariats.map((s) => ({ secretariatId: s.id, name: s.name, complaints: complaintsBy.get(s.id) ?? 0 })),
    complaintsNotForwarded: complaintsBy.get(null) ?? 0,
    integrityReports: months.map((month) => ({ month, reports: integrityBy.get(month) ?? 0 })),
  };
}

// ---------------------------------------------------------------------------------------------------
// The small-count rule.

/** A count to publish: its true value, and whether it must be hidden. */
interface Cell {
  value: number;
  hidden: boolean;
}

const cell = (value: number): Cell => ({ value, hidden: value < SMALL_COUNT });

/**
 * Hiding each count under 5 is not enough when a total is published beside its parts: 12 requests for a
 * secretariat, 9 for one of its two services, and anyone can subtract to find the 3 of the other. So in
 * every group (a total and the parts that add up to it, plus the part no published cell covers, which
 * counts as hidden), while the hidden parts add up to 1–4, the smallest part still shown is hidden too,
 * and the total when no part is left. Groups overlap (services × months), so the caller repeats until
 * nothing changes. Returns whether anything was hidden.
 */
export function protectGroup(total: Cell, parts: Cell[]): boolean {
  let changed = false;
  const residual = total.value - parts.reduce((sum, part) => sum + part.value, 0);
  for (;;) {
    const hiddenSum = parts.reduce((sum, part) => sum + (part.hidden ? part.value : 0), 0) + Math.max(0, residual);
    if (hiddenSum === 0 || hiddenSum >= SMALL_COUNT || total.hidden) return changed;
    const shown = parts.filter((part) => !part.hidden).sort((a, b) => a.value - b.value)[0];
    if (shown) shown.hidden = true;
    else total.hidden = true;
    changed = true;
  }
}

const shown = (c: Cell): number | null => (c.hidden ? null : c.value);
/** A share or an average is published only when the count it comes from is. */
const from = (base: Cell, value: number | null, digits = 3): number | null =>
  base.hidden || value === null || !Number.isFinite(value) ? null : Number(value.toFixed(digits));

interface CellPeriod { received: Cell; closed: Cell; evaluations: Cell; withDue: Cell }
interface CellEntry { periods: CellPeriod[]; open: Cell; overdue: Cell; trend: { received: Cell; closed: Cell; withDue: Cell }[] }

function cellsOf(entry: RawEntry): CellEntry {
  return {
    periods: entry.periods.map((p) => ({ received: cell(p.received), closed: cell(p.closed), evaluations: cell(p.evaluations), withDue: cell(p.withDue) })),
    open: cell(entry.open),
    overdue: cell(entry.overdue),
    trend: entry.trend.map((m) => ({ received: cell(m.received), closed: cell(m.closed), withDue: cell(m.withDue) })),
  };
}

export function publish(raw: RawSnapshot): PanelSnapshot {
  const secretariatCells = new Map(raw.secretariats.map((s) => [s.id, cellsOf(s)]));
  const serviceCells = raw.services.map((s) => ({ raw: s, cells: cellsOf(s) }));
  const last12 = raw.periods.findIndex((p) => p.key === 'ultimos-12-meses');

  // Every group where a total is published beside its parts.
  const groups: [Cell, Cell[]][] = [];
  for (const [id, total] of secretariatCells) {
    const parts = serviceCells.filter((s) => s.raw.secretariatId === id).map((s) => s.cells);
    raw.periods.forEach((_, i) => {
      for (const metric of ['received', 'closed', 'evaluations', 'withDue'] as const) groups.push([total.periods[i]![metric], parts.map((p) => p.periods[i]![metric])]);
    });
    groups.push([total.open, parts.map((p) => p.open)], [total.overdue, parts.map((p) => p.overdue)]);
    raw.months.forEach((_, m) => {
      for (const metric of ['received', 'closed', 'withDue'] as const) groups.push([total.trend[m]![metric], parts.map((p) => p.trend[m]![metric])]);
    });
  }
  // The 12 months add up to the "last 12 months" period, for every secretariat and service.
  for (const entry of [...secretariatCells.values(), ...serviceCells.map((s) => s.cells)]) {
    for (const metric of ['received', 'closed', 'withDue'] as const) groups.push([entry.periods[last12]![metric], entry.trend.map((m) => m[metric])]);
  }
  // The complaints of the last 12 months: each secretariat's and the not-yet-forwarded add up to the
  // "reclamacao" count of the manifestações in that period.
  const ranking = raw.complaints.map((item) => ({ ...item, cell: cell(item.complaints) }));
  const notForwarded = cell(raw.complaintsNotForwarded);
  const manifestationCells = raw.manifestations.map((m) => ({ tipo: m.tipo, cells: m.perPeriod.map(cell) }));
  const complaintsTotal = manifestationCells.find((m) => m.tipo === 'reclamacao')?.cells[last12];
  if (complaintsTotal) groups.push([complaintsTotal, [...ranking.map((item) => item.cell), notForwarded]]);
  for (let round = 0; round < 100; round++) {
    let changed = false;
    for (const [total, parts] of groups) changed = protectGroup(total, parts) || changed;
    if (!changed) break;
  }

  const entryOf = (rawEntry: RawEntry, cells: CellEntry): PanelEntry => ({
    id: rawEntry.id,
    name: rawEntry.name,
    periods: Object.fromEntries(raw.periods.map((period, i) => {
      const p = rawEntry.periods[i]!;
      const c = cells.periods[i]!;
      const closedBase = c.closed.hidden || c.withDue.hidden ? { value: 0, hidden: true } : c.closed;
      const metrics: Metrics = {
        received: shown(c.received),
        closed: shown(c.closed),
        onTimeShare: from(closedBase, p.withDue ? p.onTime / p.withDue : null),
        declinedShare: from(c.closed, p.closed ? p.declined / p.closed : null),
        medianDays: from(c.closed, p.medianDays, 1),
        p90Days: from(c.closed, p.p90Days, 1),
        evaluations: shown(c.evaluations),
        evaluationAverage: from(c.evaluations, p.average, 2),
        criteria: Object.fromEntries(raw.criteria.map((criterion, k) => [criterion, {
          good: from(c.evaluations, p.evaluations ? p.good[k]! / p.evaluations : null),
          bad: from(c.evaluations, p.evaluations ? p.bad[k]! / p.evaluations : null),
        }])),
      };
      return [period.key, metrics];
    })),
    open: shown(cells.open),
    overdue: shown(cells.overdue),
    trend: rawEntry.trend.map((m, i) => {
      const c = cells.trend[i]!;
      const base = c.closed.hidden || c.withDue.hidden ? { value: 0, hidden: true } : c.closed;
      return { month: m.month, received: shown(c.received), closed: shown(c.closed), onTimeShare: from(base, m.withDue ? m.onTime / m.withDue : null) };
    }),
  });

  // A hidden count keeps its place a secret too: hidden ones go last, in name order.
  ranking.sort((a, b) => Number(a.cell.hidden) - Number(b.cell.hidden) || (a.cell.hidden ? 0 : b.complaints - a.complaints) || a.name.localeCompare(b.name, 'pt-BR'));
  return {
    computedAt: raw.now.toISOString(),
    periods: raw.periods.map((p) => ({ key: p.key, label: p.label, from: p.from.toISOString(), to: p.to.toISOString() })),
    secretariats: raw.secretariats.map((s) => entryOf(s, secretariatCells.get(s.id)!)),
    services: serviceCells.map(({ raw: s, cells }) => ({ ...entryOf(s, cells), secretariatId: s.secretariatId, promise: s.promise })),
    manifestations: Object.fromEntries(raw.periods.map((period, i) => [
      period.key,
      Object.fromEntries(manifestationCells.map((m) => [m.tipo, shown(m.cells[i]!)])),
    ])),
    complaintsRanking: ranking.map((item) => ({ secretariatId: item.secretariatId, name: item.name, complaints: shown(item.cell) })),
    complaintsNotForwarded: shown(notForwarded),
    integrityReports: raw.integrityReports.map((item) => ({ month: item.month, reports: shown(cell(item.reports)) })),
  };
}

export async function computeSnapshot(db: Queryable, charter: Charter, now = new Date(), options: MeasureOptions = {}): Promise<PanelSnapshot> {
  return publish(await measure(db, charter, now, options));
}

// ---------------------------------------------------------------------------------------------------
// Open data.

/** The same figures as rows: what the CSV and JSON downloads hold (one concept, one place). */
export function openDataRows(snapshot: PanelSnapshot): OpenDataRow[] {
  const rows: OpenDataRow[] = [];
  const push = (secretaria: string, servico: string, periodo: string, metrica: string, valor: number | null) => rows.push({ secretaria, servico, periodo, metrica, valor });
  const today = bahiaDay(new Date(snapshot.computedAt));
  const entry = (secretaria: string, servico: string, e: PanelEntry) => {
    for (const [periodo, m] of Object.entries(e.periods)) {
      push(secretaria, servico, periodo, 'recebidos', m.received);
      push(secretaria, servico, periodo, 'encerrados', m.closed);
      push(secretaria, servico, periodo, 'no_prazo', m.onTimeShare);
      push(secretaria, servico, periodo, 'nao_atendidos', m.declinedShare);
      push(secretaria, servico, periodo, 'mediana_dias', m.medianDays);
      push(secretaria, servico, periodo, 'p90_dias', m.p90Days);
      push(secretaria, servico, periodo, 'avaliacoes', m.evaluations);
      push(secretaria, servico, periodo, 'nota_media', m.evaluationAverage);
      for (const [criterion, value] of Object.entries(m.criteria)) {
        push(secretaria, servico, periodo, `criterio_bom:${criterion}`, value.good);
        push(secretaria, servico, periodo, `criterio_ruim:${criterion}`, value.bad);
      }
    }
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
  push('ouvidoria-sem-encaminhamento', '', 'ultimos-12-meses', 'reclamacoes', snapshot.complaintsNotForwarded);
  for (const item of snapshot.integrityReports) push('cidade', '', item.month, 'relatos_integridade', item.reports);
  return rows;
}

export function toCsv(rows: readonly OpenDataRow[]): string {
  const text = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const cellText = (value: string | number | null) => (value === null ? '' : typeof value === 'number' ? String(value) : text(value));
  return `\uFEFFsecretaria,servico,periodo,metrica,valor\r\n${rows.map((r) => [r.secretaria, r.servico, r.periodo, r.metrica, r.valor].map(cellText).join(',')).join('\r\n')}\r\n`;
}
