/**
 * The server's side of deadlines, over the pure rules of src/shared/deadlines.ts (business days, due dates,
 * flags; shared with the citizen app): the office calendar, and each request's due date and flag in the
 * work queue.
 *
 * Deadlines in the work queue: a request's due date from its service's promised time (charter), counted in
 * business days that skip weekends and the national, Bahia and municipal holidays, with the clock paused
 * while the request waits for the citizen. Stored on the submission (due_at) so that lists sort and filter
 * by it; recomputed whenever the clock pauses or resumes.
 *
 * The days Vitória da Conquista's public offices are closed for a holiday: national (Brazil), state
 * (Bahia) and municipal (the charter's `municipalHolidays`), as the HolidayCalendar that
 * src/shared/deadlines.ts counts business days with.
 *
 * Which of date-holidays' days count (its `type` field, checked on v3.37 for BR and BR-BA):
 * - `public` counts: the feriados of federal law (Confraternização, Tiradentes, Trabalho,
 *   Independência, Aparecida, Finados, República, Consciência Negra since 2024, Natal), Good Friday,
 *   and Bahia's 2 de Julho. Its `public` election Sundays are Sundays anyway.
 * - `bank` does not: for Brazil it is Carnival Monday and Tuesday and Corpus Christi, which are
 *   "ponto facultativo" nationally, not holidays. Whether the city hall closes on them is the city's
 *   choice (Corpus Christi may be a municipal religious holiday under Law 9.093/1995; Carnival is
 *   usually a yearly decree), so the charter lists them in `municipalHolidays` when it does. Counting
 *   them here by default would quietly lengthen every deadline on the citizen in a year the offices
 *   open; listing them in the charter also makes the closure public.
 * - `optional` does not: the Saturday before Carnival, Ash Wednesday until 14h and the afternoons of
 *   24 and 31 December; offices open (part of) those days, so they stay business days.
 * - `observance` does not: Easter, Mother's Day and the like are Sundays or ordinary working days.
 *
 * Day strings are taken from each holiday's local `date`, never from its `start` instant, so the
 * server's own time zone cannot shift a holiday to the neighbouring day.
 */
import Holidays from 'date-holidays';
import type { Charter, MunicipalHoliday, Service } from '../../shared/contract/charter.ts';
import type { SubmissionKind } from '../../shared/contract/forms.ts';
import type { RequestDeadlineFlag } from '../../shared/contract/staff.ts';
import type { SubmissionStatus } from '../../shared/contract/status.ts';
import { deadlineFlag, dueDate, type HolidayCalendar } from '../../shared/deadlines.ts';
import { isRealDay } from '../../shared/dates.ts';
import { dueDateInputs, pausesOf, setDueAt } from '../storage/queue-store.ts';
import type { Queryable, Storage } from '../storage/types.ts';
import type { CharterCache, CurrentCharter } from './current-charter.ts';

export type HolidaySource = 'national' | 'state' | 'municipal';

export interface Holiday {
  /** YYYY-MM-DD. */
  day: string;
  /** In Portuguese, as people call it. */
  name: string;
  source: HolidaySource;
}

export interface OfficeCalendar extends HolidayCalendar {
  /** The holidays of that year, by day; a day may have more than one (a municipal day on a national one). */
  holidaysIn(year: number): readonly Holiday[];
  /** The holidays on that day (empty on an ordinary day). */
  holidaysOn(day: string): readonly Holiday[];
}

/** Built once per process: parsing date-holidays' rules costs a few milliseconds. */
let sources: { national: Holidays; bahia: Holidays } | undefined;

function officialHolidays(year: number): Holiday[] {
  sources ??= {
    national: new Holidays('BR', { languages: 'pt' }),
    bahia: new Holidays('BR', 'BA', { languages: 'pt' }),
  };
  const publicDays = (holidays: Holidays) =>
    holidays.getHolidays(year).filter((h) => h.type === 'public').map((h) => ({ day: h.date.slice(0, 10), name: h.name }));
  const national = publicDays(sources.national);
  const isNational = new Set(national.map((h) => `${h.day} ${h.name}`));
  // The Bahia calendar repeats the national days; what it adds is the state's.
  const state = publicDays(sources.bahia).filter((h) => !isNational.has(`${h.day} ${h.name}`));
  return [
    ...national.map((h) => ({ ...h, source: 'national' as const })),
    ...state.map((h) => ({ ...h, source: 'state' as const })),
  ];
}

function municipalDays(list: readonly MunicipalHoliday[], year: number): Holiday[] {
  const yearText = String(year).padStart(4, '0');
  return list.flatMap(({ date, name }) => {
    const day = date.length === 5 ? `${yearText}-${date}` : date;
    // A yearly "02-29" falls only in leap years.
    return day.startsWith(`${yearText}-`) && isRealDay(day) ? [{ day, name, source: 'municipal' as const }] : [];
  });
}

const DAY_REGEX = /^(\d{4})-\d{2}-\d{2}$/;

/**
 * A calendar of national, Bahia and the given municipal holidays, worked out once per year asked for
 * and kept (a year is a few dozen entries; deadlines only reach a few years around today).
 */
export function createHolidayCalendar(municipal: readonly MunicipalHoliday[] = []): OfficeCalendar {
  const years = new Map<number, { list: Holiday[]; byDay: Map<string, Holiday[]> }>();
  const yearOf = (year: number) => {
    let entry = years.get(year);
    if (!entry) {
      const list = [...officialHolidays(year), ...municipalDays(municipal, year)].sort((a, b) => a.day.localeCompare(b.day));
      const byDay = new Map<string, Holiday[]>();
      for (const holiday of list) byDay.set(holiday.day, [...(byDay.get(holiday.day) ?? []), holiday]);
      entry = { list, byDay };
      years.set(year, entry);
    }
    return entry;
  };
  const holidaysOn = (day: string): readonly Holiday[] => {
    const match = DAY_REGEX.exec(day);
    if (!match) throw new RangeError(`Not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
    return yearOf(Number(match[1])).byDay.get(day) ?? [];
  };
  return {
    isHoliday: (day) => holidaysOn(day).length > 0,
    holidaysOn,
    holidaysIn: (year) => yearOf(year).list,
  };
}

const byCharter = new WeakMap<object, OfficeCalendar>();

/** The calendar of a charter's municipal holidays, one per charter object (so its yearly cache is kept). */
export function holidayCalendarFor(charter: Pick<Charter, 'municipalHolidays'>): OfficeCalendar {
  let calendar = byCharter.get(charter);
  if (!calendar) {
    calendar = createHolidayCalendar(charter.municipalHolidays ?? []);
    byCharter.set(charter, calendar);
  }
  return calendar;
}

const MANIFESTATION_WARNING_MS = 5 * 86_400_000;

export interface Deadlines {
  /** The due date of a request received now (no pauses yet). */
  dueDate(service: Service, receivedAt: Date, charter: Charter): Date;
  /**
   * After a question or a reply: the due date with every pause counted. `within` runs it inside a caller's
   * transaction, with the charter read before it began (only the transaction's handle may be used there).
   */
  refreshDueDate(id: string, within?: { db: Queryable; current: CurrentCharter | null }): Promise<void>;
  /**
   * A row's deadline flag, with the holidays of the charter the caller already read for its whole answer
   * (`current`): no query here, so a list or an export costs the same queries whatever its rows.
   */
  flagOf(row: { status: SubmissionStatus; dueAt: Date | null; closedAt: Date | null; kind?: SubmissionKind }, now: Date, current: CurrentCharter | null): RequestDeadlineFlag | null;
}

/** No charter installed yet: only overdue/on time are told, without holidays. */
const NO_HOLIDAYS = { isHoliday: () => false };

export function deadlinesFor(storage: Storage, charters: CharterCache): Deadlines {
  return {
    dueDate(service, receivedAt, charter) {
      return new Date(dueDate({ receivedAt, deadline: service.deadline, calendar: holidayCalendarFor(charter) }).dueAt);
    },
    async refreshDueDate(id, within) {
      const db = within?.db ?? storage;
      const current = within ? within.current : await charters.current();
      if (!current) return;
      const row = await dueDateInputs(db, id);
      const service = row && current.services.get(row.service_id);
      if (!row || !service || row.kind === 'evaluation') return;
      const pauses = await pausesOf(db, id);
      const due = dueDate({ receivedAt: row.received_at, deadline: service.deadline, calendar: holidayCalendarFor(current.charter), pauses });
      // A manifestação extended once (art. 16) keeps its 30 extra days.
      const dueAt = new Date(Date.parse(due.dueAt) + (row.extended ? 30 * 86_400_000 : 0));
      await setDueAt(db, id, dueAt);
    },
    flagOf({ status, dueAt, closedAt, kind }, now, current) {
      if (!dueAt) return null;
      if (status === 'waiting_citizen' && !closedAt) return 'paused';
      // A manifestação's 30 days (art. 16) are flagged when 5 days or fewer are left.
      if (kind === 'manifestation' && !closedAt && dueAt > now && dueAt.getTime() - now.getTime() <= MANIFESTATION_WARNING_MS) return 'due_soon';
      // The calendar is built once per charter version (holidayCalendarFor keeps one per charter object,
      // and CharterCache keeps one charter object per version) and reused for every row.
      const calendar = current ? holidayCalendarFor(current.charter) : NO_HOLIDAYS;
      return deadlineFlag({ dueAt, now, calendar, ...(closedAt ? { doneAt: closedAt } : {}) });
    },
  };
}
