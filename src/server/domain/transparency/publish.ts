/**
 * The small-count rule applied to the raw figures, once, before anything is stored or served: what the
 * panel, the open data (CSV and JSON) and every service's promise line publish.
 *
 * Every count the public can read or work out takes part: the counts themselves, and the two counts
 * behind each share and average (see disclosure.ts). Hidden: any under 5; then, until nothing changes,
 *  - in every total beside its parts (a secretariat and its services, per period and per month), the
 *    smallest part still shown while the hidden ones add up to 1–4;
 *  - in every figure's time line, a cell of any combination of its periods and months that comes to 1–4
 *    (last year minus the months of last year in the 12-month trend, say; see protectTimeline);
 *  - the same for a secretariat's combinations less the same combinations of its services;
 *  - a share when the count it is a share of is hidden.
 * A median or a p90 is published only when at least 5 requests lie on each side of it (a median from
 * 10 closed requests, a p90 from 50), and its count is.
 */
import { SMALL_COUNT, type Metrics, type PanelEntry, type PanelSnapshot } from '../../../shared/contract/transparency.ts';
import {
  cell, protectBreakdown, protectGroup, protectTimeline, sharePair, timelineOf, type Cell, type Figure,
} from './disclosure.ts';
import type { RawEntry, RawSnapshot } from './raw-snapshot.ts';
import { bahiaDayStart } from '../../../shared/dates.ts';

interface EntryFigures {
  figures: Map<string, Figure>;
  open: Cell;
  overdue: Cell;
}

/** A share hidden because the count it is a share of is. */
type Dependency = [share: Cell, base: Cell];

function pairs(yes: readonly number[], base: readonly number[], alsoHide: (i: number) => boolean = () => false): [Cell[], Cell[]] {
  const made = yes.map((y, i) => {
    const pair = sharePair(y, base[i]!);
    if (alsoHide(i)) pair[0].hidden = true;
    return pair;
  });
  return [made.map((p) => p[0]), made.map((p) => p[1])];
}

function figuresOf(entry: RawEntry, criteria: readonly string[], dependencies: Dependency[]): EntryFigures {
  const figures = new Map<string, Figure>();
  const periods = entry.periods;
  const received: Figure = { periods: periods.map((p) => cell(p.received)), months: entry.trend.map((m) => cell(m.received)) };
  const closed: Figure = { periods: periods.map((p) => cell(p.closed)), months: entry.trend.map((m) => cell(m.closed)) };
  const evaluations: Figure = { periods: periods.map((p) => cell(p.evaluations)), months: null };
  figures.set('received', received).set('closed', closed).set('evaluations', evaluations);

  const [onTime, late] = pairs(periods.map((p) => p.onTime), periods.map((p) => p.withDue));
  const [onTimeMonths, lateMonths] = pairs(entry.trend.map((m) => m.onTime), entry.trend.map((m) => m.withDue));
  figures.set('onTime', { periods: onTime, months: onTimeMonths }).set('late', { periods: late, months: lateMonths });
  onTime.forEach((c, i) => dependencies.push([c, closed.periods[i]!]));
  onTimeMonths.forEach((c, m) => dependencies.push([c, closed.months![m]!]));

  const [declined, kept] = pairs(periods.map((p) => p.declined), periods.map((p) => p.closed));
  figures.set('declined', { periods: declined, months: null }).set('notDeclined', { periods: kept, months: null });
  declined.forEach((c, i) => dependencies.push([c, closed.periods[i]!]));

  criteria.forEach((criterion, k) => {
    for (const side of ['good', 'bad'] as const) {
      const [ticked, notTicked] = pairs(periods.map((p) => p[side][k]!), periods.map((p) => p.evaluations));
      figures.set(`${side}:${criterion}`, { periods: ticked, months: null }).set(`not-${side}:${criterion}`, { periods: notTicked, months: null });
      ticked.forEach((c, i) => dependencies.push([c, evaluations.periods[i]!]));
    }
  });

  // An average of 1–5 grades as a share of points: above the lowest grade, of all between lowest and highest.
  const [above, below] = pairs(periods.map((p) => p.gradeSum - p.graded), periods.map((p) => 4 * p.graded), (i) => periods[i]!.graded < SMALL_COUNT);
  figures.set('gradeAbove', { periods: above, months: null }).set('gradeBelow', { periods: below, months: null });
  above.forEach((c, i) => dependencies.push([c, evaluations.periods[i]!]));
  return { figures, open: cell(entry.open), overdue: cell(entry.overdue) };
}

const shown = (c: Cell): number | null => (c.hidden ? null : c.value);
const rounded = (value: number, digits: number) => Number(value.toFixed(digits));
/** A percentile q of n values is published when at least 5 of them lie on each side of it. */
const percentileShown = (q: number, n: number) => Math.floor(q * n + 1e-9) >= SMALL_COUNT && Math.floor((1 - q) * n + 1e-9) >= SMALL_COUNT;

function monthRanges(raw: RawSnapshot): { from: Date; to: Date }[] {
  const start = (month: string) => bahiaDayStart(`${month}-01`);
  return raw.months.map((month, i) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
    return { from: start(month), to: i === raw.months.length - 1 ? raw.now : start(next) };
  });
}

/** Every figure of the snapshot, and every rule between them that the small-count rule must keep. */
interface Constraints {
  secretariatFigures: Map<string, EntryFigures>;
  serviceFigures: { raw: RawSnapshot['services'][number]; figures: EntryFigures }[];
  dependencies: Dependency[];
  /** Every total beside its parts, per cell. */
  groups: [Cell, Cell[]][];
  /** Every total beside its parts, per combination of cells over time. */
  breakdowns: [Figure, Figure[]][];
  timelines: Figure[];
  manifestationCells: { tipo: RawSnapshot['manifestations'][number]['tipo']; cells: Cell[] }[];
  ranking: (RawSnapshot['complaints'][number] & { cell: Cell })[];
  notForwarded: Cell;
}

function constraintsOf(raw: RawSnapshot): Constraints {
  const dependencies: Dependency[] = [];
  const secretariatFigures = new Map(raw.secretariats.map((s) => [s.id, figuresOf(s, raw.criteria, dependencies)]));
  const serviceFigures = raw.services.map((s) => ({ raw: s, figures: figuresOf(s, raw.criteria, dependencies) }));
  const all = [...secretariatFigures.values(), ...serviceFigures.map((s) => s.figures)];

  // Every total beside its parts: a secretariat and its services, per cell (and, in protectBreakdown, per
  // combination of cells over time).
  const groups: [Cell, Cell[]][] = [];
  const breakdowns: [Figure, Figure[]][] = [];
  for (const [id, total] of secretariatFigures) {
    const parts = serviceFigures.filter((s) => s.raw.secretariatId === id).map((s) => s.figures);
    groups.push([total.open, parts.map((p) => p.open)], [total.overdue, parts.map((p) => p.overdue)]);
    for (const [name, figure] of total.figures) {
      const partFigures = parts.map((p) => p.figures.get(name)!);
      breakdowns.push([figure, partFigures]);
      figure.periods.forEach((c, i) => groups.push([c, partFigures.map((p) => p.periods[i]!)]));
      figure.months?.forEach((c, m) => groups.push([c, partFigures.map((p) => p.months![m]!)]));
    }
  }
  // Manifestações by type have periods only; the complaints ranking adds up (with those not yet
  // forwarded) to the reclamações of the last 12 months, which are published too.
  const last12 = raw.periods.findIndex((p) => p.key === 'ultimos-12-meses');
  const manifestationCells = raw.manifestations.map((m) => ({ tipo: m.tipo, cells: m.perPeriod.map(cell) }));
  const ranking = raw.complaints.map((item) => ({ ...item, cell: cell(item.complaints) }));
  const notForwarded = cell(raw.complaintsNotForwarded);
  const complaints = manifestationCells.find((m) => m.tipo === 'reclamacao');
  if (complaints) groups.push([complaints.cells[last12]!, [...ranking.map((item) => item.cell), notForwarded]]);
  const timelines: Figure[] = [
    ...all.flatMap((entry) => [...entry.figures.values()]),
    ...manifestationCells.map((m) => ({ periods: m.cells, months: null })),
  ];
  return { secretariatFigures, serviceFigures, dependencies, groups, breakdowns, timelines, manifestationCells, ranking, notForwarded };
}

/** Hides cells, rule after rule, until a whole round hides nothing more. */
function hideUntilStable(line: ReturnType<typeof timelineOf>, { groups, timelines, breakdowns, dependencies }: Constraints): void {
  const safe = new Map<Figure, string>();
  const safeBreakdowns = new Map<Figure, string>();
  const stateOf = (figures: Figure[]) => figures.map((f) => [...f.periods, ...(f.months ?? [])].map((c) => (c.hidden ? 1 : 0)).join('')).join('|');
  for (let round = 0; round < 1_000; round++) {
    let changed = false;
    for (const [total, parts] of groups) changed = protectGroup(total, parts) || changed;
    // A figure (or a breakdown) found safe stays safe until one of its cells is hidden.
    for (const figure of timelines) {
      if (safe.get(figure) === stateOf([figure])) continue;
      changed = protectTimeline(line, figure.periods, figure.months) || changed;
      safe.set(figure, stateOf([figure]));
    }
    for (const [total, parts] of breakdowns) {
      if (safeBreakdowns.get(total) === stateOf([total, ...parts])) continue;
      changed = protectBreakdown(line, total, parts) || changed;
      safeBreakdowns.set(total, stateOf([total, ...parts]));
    }
    for (const [share, base] of dependencies) {
      if (base.hidden && !share.hidden) {
        share.hidden = true;
        changed = true;
      }
    }
    if (!changed) break;
  }
}

/** What the public reads of a secretariat or a service: every hidden cell as null. */
function entryOf(raw: RawSnapshot, rawEntry: RawEntry, entry: EntryFigures): PanelEntry {
  const f = (name: string) => entry.figures.get(name)!;
  return {
    id: rawEntry.id,
    name: rawEntry.name,
    periods: Object.fromEntries(raw.periods.map((period, i) => {
      const p = rawEntry.periods[i]!;
      const closedShown = !f('closed').periods[i]!.hidden;
      const shareOf = (name: string, yes: number, base: number) => (f(name).periods[i]!.hidden ? null : rounded(yes / base, 3));
      const metrics: Metrics = {
        received: shown(f('received').periods[i]!),
        closed: shown(f('closed').periods[i]!),
        onTimeShare: shareOf('onTime', p.onTime, p.withDue),
        declinedShare: shareOf('declined', p.declined, p.closed),
        medianDays: closedShown && p.medianDays !== null && percentileShown(0.5, p.closed) ? rounded(p.medianDays, 1) : null,
        p90Days: closedShown && p.p90Days !== null && percentileShown(0.9, p.closed) ? rounded(p.p90Days, 1) : null,
        evaluations: shown(f('evaluations').periods[i]!),
        evaluationAverage: f('gradeAbove').periods[i]!.hidden ? null : rounded(p.gradeSum / p.graded, 2),
        criteria: Object.fromEntries(raw.criteria.map((criterion, k) => [criterion, {
          good: shareOf(`good:${criterion}`, p.good[k]!, p.evaluations),
          bad: shareOf(`bad:${criterion}`, p.bad[k]!, p.evaluations),
        }])),
      };
      return [period.key, metrics];
    })),
    open: shown(entry.open),
    overdue: shown(entry.overdue),
    trend: rawEntry.trend.map((m, i) => ({
      month: m.month,
      received: shown(f('received').months![i]!),
      closed: shown(f('closed').months![i]!),
      onTimeShare: f('onTime').months![i]!.hidden ? null : rounded(m.onTime / m.withDue, 3),
    })),
  };
}

export function publish(raw: RawSnapshot): PanelSnapshot {
  const constraints = constraintsOf(raw);
  hideUntilStable(timelineOf(raw.periods, monthRanges(raw)), constraints);
  const { secretariatFigures, serviceFigures, manifestationCells, ranking, notForwarded } = constraints;

  // A hidden count keeps its place a secret too: hidden ones go last, in name order.
  ranking.sort((a, b) => Number(a.cell.hidden) - Number(b.cell.hidden) || (a.cell.hidden ? 0 : b.complaints - a.complaints) || a.name.localeCompare(b.name, 'pt-BR'));
  return {
    computedAt: raw.now.toISOString(),
    periods: raw.periods.map((p) => ({ key: p.key, label: p.label, from: p.from.toISOString(), to: p.to.toISOString() })),
    secretariats: raw.secretariats.map((s) => entryOf(raw, s, secretariatFigures.get(s.id)!)),
    services: serviceFigures.map(({ raw: s, figures }) => ({ ...entryOf(raw, s, figures), secretariatId: s.secretariatId, promise: s.promise })),
    manifestations: Object.fromEntries(raw.periods.map((period, i) => [
      period.key,
      Object.fromEntries(manifestationCells.map((m) => [m.tipo, shown(m.cells[i]!)])),
    ])),
    complaintsRanking: ranking.map((item) => ({ secretariatId: item.secretariatId, name: item.name, complaints: shown(item.cell) })),
    complaintsNotForwarded: shown(notForwarded),
    integrityReports: raw.integrityReports.map((item) => ({ month: item.month, reports: shown(cell(item.reports)) })),
  };
}
