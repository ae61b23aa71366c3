/**
 * The small-count rule's building blocks: which published figures could be combined to reveal a count
 * between 1 and 4, and which to hide so that none can.
 *
 * A count under 5 is hidden ("menos de 5"). A share is the average of a yes/no answer, so it gives away
 * two counts, given its base: its numerator (yes) and its complement (no); it is published only when
 * both are at least 5. An average of 1–5 grades gives away, given its base, the points above the lowest
 * grade (sum − n) and below the highest (5n − sum): a 5-person 4.8 says one person gave a 4. It is
 * treated as a share of points, published only when both are at least 5. Those counts then take part in
 * every subtraction (parent minus children, a year minus its months) like any published count.
 */
import { SMALL_COUNT } from '../../../shared/contract/transparency.ts';

/** A count to publish: its true value, and whether it must be hidden. */
export interface Cell {
  readonly value: number;
  hidden: boolean;
}

export const cell = (value: number): Cell => ({ value, hidden: value < SMALL_COUNT });

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

/**
 * A share's two counts, published or hidden together (the share shows both or neither): `yes` of `base`
 * and `base − yes`. For an average, `yes` is the points above the lowest grade and `base` all the points
 * between the lowest and the highest.
 */
export function sharePair(yes: number, base: number): [Cell, Cell] {
  const state = { hidden: yes < SMALL_COUNT || base - yes < SMALL_COUNT };
  const linked = (value: number): Cell => ({
    value,
    get hidden() { return state.hidden; },
    set hidden(hide: boolean) { state.hidden ||= hide; },
  });
  return [linked(yes), linked(base - yes)];
}

/** A published cell with the sign it takes in a sum. */
export interface Derivation {
  cell: Cell;
  sign: number;
}

// ---------------------------------------------------------------------------------------------------
// Time: the rolling windows, the years and the months overlap.

/**
 * The time a figure covers, cut into slices at every instant where a period or a month starts or ends:
 * each period and each month of the trend is a run of whole slices.
 */
export interface Timeline {
  slices: number;
  periods: number[][];
  months: number[][];
}

export function timelineOf(periods: readonly { from: Date; to: Date }[], months: readonly { from: Date; to: Date }[]): Timeline {
  const ranges = [...periods, ...months].map((r) => [r.from.getTime(), r.to.getTime()] as const);
  const edges = [...new Set(ranges.flat())].sort((a, b) => a - b);
  const slicesOf = ([from, to]: readonly [number, number]) => edges.slice(0, -1).flatMap((start, k) => (start >= from && edges[k + 1]! <= to ? [k] : []));
  return { slices: Math.max(0, edges.length - 1), periods: ranges.slice(0, periods.length).map(slicesOf), months: ranges.slice(periods.length).map(slicesOf) };
}

/** A term of a combination, and where its cell sits in the figure. */
export interface Term extends Derivation {
  index: number;
  month: boolean;
}

/** A combination of published cells that adds up to the items of some slices, each once. */
export interface Combination {
  terms: Term[];
  /** 1 for each slice the count covers, 0 elsewhere. */
  slices: number[];
  value: number;
}

/**
 * Every count one figure's periods and months can be combined into: each period added, subtracted or
 * left out, then each shown month subtracted (or added) as far as it makes every slice count once or not
 * at all. Only shown cells take part; what comes out is a count of real items.
 */
export function combinations(line: Timeline, periods: readonly Cell[], months: readonly Cell[] | null): Combination[] {
  const found: Combination[] = [];
  const visible = periods.flatMap((c, i) => (c.hidden ? [] : [i]));
  const shownMonths = months ? months.flatMap((c, m) => (c.hidden || !line.months[m]!.length ? [] : [m])) : [];
  const total = 3 ** visible.length;
  const coefficients = new Array<number>(line.slices);
  for (let code = 1; code < total; code++) {
    coefficients.fill(0);
    const terms: Term[] = [];
    let rest = code;
    for (const i of visible) {
      const sign = rest % 3 === 2 ? -1 : rest % 3;
      rest = Math.floor(rest / 3);
      if (!sign) continue;
      for (const s of line.periods[i]!) coefficients[s]! += sign;
      terms.push({ cell: periods[i]!, sign, index: i, month: false });
    }
    for (const m of shownMonths) {
      const slices = line.months[m]!;
      let lowest = Infinity;
      for (const s of slices) lowest = Math.min(lowest, coefficients[s]!);
      if (!lowest) continue;
      for (const s of slices) coefficients[s]! -= lowest;
      terms.push({ cell: months![m]!, sign: -lowest, index: m, month: true });
    }
    let any = false;
    let valid = true;
    for (const x of coefficients) {
      if (x === 1) any = true;
      else if (x !== 0) { valid = false; break; }
    }
    if (!valid || !any) continue;
    found.push({ terms, slices: [...coefficients], value: terms.reduce((sum, t) => sum + t.sign * t.cell.value, 0) });
  }
  return found;
}

/**
 * Hides cells of one figure (a metric of one secretariat or service) until no combination of its shown
 * periods and months comes to 1–4 (last 12 months − this year − the months of last year in the trend:
 * last year's months before the trend, say). Returns whether anything was hidden.
 */
export function protectTimeline(line: Timeline, periods: readonly Cell[], months: readonly Cell[] | null): boolean {
  let changed = false;
  for (;;) {
    // All the leaks of one pass, each closed unless an earlier one's fix already did.
    const leaks = combinations(line, periods, months).filter((c) => c.value > 0 && c.value < SMALL_COUNT);
    if (!leaks.length) return changed;
    for (const leak of leaks) {
      if (leak.terms.some((t) => t.cell.hidden)) continue;
      leak.terms.map((t) => t.cell).sort((a, b) => a.value - b.value)[0]!.hidden = true;
      changed = true;
    }
  }
}

/** One metric of one secretariat or service: a cell per period, and per month when the trend shows it. */
export interface Figure {
  periods: Cell[];
  months: Cell[] | null;
}

const at = (figure: Figure, term: Term): Cell => (term.month ? figure.months! : figure.periods)[term.index]!;

/**
 * The same for a secretariat's figure against its services': every combination of the secretariat's
 * shown cells, less the same combination of each service whose same cells are shown, must not come to
 * 1–4 (last year minus June for the secretariat, less the same for the one service shown in both, leaves
 * the others' last year without June). While one does, the smallest such service count of 5 or more
 * loses its smallest cell (or, with none, the secretariat's combination does). Returns whether anything
 * was hidden.
 */
export function protectBreakdown(line: Timeline, total: Figure, parts: readonly Figure[]): boolean {
  let changed = false;
  /** What the combination leaves of the services not subtracted, and the services subtracted, as shown now. */
  const remainder = (combination: Combination) => {
    const same = parts
      .filter((part) => combination.terms.every((t) => !at(part, t).hidden))
      .map((part) => ({ part, value: combination.terms.reduce((sum, t) => sum + t.sign * at(part, t).value, 0) }));
    return { rest: combination.value - same.reduce((sum, s) => sum + s.value, 0), same };
  };
  const leaking = (combination: Combination) => {
    if (combination.terms.some((t) => t.cell.hidden)) return null;
    const found = remainder(combination);
    return found.rest > 0 && found.rest < SMALL_COUNT ? found : null;
  };
  for (;;) {
    const leaks = combinations(line, total.periods, total.months).filter((c) => leaking(c));
    if (!leaks.length) return changed;
    for (const leak of leaks) {
      // Checked again: fixing an earlier leak may have fixed this one.
      const found = leaking(leak);
      if (!found) continue;
      const part = found.same.filter((s) => s.value >= SMALL_COUNT).sort((a, b) => a.value - b.value)[0]?.part;
      const cells = part ? leak.terms.map((t) => at(part, t)).filter((c) => !c.hidden) : leak.terms.map((t) => t.cell);
      cells.sort((a, b) => a.value - b.value)[0]!.hidden = true;
      changed = true;
    }
  }
}
