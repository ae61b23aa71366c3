import { describe, expect, it } from 'vitest';
import {
  addBusinessDays, businessDaysBetween, deadlineFlag, dueDate, formatDueDay, isBusinessDay,
  type DeadlinePause, type HolidayCalendar,
} from '../../src/shared/deadlines.ts';
import type { Deadline } from '../../src/shared/contract/charter.ts';

/*
 * Every expected answer below was worked out by hand on a printed calendar; the comments show the
 * counting. Instants are written in Bahia time (-03:00); a due day D is due at 23:59:59.999 Bahia, which
 * is 02:59:59.999Z on D + 1.
 *
 *      March 2026            April 2026            November 2026         December 2026 / January 2027
 * Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su
 *                    1         1  2 [3] 4  5                    1      1  2  3  4  5  6
 *  2  3  4  5  6  7  8   6  7  8  9 10 11 12  [2] 3  4  5  6  7  8   7  8  9 10 11 12 13
 *  9 10 11 12 13 14 15  13 14 15 16 17 18 19  [9]10 11 12 13 14 15  14 15 16 17 18 19 20
 * 16 17 18 19 20 21 22  20[21]22 23 24 25 26  16 17 18 19[20]21 22  21 22 23 24[25]26 27
 * 23 24 25 26 27 28 29  27 28 29 30           23 24 25 26 27 28 29  28 29 30 31 [1] 2  3
 * 30 31                                       30                     4  5  6  7  8  9 10 (Jan 2027)
 *
 * June/July 2026: Tue 30/06, Wed 01/07, Thu [02/07], Fri 03/07, Mon 06/07.
 */

/** The days offices close in 2026–2027 (national, Bahia's 2 de Julho, and the sample municipal days). */
const HOLIDAYS = new Set([
  '2026-01-01', '2026-02-16', '2026-02-17', '2026-04-03', '2026-04-21', '2026-05-01', '2026-06-04',
  '2026-07-02', '2026-09-07', '2026-10-12', '2026-11-02', '2026-11-09', '2026-11-15', '2026-11-20',
  '2026-12-25',
  '2027-01-01', '2027-02-08', '2027-02-09', '2027-03-26', '2027-04-21', '2027-05-01', '2027-05-27',
  '2027-07-02', '2027-09-07', '2027-10-12', '2027-11-02', '2027-11-09', '2027-11-15', '2027-11-20',
  '2027-12-25',
]);
const calendar: HolidayCalendar = { isHoliday: (day) => HOLIDAYS.has(day) };
const noHolidays: HolidayCalendar = { isHoliday: () => false };

const bdays = (max: number): Deadline => ({ max, unit: 'business_days' });
const days = (max: number): Deadline => ({ max, unit: 'calendar_days' });
const months = (max: number): Deadline => ({ max, unit: 'months' });
const hours = (max: number): Deadline => ({ max, unit: 'hours' });
const minutes = (max: number): Deadline => ({ max, unit: 'minutes' });

/** The due day of a request received at `receivedAt` (Bahia time unless the string says otherwise). */
function due(receivedAt: string, deadline: Deadline, pauses?: DeadlinePause[], now?: string) {
  return dueDate({ receivedAt, deadline, calendar, pauses, now });
}

describe('business days', () => {
  it('knows weekends and holidays', () => {
    expect(isBusinessDay('2026-03-06', calendar)).toBe(true); // Friday
    expect(isBusinessDay('2026-03-07', calendar)).toBe(false); // Saturday
    expect(isBusinessDay('2026-03-08', calendar)).toBe(false); // Sunday
    expect(isBusinessDay('2026-04-21', calendar)).toBe(false); // Tiradentes, a Tuesday
    expect(isBusinessDay('2026-04-22', calendar)).toBe(true);
    expect(isBusinessDay('2026-04-21', noHolidays)).toBe(true);
  });

  it('adds business days after the day, never counting the day itself', () => {
    expect(addBusinessDays('2026-03-06', 0, calendar)).toBe('2026-03-06');
    expect(addBusinessDays('2026-03-07', 0, calendar)).toBe('2026-03-07'); // a Saturday stays itself with 0
    expect(addBusinessDays('2026-03-06', 1, calendar)).toBe('2026-03-09'); // Fri → Mon
    expect(addBusinessDays('2026-03-07', 1, calendar)).toBe('2026-03-09'); // Sat → Mon
    expect(addBusinessDays('2026-04-02', 1, calendar)).toBe('2026-04-06'); // Thu → (Good Friday, Sat, Easter) → Mon
    expect(addBusinessDays('2026-04-17', 2, calendar)).toBe('2026-04-22'); // Mon 20 (1), Tiradentes, Wed 22 (2)
  });

  it('counts business days in (from, to]: from excluded, to included, negative backwards', () => {
    expect(businessDaysBetween('2026-03-06', '2026-03-09', calendar)).toBe(1); // Mon only
    expect(businessDaysBetween('2026-03-09', '2026-03-09', calendar)).toBe(0);
    expect(businessDaysBetween('2026-03-09', '2026-03-16', calendar)).toBe(5); // Tue–Fri, Mon
    expect(businessDaysBetween('2026-03-16', '2026-03-09', calendar)).toBe(-5);
    expect(businessDaysBetween('2026-04-02', '2026-04-06', calendar)).toBe(1); // Good Friday is not counted
    expect(businessDaysBetween('2026-03-07', '2026-03-08', calendar)).toBe(0); // Sat → Sun
  });

  it('is the inverse of addBusinessDays', () => {
    for (const start of ['2026-03-06', '2026-03-07', '2026-04-02', '2026-06-30', '2026-12-23', '2027-02-05']) {
      for (let n = 0; n <= 40; n++) {
        expect(businessDaysBetween(start, addBusinessDays(start, n, calendar), calendar), `${start} + ${n}`).toBe(n);
      }
    }
  });

  it('refuses what is not a day or a count, and a calendar with no business day', () => {
    expect(() => isBusinessDay('2026-02-30', calendar)).toThrow(RangeError);
    expect(() => isBusinessDay('06/03/2026', calendar)).toThrow(RangeError);
    expect(() => addBusinessDays('2026-03-06', -1, calendar)).toThrow(RangeError);
    expect(() => addBusinessDays('2026-03-06', 1.5, calendar)).toThrow(RangeError);
    expect(() => addBusinessDays('2026-03-06', 1, { isHoliday: () => true })).toThrow(/calendar/);
  });
});

describe('dueDate: business days', () => {
  it('starts counting on the next business day: Friday evening + 1 is Monday, end of day', () => {
    expect(due('2026-03-06T19:00:00-03:00', bdays(1))).toEqual({ dueAt: '2026-03-10T02:59:59.999Z', dueDay: '2026-03-09', paused: false });
    expect(due('2026-03-07T10:00:00-03:00', bdays(1)).dueDay).toBe('2026-03-09'); // Saturday
    expect(due('2026-03-08T10:00:00-03:00', bdays(1)).dueDay).toBe('2026-03-09'); // Sunday
    // Mon 9 received; Tue 10 (1), Wed 11 (2), Thu 12 (3), Fri 13 (4), Mon 16 (5).
    expect(due('2026-03-09T08:00:00-03:00', bdays(5)).dueDay).toBe('2026-03-16');
  });

  it('skips Good Friday (Easter is a Sunday anyway)', () => {
    // Thu 02/04 received; Fri 03 Good Friday, Sat 04, Sun 05 Easter; Mon 06 (1).
    expect(due('2026-04-02T16:00:00-03:00', bdays(1)).dueDay).toBe('2026-04-06');
  });

  it('skips Tiradentes', () => {
    // Fri 17/04 received; Mon 20 (1), Tue 21 Tiradentes, Wed 22 (2).
    expect(due('2026-04-17T10:00:00-03:00', bdays(2)).dueDay).toBe('2026-04-22');
  });

  it("skips Bahia's 2 de Julho", () => {
    // Tue 30/06 received; Wed 01/07 (1), Thu 02/07 holiday, Fri 03 (2), Mon 06 (3).
    expect(due('2026-06-30T15:00:00-03:00', bdays(3)).dueDay).toBe('2026-07-06');
  });

  it('skips the municipal 9 de novembro and the national days around it', () => {
    // Fri 06/11 received, eve of the municipal holiday; Mon 09 holiday, Tue 10 (1).
    expect(due('2026-11-06T17:00:00-03:00', bdays(1)).dueDay).toBe('2026-11-10');
    // Fri 30/10 received; Mon 02/11 Finados; Tue 03 (1), Wed 04 (2), Thu 05 (3), Fri 06 (4), Mon 09 municipal,
    // Tue 10 (5), Wed 11 (6), Thu 12 (7), Fri 13 (8), Mon 16 (9), Tue 17 (10).
    expect(due('2026-10-30T10:00:00-03:00', bdays(10)).dueDay).toBe('2026-11-17');
  });

  it('crosses Christmas and New Year into the next year', () => {
    // Wed 23/12 received; Thu 24 (1), Fri 25 Christmas, Mon 28 (2), Tue 29 (3), Wed 30 (4), Thu 31 (5),
    // Fri 01/01 New Year, Mon 04 (6), Tue 05 (7).
    expect(due('2026-12-23T16:00:00-03:00', bdays(7))).toEqual({ dueAt: '2027-01-06T02:59:59.999Z', dueDay: '2027-01-05', paused: false });
  });

  it('takes the day of receipt in Bahia, not in UTC', () => {
    // 02:00Z on Tuesday is 23:00 on Monday in Bahia: counting starts Tuesday, so 1 business day is Tuesday
    // (counting from the UTC day would give Wednesday).
    expect(due('2026-03-10T02:00:00Z', bdays(1)).dueDay).toBe('2026-03-10');
    // 21:00 in Bahia on Monday is already Tuesday in UTC: the same answer.
    expect(due('2026-03-09T21:00:00-03:00', bdays(1)).dueDay).toBe('2026-03-10');
    // 03:00Z Tuesday is midnight Tuesday in Bahia: Tuesday is the day received, Wednesday is due.
    expect(due('2026-03-10T03:00:00Z', bdays(1)).dueDay).toBe('2026-03-11');
  });

  it('accepts a Date and ignores the minimum', () => {
    const at = new Date('2026-03-09T08:00:00-03:00');
    expect(dueDate({ receivedAt: at, deadline: { min: 10, max: 15, unit: 'business_days' }, calendar }))
      .toEqual(dueDate({ receivedAt: at, deadline: bdays(15), calendar }));
  });
});

describe('dueDate: calendar days, months, hours and minutes', () => {
  it('counts calendar days from the day received, weekends included and not moved', () => {
    // Mon 09/03 + 30 days: 9 + 30 = 39 → 39 − 31 = 8 April.
    expect(due('2026-03-09T10:00:00-03:00', days(30))).toEqual({ dueAt: '2026-04-09T02:59:59.999Z', dueDay: '2026-04-08', paused: false });
    expect(due('2026-03-09T10:00:00-03:00', days(5)).dueDay).toBe('2026-03-14'); // a Saturday, kept
    expect(due('2026-12-24T10:00:00-03:00', days(1)).dueDay).toBe('2026-12-25'); // Christmas, kept
    // 01:00Z on 1 March is 22:00 on 28 February in Bahia: + 1 day is 1 March.
    expect(due('2026-03-01T01:00:00Z', days(1)).dueDay).toBe('2026-03-01');
  });

  it('adds months to the same day, clamped to the end of a shorter month', () => {
    expect(due('2026-01-31T10:00:00-03:00', months(1)).dueDay).toBe('2026-02-28');
    expect(due('2028-01-31T10:00:00-03:00', months(1)).dueDay).toBe('2028-02-29'); // leap year
    expect(due('2026-03-31T10:00:00-03:00', months(6)).dueDay).toBe('2026-09-30');
    expect(due('2026-08-31T10:00:00-03:00', months(6)).dueDay).toBe('2027-02-28');
    expect(due('2026-11-20T10:00:00-03:00', months(2))).toEqual({ dueAt: '2027-01-21T02:59:59.999Z', dueDay: '2027-01-20', paused: false });
  });

  it('adds hours and minutes exactly, across midnight, weekends and holidays', () => {
    // 22:30 Monday + 3 h = 01:30 Tuesday in Bahia = 04:30Z.
    expect(due('2026-03-09T22:30:00-03:00', hours(3))).toEqual({ dueAt: '2026-03-10T04:30:00.000Z', dueDay: '2026-03-10', paused: false });
    // 23:30 + 60 min = 00:30 the next day.
    expect(due('2026-03-09T23:30:00-03:00', minutes(60))).toEqual({ dueAt: '2026-03-10T03:30:00.000Z', dueDay: '2026-03-10', paused: false });
    // 20:00 + 60 min = 21:00 Bahia, already the next day in UTC but still the same day in Bahia.
    expect(due('2026-03-09T20:00:00-03:00', minutes(60))).toEqual({ dueAt: '2026-03-10T00:00:00.000Z', dueDay: '2026-03-09', paused: false });
    // Christmas Eve 22:00 + 24 h = Christmas 22:00 (holidays do not stop hours).
    expect(due('2026-12-24T22:00:00-03:00', hours(24))).toEqual({ dueAt: '2026-12-26T01:00:00.000Z', dueDay: '2026-12-25', paused: false });
  });
});

describe('dueDate: pauses', () => {
  // Received Mon 09/03 09:00 with 5 business days: due Mon 16/03 without pauses.
  const received = '2026-03-09T09:00:00-03:00';
  const fiveDays = (pauses: DeadlinePause[], now?: string) => due(received, bdays(5), pauses, now);

  it('does not count a day whose end falls in a pause', () => {
    expect(fiveDays([]).dueDay).toBe('2026-03-16');
    // Asked Tue 10:00, answered Thu 15:00: the ends of Tue and Wed are paused.
    // Thu 12 (1), Fri 13 (2), Mon 16 (3), Tue 17 (4), Wed 18 (5).
    expect(fiveDays([{ from: '2026-03-10T10:00:00-03:00', to: '2026-03-12T15:00:00-03:00' }])).toEqual({
      dueAt: '2026-03-19T02:59:59.999Z', dueDay: '2026-03-18', paused: false,
    });
  });

  it('costs nothing when asked and answered on the same day, or over a weekend only', () => {
    expect(fiveDays([{ from: '2026-03-10T10:00:00-03:00', to: '2026-03-10T11:00:00-03:00' }]).dueDay).toBe('2026-03-16');
    expect(fiveDays([{ from: '2026-03-14T10:00:00-03:00', to: '2026-03-15T20:00:00-03:00' }]).dueDay).toBe('2026-03-16');
    // Friday afternoon to Monday morning costs Friday only: Tue 10 (1) … Thu 12 (3), Mon 16 (4), Tue 17 (5).
    expect(fiveDays([{ from: '2026-03-13T16:00:00-03:00', to: '2026-03-16T08:00:00-03:00' }]).dueDay).toBe('2026-03-17');
  });

  it('adds up several pauses', () => {
    // Tue lost (Tue 10:00 → Wed 09:00), Fri lost (Fri 16:00 → Mon 10:00).
    // Wed 11 (1), Thu 12 (2), Mon 16 (3), Tue 17 (4), Wed 18 (5).
    expect(fiveDays([
      { from: '2026-03-13T16:00:00-03:00', to: '2026-03-16T10:00:00-03:00' },
      { from: '2026-03-10T10:00:00-03:00', to: '2026-03-11T09:00:00-03:00' },
    ]).dueDay).toBe('2026-03-18');
  });

  it('never counts overlapping pauses twice', () => {
    const tueToThu = { from: '2026-03-10T10:00:00-03:00', to: '2026-03-12T15:00:00-03:00' };
    // The same pause twice, and one inside it: still only Tue and Wed lost (summing them would give 20/03).
    expect(fiveDays([tueToThu, tueToThu, { from: '2026-03-11T08:00:00-03:00', to: '2026-03-11T18:00:00-03:00' }]).dueDay).toBe('2026-03-18');
    // Two pauses that overlap on Wednesday morning make one from Tue 10:00 to Thu 15:00.
    expect(fiveDays([
      { from: '2026-03-10T10:00:00-03:00', to: '2026-03-11T12:00:00-03:00' },
      { from: '2026-03-11T09:00:00-03:00', to: '2026-03-12T15:00:00-03:00' },
    ]).dueDay).toBe('2026-03-18');
  });

  it('gives the due day back when the question is asked on it, and nothing once the deadline was missed', () => {
    // Asked Mon 16 (the due day) 14:00, answered Wed 18 10:00: Mon and Tue lost, Wed 18 is the 5th day.
    expect(fiveDays([{ from: '2026-03-16T14:00:00-03:00', to: '2026-03-18T10:00:00-03:00' }]).dueDay).toBe('2026-03-18');
    // Asked Tue 17, after the deadline ran out: still due Mon 16.
    expect(fiveDays([{ from: '2026-03-17T10:00:00-03:00', to: '2026-03-19T10:00:00-03:00' }]).dueDay).toBe('2026-03-16');
  });

  it('ignores the part of a pause before the receipt', () => {
    // Clipped to Mon 09:00 → Tue 12:00: Monday (the day received) never counts, Tuesday's end is running.
    expect(fiveDays([{ from: '2026-03-08T10:00:00-03:00', to: '2026-03-10T12:00:00-03:00' }]).dueDay).toBe('2026-03-16');
  });

  it('takes an open pause as ending now, and says the clock is stopped', () => {
    const open = [{ from: '2026-03-10T10:00:00-03:00' }];
    // Now Thu 15:00: as the Tue→Thu pause above.
    expect(fiveDays(open, '2026-03-12T15:00:00-03:00')).toEqual({ dueAt: '2026-03-19T02:59:59.999Z', dueDay: '2026-03-18', paused: true });
    // Now Tue 15:00: no day lost yet, but the clock is stopped.
    expect(fiveDays(open, '2026-03-10T15:00:00-03:00')).toEqual({ dueAt: '2026-03-17T02:59:59.999Z', dueDay: '2026-03-16', paused: true });
    // A week later (now Tue 17 15:00): Tue 10 … Mon 16 lost (5 business days), due five business days after.
    // Tue 17 (1), Wed 18 (2), Thu 19 (3), Fri 20 (4), Mon 23 (5).
    expect(fiveDays(open, '2026-03-17T15:00:00-03:00').dueDay).toBe('2026-03-23');
    // Opened after the deadline ran out: the clock was not running, nothing is paused.
    expect(fiveDays([{ from: '2026-03-17T10:00:00-03:00' }], '2026-03-19T10:00:00-03:00')).toEqual({
      dueAt: '2026-03-17T02:59:59.999Z', dueDay: '2026-03-16', paused: false,
    });
    // An open pause merged with a closed one still says paused.
    expect(fiveDays([{ from: '2026-03-10T10:00:00-03:00', to: '2026-03-11T10:00:00-03:00' }, { from: '2026-03-11T09:00:00-03:00' }], '2026-03-12T15:00:00-03:00').paused).toBe(true);
  });

  it('moves hours by the paused time that began before the clock ran out', () => {
    const start = '2026-03-09T10:00:00-03:00'; // + 24 h = Tue 10:00 = 13:00Z
    const day = (pauses: DeadlinePause[], now?: string) => due(start, hours(24), pauses, now).dueAt;
    expect(day([])).toBe('2026-03-10T13:00:00.000Z');
    // 12:00 → 14:00 = 2 h.
    expect(day([{ from: '2026-03-09T12:00:00-03:00', to: '2026-03-09T14:00:00-03:00' }])).toBe('2026-03-10T15:00:00.000Z');
    // With 13:00 → 15:00 overlapping it: 12:00 → 15:00 = 3 h, not 4.
    expect(day([
      { from: '2026-03-09T12:00:00-03:00', to: '2026-03-09T14:00:00-03:00' },
      { from: '2026-03-09T13:00:00-03:00', to: '2026-03-09T15:00:00-03:00' },
    ])).toBe('2026-03-10T16:00:00.000Z');
    // Asked at 08:00, before the receipt at 10:00, answered at 12:00: only 10:00 → 12:00 counts, 2 h.
    expect(day([{ from: '2026-03-09T08:00:00-03:00', to: '2026-03-09T12:00:00-03:00' }])).toBe('2026-03-10T15:00:00.000Z');
    // A pause after Tue 10:00 changes nothing.
    expect(day([{ from: '2026-03-10T13:00:00-03:00', to: '2026-03-10T15:00:00-03:00' }])).toBe('2026-03-10T13:00:00.000Z');
    // 24 h paused moves the end to Wed 10:00; a second pause Tue 20:00 → 22:00 now falls before it: Wed 12:00.
    expect(day([
      { from: '2026-03-09T12:00:00-03:00', to: '2026-03-10T12:00:00-03:00' },
      { from: '2026-03-10T20:00:00-03:00', to: '2026-03-10T22:00:00-03:00' },
    ])).toBe('2026-03-11T15:00:00.000Z');
    // Open since 12:00, now 18:00: 6 h → Tue 16:00.
    expect(due(start, hours(24), [{ from: '2026-03-09T12:00:00-03:00' }], '2026-03-09T18:00:00-03:00'))
      .toEqual({ dueAt: '2026-03-10T19:00:00.000Z', dueDay: '2026-03-10', paused: true });
  });

  it('stops calendar days and months too, counting every paused day end', () => {
    // Mon 09/03 + 10 days = Thu 19; Fri 18:00 → Mon 08:00 pauses the ends of Fri, Sat, Sun: + 3 = Sun 22.
    expect(due('2026-03-09T10:00:00-03:00', days(10), [{ from: '2026-03-13T18:00:00-03:00', to: '2026-03-16T08:00:00-03:00' }]).dueDay).toBe('2026-03-22');
    // 31/01 + 1 month = 28/02 (28 days); 10/02 09:00 → 12/02 09:00 pauses the ends of 10 and 11: + 2 = 02/03.
    expect(due('2026-01-31T10:00:00-03:00', months(1), [{ from: '2026-02-10T09:00:00-03:00', to: '2026-02-12T09:00:00-03:00' }]).dueDay).toBe('2026-03-02');
  });

  it('refuses a pause that ends before it begins, and instants that are not instants', () => {
    expect(() => fiveDays([{ from: '2026-03-12T10:00:00-03:00', to: '2026-03-10T10:00:00-03:00' }])).toThrow(RangeError);
    expect(() => fiveDays([{ from: 'ontem' }], '2026-03-12T10:00:00-03:00')).toThrow(RangeError);
    expect(() => due('not a date', bdays(1))).toThrow(RangeError);
    // Without a zone it would be read in the machine's zone (and a bare day as UTC midnight).
    expect(() => due('2026-03-09T10:00:00', bdays(1))).toThrow(/time zone/);
    expect(() => due('2026-03-09', bdays(1))).toThrow(/time zone/);
    // PostgreSQL's text form of a timestamptz carries its zone: accepted (Mon 07:00 Bahia → Tue).
    expect(due('2026-03-09 10:00:00+00', bdays(1)).dueDay).toBe('2026-03-10');
    expect(() => deadlineFlag({ dueAt: '2026-03-17T02:59:59.999Z', now: '2026-03-10T10:00', calendar })).toThrow(/time zone/);
  });
});

describe('deadlineFlag', () => {
  const dueMonday = '2026-03-17T02:59:59.999Z'; // end of Mon 16/03
  const flag = (now: string, dueAt = dueMonday, doneAt?: string) => deadlineFlag({ dueAt, now, calendar, doneAt });

  it('is due soon from 2 business days before the due day', () => {
    expect(flag('2026-03-11T10:00:00-03:00')).toBe('on_time'); // Wed: Thu, Fri, Mon = 3
    expect(flag('2026-03-12T10:00:00-03:00')).toBe('due_soon'); // Thu: Fri, Mon = 2
    expect(flag('2026-03-13T10:00:00-03:00')).toBe('due_soon'); // Fri: Mon = 1
    expect(flag('2026-03-16T23:59:59.999-03:00')).toBe('due_soon'); // the due day, last instant
    expect(flag('2026-03-17T00:00:00-03:00')).toBe('overdue');
  });

  it('counts holidays out of the 2 business days', () => {
    const dueWednesday = '2026-04-23T02:59:59.999Z'; // end of Wed 22/04
    // Fri 17: Mon 20, (Tiradentes), Wed 22 = 2 → due soon; without the holiday it would be 3.
    expect(flag('2026-04-17T10:00:00-03:00', dueWednesday)).toBe('due_soon');
    expect(deadlineFlag({ dueAt: dueWednesday, now: '2026-04-17T10:00:00-03:00', calendar: noHolidays })).toBe('on_time');
  });

  it('takes today in Bahia', () => {
    const dueThursday = '2026-03-20T02:59:59.999Z'; // end of Thu 19/03
    // 02:30Z Tuesday is 23:30 Monday in Bahia: Tue, Wed, Thu = 3 → on time (the UTC day would say 2).
    expect(flag('2026-03-17T02:30:00Z', dueThursday)).toBe('on_time');
    expect(flag('2026-03-17T03:00:00Z', dueThursday)).toBe('due_soon');
  });

  it('says met or missed once done, whatever the time now', () => {
    expect(flag('2026-03-30T10:00:00-03:00', dueMonday, dueMonday)).toBe('met');
    expect(flag('2026-03-30T10:00:00-03:00', dueMonday, '2026-03-17T03:00:00.000Z')).toBe('missed');
    expect(flag('2026-03-10T10:00:00-03:00', dueMonday, '2026-03-10T09:00:00-03:00')).toBe('met');
    expect(deadlineFlag({ dueAt: new Date(dueMonday), now: new Date('2026-03-18T10:00:00Z'), calendar, doneAt: new Date('2026-03-16T20:00:00-03:00') })).toBe('met');
  });
});

describe('formatDueDay', () => {
  it('writes the day as people do in Brazil', () => {
    expect(formatDueDay('2026-12-12')).toBe('12/12/2026');
    expect(formatDueDay('2027-01-05')).toBe('05/01/2027');
    expect(() => formatDueDay('12/12/2026')).toThrow(RangeError);
  });
});
