/**
 * Errors on the integrity channel's routes, counted per day instead of logged one by one: those routes write
 * no request line, so an error line's time would be the only trace of a report's moment (and beside the same
 * phone's named requests, it would time it). The counts of a day (Bahia) are logged once, just after its
 * midnight, under that day's date; a line's own time then says nothing about any error. Kept in memory: a
 * restart loses the day's counts (the mixer's and the storage's own failures are logged as they happen).
 */
import { BAHIA_OFFSET_MS, bahiaDay } from '../../shared/dates.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export class DailyErrorCounts {
  readonly #report: (day: string, counts: Record<string, number>) => void;
  readonly #now: () => number;
  #counts = new Map<string, number>();
  #day: string;
  #timer: NodeJS.Timeout | null = null;

  /** `report` gets a day's counts once that day is over; `now` is injectable for tests. */
  constructor(report: (day: string, counts: Record<string, number>) => void, now: () => number = Date.now) {
    this.#report = report;
    this.#now = now;
    this.#day = bahiaDay(now());
  }

  /** One more error of this kind (a route pattern and what went wrong, never a value of the request). */
  add(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** What today holds so far. */
  today(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Reports the day that ended and starts the next (the timer calls it just after Bahia's midnight). */
  rollOver(): void {
    const today = bahiaDay(this.#now());
    if (today === this.#day) return;
    if (this.#counts.size) this.#report(this.#day, this.today());
    this.#counts = new Map();
    this.#day = today;
  }

  start(): void {
    const now = this.#now();
    // The next midnight in Bahia, plus a second so that bahiaDay has moved on.
    const nextMidnight = Math.floor((now + BAHIA_OFFSET_MS) / DAY_MS + 1) * DAY_MS - BAHIA_OFFSET_MS + 1000;
    this.#timer = setTimeout(() => {
      this.rollOver();
      this.start();
    }, nextMidnight - now);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
