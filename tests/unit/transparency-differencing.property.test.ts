/**
 * The panel's small-count rule as an attacker tests it (issue 15, finding 9): random cities with few
 * requests, evaluations and manifestações per service, spread over three years, the 12-month trend and
 * the 30-day window (three clocks: a trend that spans two calendar years, a 30-day window across New
 * Year, a trend inside one year). The raw figures are added up here from the generated items, published
 * by the real code (publish, the same function computeSnapshot calls after reading the database), and
 * read back as the public reads them: the CSV (/api/transparencia/dados.csv), the summary's promise lines
 * and the services file. Then, for every secretariat and service and every metric:
 *  - every count and every share or average times its base (and its complement) is 0 or at least 5;
 *  - every combination of a figure's published periods (each added, subtracted or left out) less its
 *    published months is, when it counts real items at all, 0 or at least 5 (a past year minus its
 *    months in the trend, the 30 days minus their whole months, the last 12 months minus this year…);
 *  - every such count for a secretariat minus the same count of any set of its services is 0 or ≥ 5;
 *  - the complaints ranking minus any of its shown counts, against the reclamações published;
 *  - a median needs 10 closed requests, a p90 50 (5 on each side).
 * The attacker is given more than the public has: the exact bases (requests with a deadline, graded
 * evaluations), so a share gives back its count exactly.
 *
 * 200 data sets in `npm test`; PROPERTY_RUNS (2,000 from `npm run soak`) for more; PROPERTY_SEED to vary.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthsBack, periodsAt } from '../../src/server/domain/transparency/snapshot.ts';
import { openDataRows, toCsv } from '../../src/server/domain/transparency/open-data.ts';
import { publish } from '../../src/server/domain/transparency/publish.ts';
import type { RawEntry, RawPeriod, RawSnapshot } from '../../src/server/domain/transparency/raw-snapshot.ts';
import { promiseKeptText, summaryOf, type PanelSnapshot } from '../../src/shared/contract/transparency.ts';

const SEED = Number(process.env.PROPERTY_SEED) || 13_460_15;
const RUNS = Number(process.env.PROPERTY_RUNS) || 200;
const DAY = 86_400_000;
const CRITERIA = ['clareza', 'prazo'];
const TIPOS = ['reclamacao', 'elogio'];
/** Three clocks: the trend across New Year (30 days inside March); the 30 days across New Year; one calendar year. */
const CLOCKS = ['2026-03-20T15:00:00.000Z', '2027-01-10T15:00:00.000Z', '2026-12-15T15:00:00.000Z'].map((t) => new Date(t));

interface Range { from: number; to: number }
const bahiaStart = (day: string) => Date.parse(`${day}T03:00:00.000Z`);

/** The clock's periods and months as instants, and the cuts between them (to place items near edges). */
function calendar(now: Date) {
  const year = Number(new Date(now.getTime() - 3 * 3_600_000).toISOString().slice(0, 4));
  const periods = periodsAt(now, [year, year - 1, year - 2]);
  const months = monthsBack(now, 12);
  const monthRanges: Range[] = months.map((month, i) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    return { from: bahiaStart(`${month}-01`), to: i === 11 ? now.getTime() : bahiaStart(`${new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7)}-01`) };
  });
  const periodRanges: Range[] = periods.map((p) => ({ from: p.from.getTime(), to: p.to.getTime() }));
  const cuts = [...new Set([...periodRanges, ...monthRanges].flatMap((r) => [r.from, r.to]))].sort((a, b) => a - b);
  return { now, periods, months, periodRanges, monthRanges, cuts };
}
type Calendar = ReturnType<typeof calendar>;

/**
 * An instant: a slice between two cuts, and where in it. Most fall in the few slices their service
 * favours, so that counts pile up in some places (last year's months before the trend, the first days of
 * the 30) and stay small in others: where subtractions find something.
 */
const instant = fc.record({ slice: fc.nat(), favoured: fc.nat(3), at: fc.double({ min: 0, max: 0.999, noNaN: true }) });
const place = (cal: Calendar, p: { slice: number; favoured: number; at: number }, favourites: readonly number[]) => {
  const k = (p.favoured ? favourites[p.favoured % favourites.length]! : p.slice) % (cal.cuts.length - 1);
  return Math.floor(cal.cuts[k]! + p.at * (cal.cuts[k + 1]! - cal.cuts[k]!));
};

const request = fc.record({
  received: instant, closed: fc.option(instant, { freq: 4 }), declined: fc.boolean(), withDue: fc.oneof(fc.constant(true), fc.boolean()),
  onTime: fc.boolean(), overdue: fc.boolean(),
});
const evaluation = fc.record({
  at: instant, grade: fc.option(fc.integer({ min: 1, max: 5 }), { freq: 8 }),
  good: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }), bad: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
});
const service = fc.record({ favourites: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), requests: fc.array(request, { maxLength: 12 }), evaluations: fc.array(evaluation, { maxLength: 12 }) });
const city = fc.record({
  clock: fc.integer({ min: 0, max: CLOCKS.length - 1 }),
  secretariats: fc.array(fc.array(service, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
  favourites: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  manifestations: fc.array(fc.record({ at: instant, tipo: fc.constantFrom(...TIPOS), forwardedTo: fc.option(fc.nat(2)) }), { maxLength: 14 }),
});
type City = typeof city extends fc.Arbitrary<infer T> ? T : never;
type Service = City['secretariats'][number][number];

function percentile(values: number[], q: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = q * (sorted.length - 1);
  const low = Math.floor(h);
  return sorted[low]! + (h - low) * (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!);
}

/** What measure() reads from the database, added up from the generated items. */
function rawEntry(cal: Calendar, id: string, services: Service[]): RawEntry {
  const within = (r: Range, t: number | null) => t !== null && t >= r.from && t < r.to;
  const requests = services.flatMap((s) => s.requests.map((q) => {
    const a = place(cal, q.received, s.favourites);
    const b = q.closed ? place(cal, q.closed, s.favourites) : null;
    return { ...q, receivedAt: b === null ? a : Math.min(a, b), closedAt: b === null ? null : Math.max(a, b) };
  }));
  const evaluations = services.flatMap((s) => s.evaluations.map((e) => ({ ...e, t: place(cal, e.at, s.favourites) })));
  const closedIn = (r: Range) => requests.filter((q) => within(r, q.closedAt));
  const periods = cal.periodRanges.map((r): RawPeriod => {
    const closed = closedIn(r);
    const days = closed.map((q) => (q.closedAt! - q.receivedAt) / DAY);
    const evals = evaluations.filter((e) => within(r, e.t));
    const graded = evals.filter((e) => e.grade !== null);
    return {
      received: requests.filter((q) => within(r, q.receivedAt)).length,
      closed: closed.length,
      declined: closed.filter((q) => q.declined).length,
      onTime: closed.filter((q) => q.withDue && q.onTime).length,
      withDue: closed.filter((q) => q.withDue).length,
      medianDays: percentile(days, 0.5),
      p90Days: percentile(days, 0.9),
      evaluations: evals.length,
      graded: graded.length,
      gradeSum: graded.reduce((sum, e) => sum + e.grade!, 0),
      good: CRITERIA.map((_c, k) => evals.filter((e) => e.good[k]).length),
      bad: CRITERIA.map((_c, k) => evals.filter((e) => e.bad[k]).length),
    };
  });
  const open = requests.filter((q) => q.closedAt === null);
  return {
    id, name: id, periods, open: open.length, overdue: open.filter((q) => q.overdue).length,
    trend: cal.monthRanges.map((r, m) => {
      const closed = closedIn(r);
      return {
        month: cal.months[m]!, received: requests.filter((q) => within(r, q.receivedAt)).length, closed: closed.length,
        onTime: closed.filter((q) => q.withDue && q.onTime).length, withDue: closed.filter((q) => q.withDue).length,
      };
    }),
  };
}

function rawCity(c: City): RawSnapshot {
  const cal = calendar(CLOCKS[c.clock]!);
  const manifestations = c.manifestations.map((m) => ({ ...m, t: place(cal, m.at, c.favourites) }));
  const last12 = cal.periodRanges[1]!;
  const complaints = manifestations.filter((m) => m.tipo === 'reclamacao' && m.t >= last12.from && m.t < last12.to);
  const secretariatIds = c.secretariats.map((_s, i) => `sec${i}`);
  return {
    now: cal.now, periods: cal.periods, months: cal.months, criteria: CRITERIA,
    secretariats: c.secretariats.map((services, i) => rawEntry(cal, secretariatIds[i]!, services)),
    services: c.secretariats.flatMap((services, i) => services.map((s, j) => ({ ...rawEntry(cal, `sec${i}-svc${j}`, [s]), secretariatId: secretariatIds[i]!, promise: 'até 10 dias úteis' }))),
    manifestations: TIPOS.map((tipo) => ({ tipo, perPeriod: cal.periodRanges.map((r) => manifestations.filter((m) => m.tipo === tipo && m.t >= r.from && m.t < r.to).length) })),
    complaints: secretariatIds.map((id, i) => ({ secretariatId: id, name: id, complaints: complaints.filter((m) => m.forwardedTo === i).length })),
    complaintsNotForwarded: complaints.filter((m) => m.forwardedTo === null || m.forwardedTo >= secretariatIds.length).length,
    integrityReports: cal.months.map((month, i) => ({ month, reports: i % 4 })),
  };
}

// ---------------------------------------------------------------- the attacker

const small = (value: number) => value > 0.5 && value < 4.5;

/** The CSV as the public downloads it, read back into one number (or null) per row. */
function readCsv(csv: string): Map<string, number | null> {
  const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n').slice(1);
  return new Map(lines.map((line) => {
    const [secretaria, servico, periodo, metrica, valor] = line.split(',');
    return [`${secretaria}|${servico}|${periodo}|${metrica}`, valor === '' ? null : Number(valor)];
  }));
}

/** One figure of one entry as the attacker knows it: a value (or null) per period key and per month. */
type Known = Map<string, number | null>;

/** Counts the attacker reads or works out, per figure, from the CSV (with the exact bases, see above). */
function knownFigures(csv: Map<string, number | null>, raw: RawSnapshot, entry: RawEntry, secretaria: string, servico: string): Map<string, Known> {
  const read = (time: string, metric: string) => csv.get(`${secretaria}|${servico}|${time}|${metric}`) ?? null;
  const figures = new Map<string, Known>();
  const set = (figure: string, time: string, value: number | null) => {
    if (!figures.has(figure)) figures.set(figure, new Map());
    figures.get(figure)!.set(time, value === null ? null : Math.round(value));
  };
  const pair = (yes: string, no: string, time: string, share: number | null, base: number) => {
    set(yes, time, share === null ? null : share * base);
    set(no, time, share === null ? null : (1 - share) * base);
  };
  raw.periods.forEach((period, i) => {
    const p = entry.periods[i]!;
    const k = period.key;
    set('received', k, read(k, 'recebidos'));
    set('closed', k, read(k, 'encerrados'));
    set('evaluations', k, read(k, 'avaliacoes'));
    pair('onTime', 'late', k, read(k, 'no_prazo'), p.withDue);
    pair('declined', 'notDeclined', k, read(k, 'nao_atendidos'), p.closed);
    const average = read(k, 'nota_media');
    set('gradeAbove', k, average === null ? null : (average - 1) * p.graded);
    set('gradeBelow', k, average === null ? null : (5 - average) * p.graded);
    CRITERIA.forEach((criterion) => {
      pair(`good:${criterion}`, `not-good:${criterion}`, k, read(k, `criterio_bom:${criterion}`), p.evaluations);
      pair(`bad:${criterion}`, `not-bad:${criterion}`, k, read(k, `criterio_ruim:${criterion}`), p.evaluations);
    });
  });
  entry.trend.forEach((m) => {
    set('received', m.month, read(m.month, 'recebidos'));
    set('closed', m.month, read(m.month, 'encerrados'));
    pair('onTime', 'late', m.month, read(m.month, 'no_prazo'), m.withDue);
  });
  return figures;
}

/**
 * Every count one figure's published periods and months combine into: each period +1, −1 or left out,
 * then each published month subtracted or added as far as it makes every instant count 0 or 1 times.
 * Keyed by the instants it covers (one point per piece between two cuts), so that a secretariat's and
 * its services' line up.
 */
function timeCounts(cal: Calendar, known: Known): Map<string, number> {
  const points = cal.cuts.slice(0, -1).map((cut, k) => (cut + cal.cuts[k + 1]!) / 2);
  const covers = (r: Range) => points.map((t) => (t >= r.from && t < r.to ? 1 : 0));
  const periods = cal.periods.flatMap((p, i) => {
    const value = known.get(p.key);
    return value === null || value === undefined ? [] : [{ value, cover: covers(cal.periodRanges[i]!) }];
  });
  const months = cal.months.flatMap((month, m) => {
    const value = known.get(month);
    return value === null || value === undefined ? [] : [{ value, cover: covers(cal.monthRanges[m]!) }];
  });
  const found = new Map<string, number>();
  for (let code = 1; code < 3 ** periods.length; code++) {
    const coefficient = points.map(() => 0);
    let value = 0;
    let rest = code;
    for (const p of periods) {
      const sign = [0, 1, -1][rest % 3]!;
      rest = Math.floor(rest / 3);
      p.cover.forEach((x, s) => { coefficient[s]! += sign * x; });
      value += sign * p.value;
    }
    for (const m of months) {
      const inside = m.cover.flatMap((x, s) => (x ? [coefficient[s]!] : []));
      const shift = -Math.min(...inside);
      if (!shift) continue;
      m.cover.forEach((x, s) => { coefficient[s]! += shift * x; });
      value += shift * m.value;
    }
    if (coefficient.every((x) => x === 0 || x === 1) && coefficient.includes(1)) found.set(coefficient.join(''), value);
  }
  for (const m of months) found.set(m.cover.join(''), m.value);
  return found;
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item])], [[]]);
}

/** Everything the attacker finds that is a count from 1 to 4 (or a median or p90 over too few). */
function leaks(raw: RawSnapshot, snapshot: PanelSnapshot): string[] {
  const found: string[] = [];
  const cal = calendar(raw.now);
  const csv = readCsv(toCsv(openDataRows(snapshot)));
  const entries = [
    ...raw.secretariats.map((e) => ({ entry: e, secretaria: e.id, servico: '', parent: null as string | null })),
    ...raw.services.map((e) => ({ entry: e as RawEntry, secretaria: e.secretariatId, servico: e.id, parent: e.secretariatId })),
  ];
  const counts = new Map<string, Map<string, Map<string, number>>>();
  for (const { entry, secretaria, servico } of entries) {
    const figures = knownFigures(csv, raw, entry, secretaria, servico);
    const byFigure = new Map<string, Map<string, number>>();
    for (const [name, known] of figures) {
      for (const [time, value] of known) if (value !== null && small(value)) found.push(`${entry.id} ${name} ${time} = ${value}`);
      const combos = timeCounts(cal, known);
      for (const [cover, value] of combos) if (small(value)) found.push(`${entry.id} ${name}: a combination of its periods and months (${cover}) = ${value}`);
      byFigure.set(name, combos);
    }
    counts.set(entry.id, byFigure);
    for (const time of [...raw.periods.map((p) => p.key)]) {
      const closed = entry.periods[raw.periods.findIndex((p) => p.key === time)]!.closed;
      const median = csv.get(`${secretaria}|${servico}|${time}|mediana_dias`);
      const p90 = csv.get(`${secretaria}|${servico}|${time}|p90_dias`);
      if (median != null && closed < 10) found.push(`${entry.id} ${time}: a median of ${closed}`);
      if (p90 != null && closed < 50) found.push(`${entry.id} ${time}: a p90 of ${closed}`);
    }
    for (const metric of ['em_aberto', 'atrasados']) {
      const value = [...csv].find(([key]) => key.startsWith(`${secretaria}|${servico}|`) && key.endsWith(`|${metric}`))?.[1];
      if (value != null && small(value)) found.push(`${entry.id} ${metric} = ${value}`);
    }
  }
  // A secretariat's count minus the same count of any set of its services.
  for (const secretariat of raw.secretariats) {
    const children = raw.services.filter((s) => s.secretariatId === secretariat.id).map((s) => counts.get(s.id)!);
    for (const [name, combos] of counts.get(secretariat.id)!) {
      for (const [cover, total] of combos) {
        const parts = children.flatMap((c) => (c.get(name)!.has(cover) ? [c.get(name)!.get(cover)!] : []));
        for (const subset of subsets(parts)) {
          const rest = total - subset.reduce((sum, v) => sum + v, 0);
          if (small(rest)) found.push(`${secretariat.id} ${name} (${cover}) minus ${subset.length} of its services = ${rest}`);
        }
      }
    }
    for (const metric of ['em_aberto', 'atrasados']) {
      const total = csv.get([...csv.keys()].find((k) => k.startsWith(`${secretariat.id}||`) && k.endsWith(`|${metric}`))!);
      const parts = [...csv].filter(([k, v]) => v !== null && k.startsWith(`${secretariat.id}|`) && !k.startsWith(`${secretariat.id}||`) && k.endsWith(`|${metric}`)).map(([, v]) => v!);
      if (total != null) for (const subset of subsets(parts)) if (small(total - subset.reduce((a, b) => a + b, 0))) found.push(`${secretariat.id} ${metric} minus services`);
    }
  }
  // Manifestações by type over time, and the complaints ranking against the reclamações.
  for (const tipo of TIPOS) {
    const known: Known = new Map(raw.periods.map((p) => [p.key, csv.get(`cidade||${p.key}|manifestacoes:${tipo}`) ?? null]));
    for (const [cover, value] of timeCounts(cal, known)) if (small(value)) found.push(`manifestações ${tipo} (${cover}) = ${value}`);
  }
  const complaints = csv.get('cidade||ultimos-12-meses|manifestacoes:reclamacao');
  const ranking = [...csv].filter(([k, v]) => v !== null && k.endsWith('|ultimos-12-meses|reclamacoes')).map(([, v]) => v!);
  for (const v of ranking) if (small(v)) found.push(`a ranked complaint count of ${v}`);
  if (complaints != null) for (const subset of subsets(ranking)) if (small(complaints - subset.reduce((a, b) => a + b, 0))) found.push('reclamações minus the ranking');
  return found;
}

/** The JSON files and the promise lines say what the CSV says, nothing more. */
function sameEverywhere(snapshot: PanelSnapshot): string[] {
  const found: string[] = [];
  const csv = readCsv(toCsv(openDataRows(snapshot)));
  const summary = summaryOf(JSON.parse(JSON.stringify(snapshot)) as PanelSnapshot);
  for (const line of summary.promises) {
    const service = snapshot.services.find((s) => s.id === line.serviceId)!;
    const key = (metric: string) => csv.get(`${service.secretariatId}|${service.id}|ultimos-12-meses|${metric}`) ?? null;
    if (line.closed !== key('encerrados') || line.onTimeShare !== key('no_prazo') || line.medianDays !== key('mediana_dias')) found.push(`${line.serviceId}: the promise line differs from the open data`);
    const text = promiseKeptText(line);
    if (line.onTimeShare === null && /\d+%/.test(text)) found.push(`${line.serviceId}: a hidden share in words: ${text}`);
  }
  for (const s of snapshot.secretariats) {
    if (csv.get(`${s.id}||ultimos-12-meses|recebidos`) !== s.periods['ultimos-12-meses']!.received) found.push(`${s.id}: CSV and JSON differ`);
  }
  return found;
}

describe('the published panel against differencing', () => {
  it(`gives no count from 1 to 4 by any subtraction, share × base or average × base (${RUNS} random cities)`, () => {
    fc.assert(
      fc.property(city, (c) => {
        const raw = rawCity(c);
        const snapshot = publish(raw);
        expect([...leaks(raw, snapshot), ...sameEverywhere(snapshot)]).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 600_000);

  it('finds the leaks of a panel published without the rule (the test can fail)', () => {
    // The same city published as the counts alone would be: every count ≥ 5 shown, shares over any shown base.
    const c = fc.sample(city, { seed: SEED, numRuns: 40 });
    const leaky = c.map(rawCity).map((raw) => {
      const snapshot = publish(raw);
      for (const [entry, published] of [...raw.secretariats.map((e, i) => [e, snapshot.secretariats[i]!] as const), ...raw.services.map((e, i) => [e, snapshot.services[i]!] as const)]) {
        raw.periods.forEach((period, i) => {
          const p = entry.periods[i]!;
          const m = published.periods[period.key]!;
          if (p.closed >= 5) Object.assign(m, { closed: p.closed, declinedShare: p.declined / p.closed });
          if (p.received >= 5) m.received = p.received;
        });
      }
      return leaks(raw, snapshot).length;
    });
    expect(leaky.some((n) => n > 0)).toBe(true);
  });
});
