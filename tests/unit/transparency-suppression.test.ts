/**
 * The small-count rule, primary and secondary: no published figure, nor any difference of published
 * figures, reveals a count between 1 and 4.
 */
import { describe, expect, it } from 'vitest';
import { LESS_THAN_FIVE, promiseKeptText } from '../../src/shared/contract/transparency.ts';
import { monthsBack, periodsAt } from '../../src/server/domain/transparency/snapshot.ts';
import { protectGroup } from '../../src/server/domain/transparency/disclosure.ts';
import { publish } from '../../src/server/domain/transparency/publish.ts';
import type { RawEntry, RawPeriod, RawSnapshot } from '../../src/server/domain/transparency/raw-snapshot.ts';

const c = (value: number) => ({ value, hidden: value < 5 });

describe('protectGroup', () => {
  it('hides the smallest shown part when one hidden part could be subtracted from the total', () => {
    // 12 = 9 + 3: with 3 hidden, 12 − 9 gives it away, so 9 is hidden too (3 + 9 = 12 ≥ 5).
    const total = c(12);
    const parts = [c(9), c(3)];
    expect(protectGroup(total, parts)).toBe(true);
    expect(parts.map((p) => p.hidden)).toEqual([true, true]);
    expect(total.hidden).toBe(false);
  });

  it('hides the smallest of the shown parts, not a bigger one', () => {
    const total = c(40);
    const parts = [c(20), c(6), c(12), c(2)];
    protectGroup(total, parts);
    expect(parts.map((p) => p.hidden)).toEqual([false, true, false, true]);
  });

  it('leaves a group alone when the hidden parts already add up to 5 or more, or to nothing', () => {
    const parts = [c(10), c(3), c(2)];
    expect(protectGroup(c(15), parts)).toBe(false);
    expect(parts.map((p) => p.hidden)).toEqual([false, true, true]);
    const zeros = [c(10), c(0)];
    expect(protectGroup(c(10), zeros)).toBe(false);
    expect(zeros[0]!.hidden).toBe(false);
  });

  it('counts what no part covers as hidden', () => {
    // 8 in all, 6 shown: the 2 not covered by any part would be 8 − 6.
    const total = c(8);
    const parts = [c(6)];
    protectGroup(total, parts);
    expect(parts[0]!.hidden).toBe(true);
    const lone = c(7);
    const hiddenParts = [c(3), c(2)];
    protectGroup(lone, hiddenParts);
    expect(lone.hidden).toBe(false);
    // 5 = 1 hidden + 4 uncovered: only 5 can be subtracted, which reveals no one.
    const five = c(5);
    const one = [c(1)];
    expect(protectGroup(five, one)).toBe(false);
    expect(five.hidden).toBe(false);
  });
});

function period(received: number, closed = received): RawPeriod {
  return { received, closed, declined: 0, onTime: closed, withDue: closed, medianDays: closed ? 3 : null, p90Days: closed ? 5 : null, evaluations: 0, graded: 0, gradeSum: 0, good: [], bad: [] };
}

function entry(id: string, received: number, months: number[]): RawEntry {
  return {
    id,
    name: id,
    periods: [period(received), period(received), period(received)],
    open: 0,
    overdue: 0,
    trend: months.map((n, i) => ({ month: `2026-${String(i + 1).padStart(2, '0')}`, received: n, closed: n, onTime: n, withDue: n })),
  };
}

function raw(): RawSnapshot {
  const now = new Date('2026-12-15T15:00:00Z');
  const months = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
  const monthsOf = (n: number) => months.map((_, i) => (i === 11 ? n : 0));
  return {
    now,
    periods: periodsAt(now, [2026]),
    months,
    criteria: [],
    // Saúde: 12 = 9 (consultas) + 3 (exames), all in December.
    secretariats: [entry('saude', 12, monthsOf(12)), entry('obras', 30, monthsOf(30))],
    services: [
      { ...entry('consultas', 9, monthsOf(9)), secretariatId: 'saude', promise: 'até 15 dias úteis' },
      { ...entry('exames', 3, monthsOf(3)), secretariatId: 'saude', promise: 'até 10 dias úteis' },
      { ...entry('buracos', 30, monthsOf(30)), secretariatId: 'obras', promise: 'até 30 dias' },
    ],
    // 9 complaints in the last 12 months: 6 against Obras, 2 against Saúde, 1 not forwarded yet.
    manifestations: [{ tipo: 'reclamacao', perPeriod: [9, 9, 9] }, { tipo: 'elogio', perPeriod: [0, 7, 7] }],
    complaints: [{ secretariatId: 'saude', name: 'Saúde', complaints: 2 }, { secretariatId: 'obras', name: 'Obras', complaints: 6 }],
    complaintsNotForwarded: 1,
    integrityReports: months.map((month, i) => ({ month, reports: i === 11 ? 2 : 0 })),
  };
}

describe('publish', () => {
  const snapshot = publish(raw());
  const service = (id: string) => snapshot.services.find((s) => s.id === id)!;
  const secretariat = (id: string) => snapshot.secretariats.find((s) => s.id === id)!;

  it('publishes a count of 3 as null, and what is worked out from it too', () => {
    const exames = service('exames').periods['ultimos-12-meses']!;
    expect(exames.received).toBeNull();
    expect(exames.onTimeShare).toBeNull();
    expect(exames.medianDays).toBeNull();
  });

  it('hides the sibling service so the secretariat total minus it does not give the 3 away, and keeps the total', () => {
    expect(service('consultas').periods['ultimos-12-meses']!.received).toBeNull();
    expect(service('consultas').trend[11]!.received).toBeNull();
    expect(secretariat('saude').periods['ultimos-12-meses']!.received).toBe(12);
    expect(service('buracos').periods['ultimos-12-meses']!.received).toBe(30);
    // All 30 on time: 100% would say of each of them that it was on time (0 late is under 5).
    expect(service('buracos').periods['ultimos-12-meses']!.onTimeShare).toBeNull();
  });

  it('never lets a total minus the shown parts of any group land between 1 and 4', () => {
    for (const s of snapshot.secretariats) {
      const services = snapshot.services.filter((v) => v.secretariatId === s.id);
      for (const key of Object.keys(s.periods)) {
        const total = s.periods[key]!.received;
        if (total === null) continue;
        const shownSum = services.reduce((sum, v) => sum + (v.periods[key]!.received ?? 0), 0);
        const gap = total - shownSum;
        expect(gap === 0 || gap >= 5, `${s.id} ${key}: gap ${gap}`).toBe(true);
      }
    }
  });

  it('protects the complaints ranking against the complaints total, and ranks hidden counts last by name', () => {
    // 9 = 6 + 2 + 1: the 2 and the 1 are hidden (3 < 5), so Obras' 6 is hidden too.
    expect(snapshot.complaintsRanking.map((item) => [item.secretariatId, item.complaints])).toEqual([['obras', null], ['saude', null]]);
    expect(snapshot.complaintsNotForwarded).toBeNull();
    expect(snapshot.manifestations['ultimos-12-meses']!['reclamacao']).toBe(9);
    expect(snapshot.manifestations['ultimos-12-meses']!['elogio']).toBe(7);
    expect(snapshot.manifestations['ultimos-30-dias']!['elogio']).toBeNull();
  });

  it('counts integrity reports only per month, under the same rule', () => {
    expect(snapshot.integrityReports).toHaveLength(12);
    expect(snapshot.integrityReports.every((m) => m.reports === null)).toBe(true);
    expect(Object.keys(snapshot.integrityReports[0]!).sort()).toEqual(['month', 'reports']);
  });
});

describe('promiseKeptText', () => {
  it('puts the promise beside what was done', () => {
    expect(promiseKeptText({ promise: 'até 15 dias úteis', closed: 40, onTimeShare: 0.871, medianDays: 9 }))
      .toBe('Prazo prometido: até 15 dias úteis. Cumprido em 87% dos pedidos nos últimos 12 meses (mediana: 9 dias).');
  });

  it('says when there are too few closed requests to tell', () => {
    const text = promiseKeptText({ promise: 'até 10 dias úteis', closed: null, onTimeShare: null, medianDays: null });
    expect(text).toBe('Prazo prometido: até 10 dias úteis. Nos últimos 12 meses, ainda não há pedidos encerrados em número suficiente para publicar quantos foram no prazo.');
    expect(text).not.toContain(LESS_THAN_FIVE);
  });
});

/** One service alone in its secretariat, with the periods of `now`'s panel; `fill` sets its raw figures. */
function single(now: Date, years: number[], fill: (p: RawPeriod, key: string) => void, months: Record<string, number> = {}): RawSnapshot {
  const periods = periodsAt(now, years);
  const monthKeys = monthsBack(now, 12);
  const make = (id: string): RawEntry => ({
    id,
    name: id,
    periods: periods.map((p) => {
      const figures = period(0);
      fill(figures, p.key);
      return figures;
    }),
    open: 0,
    overdue: 0,
    trend: monthKeys.map((month) => ({ month, received: months[month] ?? 0, closed: months[month] ?? 0, onTime: months[month] ?? 0, withDue: months[month] ?? 0 })),
  });
  return {
    now, periods, months: monthKeys, criteria: ['clareza'],
    secretariats: [make('saude')],
    services: [{ ...make('consultas'), secretariatId: 'saude', promise: 'até 15 dias úteis' }],
    manifestations: [], complaints: [], complaintsNotForwarded: 0,
    integrityReports: monthKeys.map((month) => ({ month, reports: 0 })),
  };
}

describe('shares, averages and medians (issue 15, finding 9)', () => {
  const now = new Date('2026-12-15T15:00:00Z');
  const figures = (fill: (p: RawPeriod) => void) => publish(single(now, [2026], fill)).services[0]!.periods['ultimos-12-meses']!;

  it('hides "não atendidos" when 5 closed and 1 declined: 0.2 × 5 would give the 1 away', () => {
    const m = figures((p) => Object.assign(p, { received: 5, closed: 5, declined: 1, onTime: 5, withDue: 5 }));
    expect(m.closed).toBe(5);
    expect(m.declinedShare).toBeNull();
  });

  it('hides the on-time share when fewer than 5 were late, and when fewer than 5 were on time', () => {
    expect(figures((p) => Object.assign(p, { received: 20, closed: 20, onTime: 17, withDue: 20 })).onTimeShare).toBeNull();
    expect(figures((p) => Object.assign(p, { received: 20, closed: 20, onTime: 3, withDue: 20 })).onTimeShare).toBeNull();
  });

  it('publishes a share when both its count and the rest are 5 or more', () => {
    const m = figures((p) => Object.assign(p, { received: 20, closed: 20, declined: 6, onTime: 12, withDue: 20 }));
    expect([m.onTimeShare, m.declinedShare]).toEqual([0.6, 0.3]);
  });

  it('hides a 5-person average of 4.2 (21 points: 4 below the highest grade) and publishes one with 5 or more each side', () => {
    const small = figures((p) => Object.assign(p, { evaluations: 5, graded: 5, gradeSum: 21 }));
    expect(small.evaluations).toBe(5);
    expect(small.evaluationAverage).toBeNull();
    const fine = figures((p) => Object.assign(p, { evaluations: 6, graded: 6, gradeSum: 23 }));
    expect(fine.evaluationAverage).toBe(3.83);
  });

  it('hides a criterion\'s "bad" share when fewer than 5 ticked it, or fewer than 5 did not', () => {
    const few = figures((p) => Object.assign(p, { evaluations: 12, graded: 12, gradeSum: 36, good: [6], bad: [2] }));
    expect(few.criteria['clareza']).toEqual({ good: 0.5, bad: null });
    const most = figures((p) => Object.assign(p, { evaluations: 12, graded: 12, gradeSum: 36, good: [9], bad: [5] }));
    expect(most.criteria['clareza']).toEqual({ good: null, bad: 0.417 });
  });

  it('publishes a median only with 5 requests on each side (10 closed) and a p90 with 50', () => {
    const nine = figures((p) => Object.assign(p, { received: 9, closed: 9, onTime: 4, withDue: 9, medianDays: 3, p90Days: 8 }));
    expect([nine.medianDays, nine.p90Days]).toEqual([null, null]);
    const ten = figures((p) => Object.assign(p, { received: 10, closed: 10, onTime: 5, withDue: 10, medianDays: 3, p90Days: 8 }));
    expect([ten.medianDays, ten.p90Days]).toEqual([3, null]);
    const fifty = figures((p) => Object.assign(p, { received: 50, closed: 50, onTime: 25, withDue: 50, medianDays: 3, p90Days: 8 }));
    expect([fifty.medianDays, fifty.p90Days]).toEqual([3, 8]);
  });
});

describe('past years in the 12-month trend (issue 15, finding 9)', () => {
  it('never lets last year minus its months in the trend, nor last year + this year − 12 months, give away a count under 5', () => {
    // 2026-03-20: the trend runs 2025-04 … 2026-03. Last year: 20 received, 3 of them in January–March
    // (before the trend), 10 in June and 7 in September; this year 8, in February.
    const now = new Date('2026-03-20T15:00:00Z');
    const totals: Record<string, number> = { 'ultimos-30-dias': 0, 'ultimos-12-meses': 25, '2026': 8, '2025': 20 };
    const raw = single(now, [2026, 2025], (p, key) => Object.assign(p, { received: totals[key]! }), { '2025-06': 10, '2025-09': 7, '2026-02': 8 });
    const published = publish(raw).services[0]!;
    const value = (key: string) => published.periods[key]!.received;
    const month = (m: string) => published.trend.find((t) => t.month === m)!.received;
    // Without the rule: 20 − 10 − 7 = 3, and 20 + 8 − 25 = 3.
    const lastYear = value('2025');
    if (lastYear !== null) {
      const rest = lastYear - ['2025-06', '2025-09'].reduce((sum, m) => sum + (month(m) ?? 0), 0);
      expect(rest === 0 || rest >= 5, `last year minus its shown months: ${rest}`).toBe(true);
      if (value('2026') !== null && value('ultimos-12-meses') !== null) expect(lastYear + value('2026')! - value('ultimos-12-meses')!).not.toBe(3);
    }
    expect([value('2025'), value('2026'), value('ultimos-12-meses'), month('2025-06'), month('2025-09')].filter((v) => v !== null).length).toBeGreaterThan(0);
  });
});
