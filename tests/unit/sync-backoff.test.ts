import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from '../../src/sync/drain/backoff.ts';

describe('backoffDelay (exponential, full jitter, capped)', () => {
  it('doubles the ceiling with each failed try', () => {
    const top = () => 0.999999;
    expect(backoffDelay(1, top)).toBe(BACKOFF_BASE_MS - 1);
    expect(backoffDelay(2, top)).toBe(2 * BACKOFF_BASE_MS - 1);
    expect(backoffDelay(4, top)).toBe(8 * BACKOFF_BASE_MS - 1);
  });

  it('never waits more than 5 minutes', () => {
    expect(BACKOFF_CAP_MS).toBe(300_000);
    expect(backoffDelay(1000, () => 0.999999)).toBeLessThan(BACKOFF_CAP_MS);
    expect(backoffDelay(9, () => 0.999999)).toBe(BACKOFF_CAP_MS - 1);
  });

  it('spreads retries uniformly from zero up to the ceiling', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (attempts, r) => {
      const delay = backoffDelay(attempts, () => r);
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
      return Number.isInteger(delay) && delay >= 0 && delay < ceiling;
    }));
    expect(backoffDelay(5, () => 0)).toBe(0);
  });
});
