/** Vitória da Conquista keeps UTC−3 all year (no daylight saving since 2019). */
export const BAHIA_OFFSET_MS = -3 * 60 * 60 * 1000;

/** The calendar day (YYYY-MM-DD) in Bahia at the given instant. */
export function bahiaDay(instant: Date | string | number = new Date()): string {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  return new Date(ms + BAHIA_OFFSET_MS).toISOString().slice(0, 10);
}
