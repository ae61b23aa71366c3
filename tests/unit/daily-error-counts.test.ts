import { describe, expect, it } from 'vitest';
import { DailyErrorCounts } from '../../src/server/http/daily-error-counts.ts';

describe('DailyErrorCounts', () => {
  it("reports a day's counts once, after Bahia's midnight, under that day's date, and starts the next day empty", () => {
    let now = Date.parse('2026-12-07T14:00:00Z'); // 11:00 in Bahia
    const reports: [string, Record<string, number>][] = [];
    const counts = new DailyErrorCounts((day, c) => reports.push([day, c]), () => now);
    counts.add('/api/integridade/relatos request failed');
    counts.add('/api/integridade/relatos request failed');
    counts.rollOver();
    expect(reports).toEqual([]);
    now = Date.parse('2026-12-08T02:59:00Z'); // still the 7th in Bahia
    counts.rollOver();
    expect(reports).toEqual([]);
    now = Date.parse('2026-12-08T03:00:01Z');
    counts.rollOver();
    expect(reports).toEqual([['2026-12-07', { '/api/integridade/relatos request failed': 2 }]]);
    expect(counts.today()).toEqual({});
    now = Date.parse('2026-12-09T03:00:01Z');
    counts.rollOver();
    expect(reports).toHaveLength(1);
  });
});
