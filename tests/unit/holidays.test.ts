import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dueDate } from '../../src/shared/deadlines.ts';
import { CharterSchema, MunicipalHolidaySchema, type Charter } from '../../src/shared/contract/charter.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { createHolidayCalendar, holidayCalendarFor } from '../../src/server/domain/deadlines.ts';

const parsed = parseContract(CharterSchema, JSON.parse(readFileSync(new URL('../../data/sample-charter.json', import.meta.url), 'utf8')) as unknown);
if (!parsed.ok) throw new Error(`data/sample-charter.json does not match the contract: ${JSON.stringify(parsed.fields)}`);
const charter: Charter = parsed.value;
const calendar = holidayCalendarFor(charter);
const officialOnly = createHolidayCalendar();

describe('holiday calendar of Vitória da Conquista', () => {
  it('lists every day the offices close in 2026, by hand from the federal and Bahia laws and the sample charter', () => {
    expect(calendar.holidaysIn(2026).map((h) => `${h.day} ${h.source}`)).toEqual([
      '2026-01-01 national', // Confraternização Universal
      '2026-02-16 municipal', // Carnival Monday (the sample charter's ponto facultativo)
      '2026-02-17 municipal', // Carnival Tuesday
      '2026-04-03 national', // Good Friday (Easter is 5 April)
      '2026-04-21 national', // Tiradentes
      '2026-05-01 national', // Dia do Trabalho
      '2026-06-04 municipal', // Corpus Christi (Easter + 60), from the sample charter
      '2026-07-02 state', // Independência da Bahia
      '2026-09-07 national', // Independência
      '2026-10-04 national', // election Sunday (first round)
      '2026-10-12 national', // Nossa Senhora Aparecida
      '2026-10-25 national', // election Sunday (second round)
      '2026-11-02 national', // Finados
      '2026-11-09 municipal', // the city's anniversary, every year
      '2026-11-15 national', // Proclamação da República
      '2026-11-20 national', // Consciência Negra (national since 2024)
      '2026-12-25 national', // Natal
    ]);
  });

  it('has the national, state and municipal days, with their names', () => {
    expect(calendar.holidaysOn('2026-04-03')).toEqual([{ day: '2026-04-03', name: 'Sexta-Feira Santa', source: 'national' }]);
    expect(calendar.holidaysOn('2027-03-26').map((h) => h.name)).toEqual(['Sexta-Feira Santa']); // Easter 2027 is 28 March
    expect(calendar.isHoliday('2027-04-21')).toBe(true);
    expect(calendar.isHoliday('2027-12-25')).toBe(true);
    expect(calendar.isHoliday('2028-01-01')).toBe(true);
    expect(calendar.holidaysOn('2027-07-02')).toEqual([{ day: '2027-07-02', name: 'Independência da Bahia', source: 'state' }]);
    for (const year of [2026, 2027, 2035]) {
      expect(calendar.holidaysOn(`${year}-11-09`), String(year)).toEqual([{ day: `${year}-11-09`, name: 'Aniversário de Vitória da Conquista', source: 'municipal' }]);
    }
    expect(calendar.isHoliday('2027-05-27')).toBe(true); // Corpus Christi 2027, a one-year entry
  });

  it('leaves ordinary weekdays, half days and ponto facultativo the city did not declare as business days', () => {
    expect(calendar.isHoliday('2026-03-10')).toBe(false); // an ordinary Tuesday
    expect(calendar.isHoliday('2026-02-18')).toBe(false); // Ash Wednesday: offices open at 14h
    expect(calendar.isHoliday('2026-12-24')).toBe(false); // Christmas Eve: open in the morning
    expect(calendar.isHoliday('2026-12-31')).toBe(false);
    expect(calendar.isHoliday('2028-05-27')).toBe(false); // a one-year entry does not repeat
    // Without the charter, Carnival, Corpus Christi and the anniversary are ordinary days.
    expect(officialOnly.isHoliday('2026-02-16')).toBe(false);
    expect(officialOnly.isHoliday('2026-02-17')).toBe(false);
    expect(officialOnly.isHoliday('2026-06-04')).toBe(false);
    expect(officialOnly.isHoliday('2026-11-09')).toBe(false);
    expect(officialOnly.isHoliday('2026-07-02')).toBe(true);
    expect(officialOnly.isHoliday('2026-04-21')).toBe(true);
  });

  it('puts a yearly 29 February only in leap years', () => {
    const leap = createHolidayCalendar([{ date: '02-29', name: 'Dia de teste' }]);
    expect(leap.isHoliday('2028-02-29')).toBe(true);
    expect(leap.holidaysIn(2027).some((h) => h.source === 'municipal')).toBe(false);
  });

  it('keeps one calendar per charter and refuses what is not a day', () => {
    expect(holidayCalendarFor(charter)).toBe(calendar);
    expect(() => calendar.isHoliday('09/11/2026')).toThrow(RangeError);
  });

  it('counts a request across the municipal holiday', () => {
    // Wed 04/11/2026 received, 5 business days: Thu 05 (1), Fri 06 (2), Mon 09 municipal, Tue 10 (3),
    // Wed 11 (4), Thu 12 (5).
    expect(dueDate({ receivedAt: '2026-11-04T10:00:00-03:00', deadline: { max: 5, unit: 'business_days' }, calendar }).dueDay).toBe('2026-11-12');
  });
});

describe('municipalHolidays in the charter', () => {
  const check = (date: string) => parseContract(MunicipalHolidaySchema, { date, name: 'Feriado' }).ok;

  it('takes MM-DD for every year and YYYY-MM-DD for one year', () => {
    expect(['11-09', '02-29', '2027-05-27', '2028-02-29'].filter((d) => !check(d))).toEqual([]);
  });

  it('refuses dates that do not exist or are written otherwise', () => {
    expect(['13-01', '02-30', '2026-02-29', '9-11', '2026-11-9', '09/11', '', '2026-11-09T00:00'].filter(check)).toEqual([]);
    expect(parseContract(MunicipalHolidaySchema, { date: '11-09', name: '' }).ok).toBe(false);
  });

  it('is in the sample charter', () => {
    expect(charter.municipalHolidays).toContainEqual({ date: '11-09', name: 'Aniversário de Vitória da Conquista' });
  });
});
