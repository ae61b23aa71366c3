/**
 * Exponential backoff with full jitter: the delay is uniform in [0, min(cap, base·2^attempt)), which
 * spreads the retries of many phones that regained signal at the same tower at the same moment.
 */
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

/** Delay before try number `attempts + 1`, given `attempts` failed tries so far (≥ 1). */
export function backoffDelay(attempts: number, random: () => number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
