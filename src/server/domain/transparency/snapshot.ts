/**
 * Computes the public panel from what is stored: requests with their due dates and how long they waited
 * for the citizen, evaluations, manifestações by type, integrity reports by month. Each figure comes from
 * an aggregate scan with a FILTER per period (and per month of the trend), per (secretariat, service);
 * see "How the figures are read fast" in
 * storage/transparency-counts.ts.
 *
 * Two steps: `measure` reads raw numbers, `publish` applies the small-count rule to them, once, before
 * anything is stored or served (see protectGroups for why hiding counts under 5 is not enough).
 */
import { bahiaDay, bahiaDayStart } from '../../../shared/dates.ts';
import type { Charter, Deadline } from '../../../shared/contract/charter.ts';
import type { PanelSnapshot } from '../../../shared/contract/transparency.ts';
import { integrityReportsByMonth, ouvidoriaCounts } from './channel-counts.ts';
import { publish } from './publish.ts';
import type { Period, RawEntry, RawSnapshot } from './raw-snapshot.ts';
import type { Queryable } from '../../storage/types.ts';
import { evaluationCounts, requestDayPercentiles, requestOutcomeCounts, yearsWithSubmissions, type GroupedRow } from '../../storage/transparency-counts.ts';

const DAY = 86_400_000;

export function monthsBack(now: Date, count: number): string[] {
  const [year, month] = bahiaDay(now).split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(year, month - 1 - (count - 1 - i), 1)).toISOString().slice(0, 7));
}

export function periodsAt(now: Date, years: readonly number[]): Period[] {
  const months = monthsBack(now, 12);
  return [
    { key: 'ultimos-30-dias', label: 'Últimos 30 dias', from: new Date(now.getTime() - 30 * DAY), to: now },
    { key: 'ultimos-12-meses', label: 'Últimos 12 meses', from: bahiaDayStart(`${months[0]}-01`), to: now },
    ...years.map((year) => ({ key: String(year), label: String(year), from: bahiaDayStart(`${year}-01-01`), to: year === Number(bahiaDay(now).slice(0, 4)) ? now : bahiaDayStart(`${year + 1}-01-01`) })),
  ];
}

export function promiseWords(deadline: Deadline): string {
  const unit = { minutes: 'minutos', hours: 'horas', business_days: 'dias úteis', calendar_days: 'dias', months: 'meses' }[deadline.unit];
  return `até ${deadline.max} ${unit}`;
}

type Row = GroupedRow;
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const int = (value: unknown): number => num(value) ?? 0;

/**
 * Counts per (secretariat, service): a column per (metric, period) and per (metric, month of the trend),
 * plus open and overdue today. The database only sorts the rows into slices of time (between any two
 * instants where a period or a month starts or ends) and counts them per slice and outcome; the periods
 * and months, each a run of whole slices, are added up here.
 */
async function requestCounts(db: Queryable, periods: readonly Period[], months: readonly string[], now: Date): Promise<Row[]> {
  const [year, month] = months.at(-1)!.split('-').map(Number) as [number, number];
  const monthStarts = [...months, new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 7)].map((m) => bahiaDayStart(`${m}-01`).getTime());
  const monthRanges = months.map((_m, i) => [monthStarts[i]!, i === months.length - 1 ? now.getTime() : monthStarts[i + 1]!] as const);
  const periodRanges = periods.map((p) => [p.from.getTime(), p.to.getTime()] as const);
  const edges = [...new Set([...monthRanges.flat(), ...periodRanges.flat()])].sort((x, y) => x - y);
  // width_bucket: slice k (1 … edges.length − 1) is [edges[k − 1], edges[k]); 0 and edges.length are outside.
  const slicesOf = ([from, to]: readonly [number, number]) => {
    const inside = new Set<number>();
    for (let k = 1; k < edges.length; k++) if (edges[k - 1]! >= from && edges[k]! <= to) inside.add(k);
    return inside;
  };
  const periodSlices = periodRanges.map(slicesOf);
  const monthSlices = monthRanges.map(slicesOf);
  // One number per outcome (slices received and closed, and four flags), packed as requestOutcomeCounts says.
  const result = await requestOutcomeCounts(db, edges.map((t) => new Date(t)), now);
  const rows = new Map<string, Row & Record<string, number>>();
  for (const g of result) {
    const key = `${g.secretariat_id}\u0000${g.service_id}`;
    let row = rows.get(key);
    if (!row) rows.set(key, row = { secretariat_id: g.secretariat_id, service_id: g.service_id } as Row & Record<string, number>);
    const n = Number(g.n);
    const add = (column: string) => { row[column] = (row[column] ?? 0) + n; };
    const k = Number(g.k);
    const flags = { declined: (k & 1) !== 0, on_time: (k & 2) !== 0, with_due: (k & 4) !== 0, overdue: (k & 8) !== 0 };
    const r = Math.floor(k / 1600);
    const c = Math.floor(k / 16) % 100 === 99 ? null : Math.floor(k / 16) % 100;
    if (c === null) add('open');
    if (flags.overdue) add('overdue');
    periodSlices.forEach((slices, i) => {
      if (slices.has(r)) add(`received_${i}`);
      if (c === null || !slices.has(c)) return;
      add(`closed_${i}`);
      if (flags.declined) add(`declined_${i}`);
      if (flags.on_time) add(`on_time_${i}`);
      if (flags.with_due) add(`with_due_${i}`);
    });
    monthSlices.forEach((slices, m) => {
      if (slices.has(r)) add(`m_received_${m}`);
      if (c === null || !slices.has(c)) return;
      add(`m_closed_${m}`);
      if (flags.on_time) add(`m_on_time_${m}`);
      if (flags.with_due) add(`m_with_due_${m}`);
    });
  }
  return [...rows.values()];
}

/** Adds rows up per secretariat (key "s:id") beside the rows per service (key "v:secretariat:service"). */
function withTotals<T extends Row>(rows: readonly T[]): Map<string, Record<string, number>> {
  const map = new Map<string, Record<string, number>>();
  const add = (key: string, row: T) => {
    const sum = map.get(key) ?? {};
    for (const [column, value] of Object.entries(row)) {
      if (column === 'secretariat_id' || column === 'service_id' || value === null || value === undefined) continue;
      sum[column] = (sum[column] ?? 0) + Number(value);
    }
    map.set(key, sum);
  };
  for (const row of rows) {
    add(`s:${row.secretariat_id}`, row);
    add(`v:${row.secretariat_id}:${row.service_id}`, row);
  }
  return map;
}

/** percentile_cont's array, as the driver gives it (PGlite and pg parse float8[]; text is read too). */
function pair(value: unknown): [number | null, number | null] {
  if (value === null || value === undefined) return [null, null];
  const list = Array.isArray(value) ? value : String(value).replace(/[{}]/g, '').split(',');
  return [num(list[0]), num(list[1])];
}

export interface MeasureOptions {
  /** The years to report besides the rolling windows; default: the current one and up to two before it with data. */
  years?: readonly number[];
}

/** The years to report besides the rolling windows: this one, and the two before it when they hold any submission (an index lookup each). */
async function reportedYears(db: Queryable, now: Date): Promise<number[]> {
  const currentYear = Number(bahiaDay(now).slice(0, 4));
  const row = await yearsWithSubmissions(db, bahiaDayStart(`${currentYear - 2}-01-01`), bahiaDayStart(`${currentYear - 1}-01-01`), bahiaDayStart(`${currentYear}-01-01`));
  return [currentYear, ...(row?.previous ? [currentYear - 1] : []), ...(row?.older ? [currentYear - 2] : [])];
}

/** The figures of one secretariat (key "s:id") or service (key "v:secretariat:service"), read off the grouped rows. */
interface EntrySources {
  periods: readonly Period[];
  months: readonly string[];
  criteria: readonly string[];
  requestsBy: Map<string, Record<string, number>>;
  timesBy: Map<string, Row>;
  evaluationsBy: Map<string, Record<string, number>>;
}

function rawEntry({ periods, months, criteria, requestsBy, timesBy, evaluationsBy }: EntrySources, k: string, id: string, name: string): RawEntry {
  const r = requestsBy.get(k);
  const t = timesBy.get(k);
  const e = evaluationsBy.get(k);
  return {
    id,
    name,
    periods: periods.map((_, i) => {
      const [medianDays, p90Days] = pair(t?.[`days_${i}`]);
      const graded = int(e?.[`graded_${i}`]);
      return {
        received: int(r?.[`received_${i}`]),
        closed: int(r?.[`closed_${i}`]),
        declined: int(r?.[`declined_${i}`]),
        onTime: int(r?.[`on_time_${i}`]),
        withDue: int(r?.[`with_due_${i}`]),
        medianDays,
        p90Days,
        evaluations: int(e?.[`evaluations_${i}`]),
        graded,
        gradeSum: int(e?.[`grades_${i}`]),
        good: criteria.map((_c, c) => int(e?.[`good_${i}_${c}`])),
        bad: criteria.map((_c, c) => int(e?.[`bad_${i}_${c}`])),
      };
    }),
    open: int(r?.open),
    overdue: int(r?.overdue),
    trend: months.map((month, m) => ({
      month,
      received: int(r?.[`m_received_${m}`]),
      closed: int(r?.[`m_closed_${m}`]),
      onTime: int(r?.[`m_on_time_${m}`]),
      withDue: int(r?.[`m_with_due_${m}`]),
    })),
  };
}

export async function measure(db: Queryable, charter: Charter, now = new Date(), options: MeasureOptions = {}): Promise<RawSnapshot> {
  const periods = periodsAt(now, options.years ?? await reportedYears(db, now));
  const months = monthsBack(now, 12);
  const evaluationForm = charter.forms.find((f) => f.kind === 'evaluation');
  const criteria = evaluationForm?.fields.find((f) => f.id === 'pontosPositivos')?.options?.map((o) => o.value) ?? [];

  const [requests, times, evaluations] = await Promise.all([
    requestCounts(db, periods, months, now),
    requestDayPercentiles(db, periods, now),
    evaluationCounts(db, periods, criteria, now),
  ]);
  const sources: EntrySources = {
    periods, months, criteria,
    requestsBy: withTotals(requests),
    timesBy: new Map(times.map((row) => [Number(row.by_secretariat) ? `s:${row.secretariat_id}` : `v:${row.secretariat_id}:${row.service_id}`, row])),
    evaluationsBy: withTotals(evaluations),
  };
  const ouvidoria = await ouvidoriaCounts(db, charter, periods, now);
  const integrityReports = await integrityReportsByMonth(db, months, now);

  const requestForms = new Set(charter.forms.filter((f) => f.kind === 'request').map((f) => f.id));
  return {
    now,
    periods,
    months,
    criteria,
    secretariats: charter.secretariats.map((s) => rawEntry(sources, `s:${s.id}`, s.id, s.name)),
    services: charter.services
      .filter((service) => service.formId && requestForms.has(service.formId))
      .map((service) => ({ ...rawEntry(sources, `v:${service.secretariatId}:${service.id}`, service.id, service.name), secretariatId: service.secretariatId, promise: promiseWords(service.deadline) })),
    ...ouvidoria,
    integrityReports,
  };
}

/** The panel as published: measured, then the small-count rule applied (publish.ts). */
export async function computeSnapshot(db: Queryable, charter: Charter, now = new Date(), options: MeasureOptions = {}): Promise<PanelSnapshot> {
  return publish(await measure(db, charter, now, options));
}
