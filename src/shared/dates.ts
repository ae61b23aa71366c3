/** Vitória da Conquista keeps UTC−3 all year (no daylight saving since 2019). */
export const BAHIA_OFFSET_MS = -3 * 60 * 60 * 1000;

/** The calendar day (YYYY-MM-DD) in Bahia at the given instant. */
export function bahiaDay(instant: Date | string | number = new Date()): string {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  return new Date(ms + BAHIA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Bahia calendar day (YYYY-MM-DD) starts: 03:00 UTC. Given to SQL as an instant, so the database session's time zone never moves it. */
export function bahiaDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - BAHIA_OFFSET_MS);
}

/** The instant after a Bahia calendar day: the next day's start. */
export function bahiaDayEnd(day: string): Date {
  return new Date(bahiaDayStart(day).getTime() + 24 * 60 * 60 * 1000);
}

/** Whether YYYY-MM-DD names a day that exists (2026-02-30 does not): a shape check alone lets it reach the database. */
export function isRealDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}

/** A real day from 2000 to 2100: what a filter may ask for (PostgreSQL has no year 0 and answers it with an error). */
export function isSaneDay(day: string): boolean {
  return isRealDay(day) && day >= '2000-01-01' && day <= '2100-12-31';
}
