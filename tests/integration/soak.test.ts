/**
 * The small seeded soak of `npm test` (the full one is `npm run soak`): three devices, sixty submissions
 * of which twelve carry a photo, through the fault proxy, with the server killed once mid-run.
 */
import { describe, expect, it } from 'vitest';
import { formatSoakResult, runSoak } from '../soak/soak.ts';

const DATABASES: { name: string; databaseUrl?: string }[] = [
  { name: 'PGlite' },
  ...(process.env.TEST_DATABASE_URL ? [{ name: 'PostgreSQL', databaseUrl: process.env.TEST_DATABASE_URL }] : []),
];

describe.each(DATABASES)('soak on $name', ({ databaseUrl }) => {
  it('stores every submission exactly once and every photo byte for byte, through faults and a SIGKILL restart', async () => {
    const result = await runSoak({
      devices: 3,
      submissions: 60,
      photos: 12,
      seed: 20_251_122,
      restarts: 1,
      ...(databaseUrl ? { databaseUrl } : {}),
      latencyMs: [0, 50],
      // Lost responses are the fault that would make duplicates: make sure there are plenty.
      weights: { lose_response: 0.3 },
      stallMs: 10_000,
      requestTimeoutMs: 1_500,
      enqueueSpanMs: 8_000,
      timeScale: 100,
      drainDeadlineMs: 45_000,
    });
    console.log(formatSoakResult(result));

    expect(result.problems).toEqual([]);
    expect(result.stored).toEqual({ submissions: 60, photos: 12 });
    // The run really was hostile: the server went away once and the proxy lost answers it had committed.
    expect(result.downtimesMs).toHaveLength(1);
    expect(result.fetch.byStatus['502']).toBeGreaterThan(0);
    expect(result.proxy.lose_response).toBeGreaterThan(0);
    expect(result.engine.retries).toBeGreaterThan(0);
    expect(result.fetch.syncOutcomes.duplicate).toBeGreaterThan(0);
  }, 180_000);
});
