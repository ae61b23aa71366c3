/**
 * The deadline of every request: the maximum time the Service Charter promises for its service
 * (Law 13.460/2017, art. 7 §2 IV: "previsão do prazo máximo"), turned into a due date and a flag for
 * lists and screens.
 *
 * Pure: no DOM, no Node API, no dependency; the holidays come in as a `HolidayCalendar` (the server
 * builds one in src/server/holidays.ts). Days are written `YYYY-MM-DD` and are always days in Bahia
 * (UTC−3 all year, no daylight saving), whatever the time zone of the machine that runs this.
 *
 * How each unit is counted (`deadline.max` is the promise; `deadline.min` is only informative):
 *
 * - `business_days`: counting starts on the first business day after the day the request was received,
 *   whatever the hour or the kind of day it arrived on, and the request is due at the end of the n-th
 *   business day. One business day from a Friday evening, a Saturday or a Sunday is Monday; from the
 *   eve of a holiday, the day after the holiday.
 * - `calendar_days`: due at the end of the n-th day after the day received (weekends and holidays
 *   count; the due day is not moved off a weekend).
 * - `months`: due at the end of the same day n months later, clamped to the last day of a shorter month
 *   (31 January + 1 month = 28 February, or 29 in a leap year).
 * - `minutes` and `hours`: due exactly n minutes or hours after the instant received.
 *
 * "End of the day" is 23:59:59.999 in Bahia: a request done at any time of its due day is on time.
 *
 * Pauses: while a request waits for the citizen ("aguardando o cidadão": the city asked a question and
 * the citizen has not answered), the clock stops. A pause is `[from, to)`; pauses are clipped to start no
 * earlier than the receipt, and overlapping or touching pauses are merged, so no time is counted twice.
 * - A pause that begins after the due instant changes nothing: the deadline was already missed.
 * - `minutes`/`hours`: the due instant moves later by the paused time that began at or before it.
 * - Day units: a day is counted only if the clock is running at its end (23:59:59.999); a day whose end
 *   falls inside a pause is not counted and the due day moves one counted day later. Only days the unit
 *   would have counted matter: a pause from Saturday to Sunday moves a business-day deadline by nothing
 *   (one from Friday afternoon to Monday morning costs Friday). So a question asked on Tuesday and
 *   answered on Thursday costs Tuesday and Wednesday (Thursday counts again); one asked and answered
 *   on the same day costs nothing; and a question asked on the due day itself, answered later, gives
 *   back the rest of that day as one whole day after the answer.
 *   `months` are first turned into the calendar days they span from the day received, then counted so.
 * - A pause still open (`to` absent) is taken as ending at `now`: the result is the due date if the
 *   citizen answered right now, and `paused` is true while that open pause holds the clock (it began at
 *   or before the due instant). Such a due date moves later as time passes: compute it again with the
 *   current time rather than storing it, and show "aguardando você" rather than a countdown.
 */
import { BAHIA_OFFSET_MS } from './dates.ts';
import type { Deadline } from './contract/charter.ts';

/** Which days public offices are closed for a holiday (weekends are handled here, not by the calendar). */
export type HolidayCalendar = { isHoliday(day: string /* YYYY-MM-DD */): boolean };

/** A time the request waited for the citizen; `to` is absent while it still waits. Instants, ISO 8601. */
export interface DeadlinePause {
  from: Date | string;
  to?: Date | string | undefined;
}

interface DueDateInput {
  receivedAt: Date | string;
  /** The service's deadline from the charter; only `max` and `unit` matter. */
  deadline: Deadline;
  calendar: HolidayCalendar;
  pauses?: readonly DeadlinePause[];
  /** Where an open pause is taken to end; defaults to the current time, and only matters for open pauses. */
  now?: Date | string;
}

interface DueDate {
  /** The last instant the request is on time, ISO 8601 in UTC. */
  dueAt: string;
  /** The due day in Bahia, YYYY-MM-DD. */
  dueDay: string;
  /** An open pause holds the clock: the due date is as if the citizen answered at `now`. */
  paused: boolean;
}

/** Where a request stands against its due date (the back office adds "paused": RequestDeadlineFlag, contract/staff.ts). */
type DueDateFlag = 'overdue' | 'due_soon' | 'on_time' | 'met' | 'missed';


/** A request is "due soon" from this many business days before its due day (the due day itself included). */
const DUE_SOON_BUSINESS_DAYS = 2;

const DAY_MS = 24 * 60 * 60 * 1000;
const UNIT_MS = { minutes: 60 * 1000, hours: 60 * 60 * 1000 } as const;
/**
 * A calendar that closes every day would make counting business days endless; no real year has a run
 * of closed days this long, so reaching it means the calendar is broken.
 */
const MAX_CLOSED_RUN = 400;

// ---------------------------------------------------------------- days

/** Days since 1970-01-01 of a valid `YYYY-MM-DD`; anything else is a programming error. */
function dayNumber(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match) {
    const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(year, month - 1, date);
    const check = new Date(ms);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === date) return ms / DAY_MS;
  }
  throw new RangeError(`Not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
}

function dayString(dayNum: number): string {
  return new Date(dayNum * DAY_MS).toISOString().slice(0, 10);
}

/** An instant written without its zone (Z or ±hh:mm) would be read in the machine's zone: refused. */
const ZONED_INSTANT = /[T ]\d{2}:\d{2}.*(Z|[+-]\d{2}(:?\d{2})?)$/i;

function toMs(instant: Date | string, what: string): number {
  if (typeof instant === 'string' && !ZONED_INSTANT.test(instant)) throw new RangeError(`${what} needs a time zone (Z or ±hh:mm): ${instant}`);
  const ms = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`${what} is not a valid instant: ${String(instant)}`);
  return ms;
}

/** The Bahia day (as a day number) an instant falls on. */
function bahiaDayNumber(ms: number): number {
  return Math.floor((ms + BAHIA_OFFSET_MS) / DAY_MS);
}

/** 23:59:59.999 in Bahia on that day, as epoch milliseconds. */
function endOfBahiaDay(dayNum: number): number {
  return (dayNum + 1) * DAY_MS - 1 - BAHIA_OFFSET_MS;
}

function isBusinessDayNumber(dayNum: number, calendar: HolidayCalendar): boolean {
  // 1970-01-01 was a Thursday: day 0 has weekday 4 (0 = Sunday).
  const weekday = (((dayNum + 4) % 7) + 7) % 7;
  return weekday !== 0 && weekday !== 6 && !calendar.isHoliday(dayString(dayNum));
}

/** Monday to Friday and not a holiday of the calendar. */
export function isBusinessDay(day: string, calendar: HolidayCalendar): boolean {
  return isBusinessDayNumber(dayNumber(day), calendar);
}

function requireCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Expected a whole number of days, 0 or more: ${n}`);
}

/**
 * The n-th business day after `day`: `day` itself never counts (business day or not), so
 * `addBusinessDays(friday, 1)` is the next Monday (when it is not a holiday) and `n = 0` gives `day`.
 */
export function addBusinessDays(day: string, n: number, calendar: HolidayCalendar): string {
  requireCount(n);
  return dayString(countDays(dayNumber(day), n, calendar, true, []));
}

/**
 * How many business days d there are with `fromDay < d ≤ toDay`: `fromDay` excluded, `toDay` included,
 * the inverse of addBusinessDays (`businessDaysBetween(d, addBusinessDays(d, n)) === n`). Zero when the
 * days are equal; negative (the same count, negated) when `toDay` is before `fromDay`.
 */
export function businessDaysBetween(fromDay: string, toDay: string, calendar: HolidayCalendar): number {
  const from = dayNumber(fromDay);
  const to = dayNumber(toDay);
  if (to < from) return -businessDaysBetween(toDay, fromDay, calendar);
  let count = 0;
  for (let d = from + 1; d <= to; d++) if (isBusinessDayNumber(d, calendar)) count++;
  return count;
}

/** The same day n months later, clamped to the last day of the month. */
function addMonths(dayNum: number, n: number): number {
  const date = new Date(dayNum * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + n;
  const lastOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastOfMonth)) / DAY_MS;
}

// ---------------------------------------------------------------- pauses

interface Stop {
  from: number;
  to: number;
  open: boolean;
}

/** Pauses as sorted, disjoint `[from, to)` intervals that start no earlier than the receipt. */
function clockStops(pauses: readonly DeadlinePause[], receivedMs: number, nowMs: () => number): Stop[] {
  const stops: Stop[] = [];
  for (const pause of pauses) {
    const open = pause.to === undefined;
    const began = toMs(pause.from, 'pause.from');
    const to = open ? nowMs() : toMs(pause.to!, 'pause.to');
    if (!open && to < began) throw new RangeError(`A pause ends before it begins: ${String(pause.from)} → ${String(pause.to)}`);
    const from = Math.max(began, receivedMs);
    // Empty after clipping (entirely before the receipt), or an open pause whose `now` is before it began.
    if (to <= from) continue;
    stops.push({ from, to, open });
  }
  stops.sort((a, b) => a.from - b.from);
  const merged: Stop[] = [];
  for (const stop of stops) {
    const last = merged.at(-1);
    if (last && stop.from <= last.to) {
      last.to = Math.max(last.to, stop.to);
      last.open ||= stop.open;
    } else {
      merged.push({ ...stop });
    }
  }
  return merged;
}

/**
 * The end of the day on which the n-th counted day after `startDay` ends with the clock running:
 * business days only when `businessOnly`, every day otherwise; days whose end falls in a stop are skipped.
 */
function countDays(startDay: number, n: number, calendar: HolidayCalendar, businessOnly: boolean, stops: readonly Stop[]): number {
  let day = startDay;
  let left = n;
  let next = 0;
  let closedRun = 0;
  while (left > 0) {
    day++;
    if (businessOnly && !isBusinessDayNumber(day, calendar)) {
      if (++closedRun > MAX_CLOSED_RUN) throw new RangeError(`No business day in ${MAX_CLOSED_RUN} days after ${dayString(day - closedRun)}: the holiday calendar is wrong.`);
      continue;
    }
    closedRun = 0;
    const end = endOfBahiaDay(day);
    while (next < stops.length && stops[next]!.to <= end) next++;
    if (next < stops.length && stops[next]!.from <= end) continue;
    left--;
  }
  return day;
}

// ---------------------------------------------------------------- due date and flag

/** When a request received at `receivedAt` is due under `deadline`; see the top of this file. */
export function dueDate(input: DueDateInput): DueDate {
  const { deadline, calendar } = input;
  requireCount(deadline.max);
  const receivedMs = toMs(input.receivedAt, 'receivedAt');
  // Read once, and only when a pause is open: a due date with no open pause never depends on the clock.
  let now: number | undefined;
  const nowMs = () => (now ??= input.now === undefined ? Date.now() : toMs(input.now, 'now'));
  const stops = clockStops(input.pauses ?? [], receivedMs, nowMs);
  const receivedDay = bahiaDayNumber(receivedMs);

  let dueMs: number;
  switch (deadline.unit) {
    case 'minutes':
    case 'hours': {
      dueMs = receivedMs + deadline.max * UNIT_MS[deadline.unit];
      // Stops are sorted and disjoint: each one that begins before the clock runs out adds its length.
      for (const stop of stops) {
        if (stop.from > dueMs) break;
        dueMs += stop.to - stop.from;
      }
      break;
    }
    case 'business_days':
      dueMs = endOfBahiaDay(countDays(receivedDay, deadline.max, calendar, true, stops));
      break;
    case 'calendar_days':
      dueMs = endOfBahiaDay(countDays(receivedDay, deadline.max, calendar, false, stops));
      break;
    case 'months': {
      const days = addMonths(receivedDay, deadline.max) - receivedDay;
      dueMs = endOfBahiaDay(countDays(receivedDay, days, calendar, false, stops));
      break;
    }
    default:
      throw new RangeError(`Unknown deadline unit: ${String((deadline as { unit: unknown }).unit)}`);
  }
  return {
    dueAt: new Date(dueMs).toISOString(),
    dueDay: dayString(bahiaDayNumber(dueMs)),
    paused: stops.some((stop) => stop.open && stop.from <= dueMs),
  };
}

interface DeadlineFlagInput {
  dueAt: Date | string;
  now: Date | string;
  calendar: HolidayCalendar;
  /** When the request was concluded (done, answered or declined); absent while it is open. */
  doneAt?: Date | string | undefined;
}

/**
 * - `met` / `missed`: concluded at or before `dueAt` / after it (whatever `now` is);
 * - `overdue`: open and `now` is past `dueAt`;
 * - `due_soon`: open and the due day is today or at most DUE_SOON_BUSINESS_DAYS business days after
 *   today (Bahia), counted as in businessDaysBetween: due tomorrow is 1, due on the coming Sunday
 *   seen from Friday is 0;
 * - `on_time`: open with more time than that.
 */
export function deadlineFlag({ dueAt, now, calendar, doneAt }: DeadlineFlagInput): DueDateFlag {
  const dueMs = toMs(dueAt, 'dueAt');
  if (doneAt !== undefined) return toMs(doneAt, 'doneAt') <= dueMs ? 'met' : 'missed';
  const nowMs = toMs(now, 'now');
  if (nowMs > dueMs) return 'overdue';
  const left = businessDaysBetween(dayString(bahiaDayNumber(nowMs)), dayString(bahiaDayNumber(dueMs)), calendar);
  return left <= DUE_SOON_BUSINESS_DAYS ? 'due_soon' : 'on_time';
}

/** "2026-12-12" → "12/12/2026", the way dates are written in Brazil. */
export function formatDueDay(dueDay: string): string {
  dayNumber(dueDay);
  const [year, month, day] = dueDay.split('-');
  return `${day}/${month}/${year}`;
}
