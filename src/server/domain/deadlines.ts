/**
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
import type { HolidayCalendar } from '../../shared/deadlines.ts';
import type { Charter, MunicipalHoliday } from '../../shared/contract/charter.ts';
import { isRealDay } from '../../shared/dates.ts';

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
