/**
 * The small-count rule, primary and secondary: no published figure, nor any difference of published
 * figures, reveals a count between 1 and 4.
 */
import { describe, expect, it } from 'vitest';
import { LESS_THAN_FIVE, promiseKeptText } from '../../src/shared/transparency.ts';
import { periodsAt, protectGroup, publish, type RawEntry, type RawPeriod, type RawSnapshot } from '../../src/server/transparency/snapshot.ts';

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
  return { received, closed, declined: 0, onTime: closed, withDue: closed, medianDays: closed ? 3 : null, p90Days: closed ? 5 : null, evaluations: 0, average: null, good: [], bad: [] };
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
    expect(service('buracos').periods['ultimos-12-meses']!.onTimeShare).toBe(1);
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
