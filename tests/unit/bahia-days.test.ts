/**
 * A Bahia day as instants (UTC−3 all year), and the filters that read days: given to SQL as those instants,
 * never as a date cast, which would start the day at the database session's midnight (UTC: 21:00 in Bahia).
 */
import { describe, expect, it } from 'vitest';
import { auditPage } from '../../src/server/storage/audit-log.ts';
import type { Queryable } from '../../src/server/storage/types.ts';
import { bahiaDay, bahiaDayEnd, bahiaDayStart } from '../../src/shared/dates.ts';

describe('a Bahia day', () => {
  it('starts at 03:00 UTC and ends where the next one starts', () => {
    expect(bahiaDayStart('2026-03-10').toISOString()).toBe('2026-03-10T03:00:00.000Z');
    expect(bahiaDayEnd('2026-03-10').toISOString()).toBe('2026-03-11T03:00:00.000Z');
    expect(bahiaDayEnd('2026-12-31').toISOString()).toBe('2027-01-01T03:00:00.000Z');
    for (const day of ['2026-01-01', '2026-02-28', '2028-02-29', '2026-12-31']) {
      expect(bahiaDay(bahiaDayStart(day))).toBe(day);
      expect(bahiaDay(bahiaDayEnd(day).getTime() - 1)).toBe(day);
      expect(bahiaDay(bahiaDayEnd(day))).not.toBe(day);
    }
  });
});

describe('the audit log filtered by days', () => {
  it('asks the database for the instants Bahia\'s days start and end, with no date cast', async () => {
    const asked: { sql: string; params: unknown[] }[] = [];
    const db = { query: async (sql: string, params: unknown[] = []) => { asked.push({ sql, params }); return { rows: [], rowCount: 0 }; } } as unknown as Queryable;
    await auditPage(db, { from: '2026-03-09', to: '2026-03-10' }, 10);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.sql).not.toContain('::date');
    expect(asked[0]!.params).toEqual([new Date('2026-03-09T03:00:00Z'), new Date('2026-03-11T03:00:00Z')]);
  });
});
