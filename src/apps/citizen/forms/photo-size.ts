/**
 * How photos are shrunk before they are stored: the longest side at most 1600 px, JPEG, and about
 * 400 KB at most, so that a photo can go out over one bar of 2G/3G signal.
 */
export const PHOTO_MAX_SIDE = 1600;
export const PHOTO_TARGET_BYTES = 400 * 1024;

export interface EncodingAttempt {
  maxSide: number;
  quality: number;
}

/** Tried in order; the first result within the target wins, else the smallest one made. */
export const PHOTO_ATTEMPTS: readonly EncodingAttempt[] = [
  { maxSide: 1600, quality: 0.82 },
  { maxSide: 1600, quality: 0.7 },
  { maxSide: 1600, quality: 0.58 },
  { maxSide: 1280, quality: 0.6 },
  { maxSide: 1024, quality: 0.6 },
  { maxSide: 800, quality: 0.55 },
];

/** Size that fits the longest side within maxSide, keeping the proportions; never enlarges. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= maxSide) return { width, height };
  const scale = maxSide / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Attempts worth making for an image of this size: none that would not make it smaller. */
export function attemptsFor(width: number, height: number): EncodingAttempt[] {
  const longest = Math.max(width, height);
  const useful = PHOTO_ATTEMPTS.filter((a, i) => i === 0 || a.maxSide < longest || a.maxSide === PHOTO_ATTEMPTS[0]!.maxSide);
  return useful;
}

/** Picks the encoding to keep among those made so far; undefined while none fits and more attempts remain. */
export function pickEncodingToKeep<T extends { size: number }>(results: readonly T[], attemptsLeft: number): T | undefined {
  const fitting = results.find((r) => r.size <= PHOTO_TARGET_BYTES);
  if (fitting) return fitting;
  if (attemptsLeft > 0) return undefined;
  return results.reduce<T | undefined>((smallest, r) => (!smallest || r.size < smallest.size ? r : smallest), undefined);
}
