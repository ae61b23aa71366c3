/**
 * The reads behind the public panel's request and evaluation figures (domain/transparency/snapshot.ts
 * turns them into the panel): grouped scans with a FILTER per period, per (secretariat, service).
 */
import type { Queryable } from './types.ts';

/*
 * How the figures are read fast (a million submissions in well under 2 s on PostgreSQL; see
 * tests/bench/transparency.ts): counts are grouped by (secretariat, service) only, and each secretariat's
 * totals are the sums of its rows, added up here; only the medians and p90s, which do not add up, are
 * grouped by secretariat in SQL too. Each query reads only the rows its periods can hold, works out a
 * row's values once (a subquery with OFFSET 0 keeps the planner from copying the expression into every
 * aggregate) in double precision, and sorts once per period for both percentiles. Requests are read from
 * a covering index (migration 011) in (secretariat, service) order: no row is visited and no sort is
 * needed to group them. On PostgreSQL the queries run side by side on the pool's connections.
 */

/** A period of the panel: [from, to). */
export interface TimeWindow {
  from: Date;
  to: Date;
}

/** A row grouped by (secretariat, service), its columns named per measure and period. */
export type GroupedRow = Record<string, unknown> & { secretariat_id: string; service_id: string | null };

/**
 * Requests per (secretariat, service) and outcome: `k` packs the slices of time (width_bucket over `edges`)
 * the request was received and closed in, and four flags: ((received × 100 + closed, 99 when open) × 16)
 * + declined + on time × 2 + with a due date × 4 + overdue now × 8. Worked out in a subquery, so that the
 * planner expects few groups and hashes them instead of sorting 800,000 rows.
 */
export async function requestOutcomeCounts(db: Queryable, edges: readonly Date[], now: Date): Promise<{ secretariat_id: string; service_id: string; k: number; n: string | number }[]> {
  return (await db.query<{ secretariat_id: string; service_id: string; k: number; n: string | number }>(
    `SELECT o.secretariat_id, o.service_id, o.k, count(*) AS n
     FROM (
       SELECT s.secretariat_id, s.service_id,
         (width_bucket(s.received_at, $1::timestamptz[]) * 100 + coalesce(width_bucket(s.closed_at, $1::timestamptz[]), 99)) * 16
           + (s.status = 'declined')::int
           + coalesce(s.closed_at <= s.due_at, false)::int * 2
           + (s.due_at IS NOT NULL)::int * 4
           + (s.closed_at IS NULL AND s.status <> 'waiting_citizen' AND coalesce(s.due_at < $2, false))::int * 8 AS k
       FROM submissions s WHERE s.kind = 'request'
       OFFSET 0
     ) o
     GROUP BY 1, 2, 3`,
    [edges.map((t) => t.toISOString()), now],
  )).rows;
}

/**
 * Median and p90 of the calendar days the city had each request closed in a period: arrival to closing,
 * less the time it waited for the citizen. Per secretariat and per service (GROUPING SETS).
 */
export async function requestDayPercentiles(db: Queryable, periods: readonly TimeWindow[], now: Date): Promise<(GroupedRow & { by_secretariat: number })[]> {
  const params: unknown[] = [new Date(Math.min(...periods.map((p) => p.from.getTime()))), now];
  const cols = periods.map((period, i) => {
    params.push(period.from, period.to);
    return `percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY d.days) FILTER (WHERE d.closed_at >= $${params.length - 1} AND d.closed_at < $${params.length}) AS days_${i}`;
  });
  const result = await db.query<GroupedRow & { by_secretariat: number }>(
    `SELECT d.secretariat_id, d.service_id, GROUPING(d.service_id) AS by_secretariat, ${cols.join(', ')}
     FROM (
       SELECT s.secretariat_id, s.service_id, s.closed_at,
         greatest(0, date_part('epoch', s.closed_at - s.received_at) - s.paused_seconds) / 86400.0::float8 AS days
       FROM submissions s WHERE s.kind = 'request' AND s.closed_at >= $1 AND s.closed_at < $2
     ) d
     GROUP BY GROUPING SETS ((d.secretariat_id), (d.secretariat_id, d.service_id))`,
    params,
  );
  return result.rows;
}

/** Evaluations per (secretariat, service) and period: count, the grades' count and sum, each criterion ticked good or bad. */
export async function evaluationCounts(db: Queryable, periods: readonly TimeWindow[], criteria: readonly string[], now: Date): Promise<GroupedRow[]> {
  const params: unknown[] = [new Date(Math.min(...periods.map((p) => p.from.getTime()))), now];
  const flags = criteria.flatMap((criterion, c) => {
    params.push(criterion);
    return [
      `coalesce(s.answers -> 'pontosPositivos' ? $${params.length}::text, false) AS good_${c}`,
      `coalesce(s.answers -> 'pontosNegativos' ? $${params.length}::text, false) AS bad_${c}`,
    ];
  });
  const cols: string[] = [];
  periods.forEach((period, i) => {
    params.push(period.from, period.to);
    const within = `e.received_at >= $${params.length - 1} AND e.received_at < $${params.length}`;
    cols.push(
      `count(*) FILTER (WHERE ${within}) AS evaluations_${i}`,
      `count(e.nota) FILTER (WHERE ${within}) AS graded_${i}`,
      `sum(e.nota) FILTER (WHERE ${within}) AS grades_${i}`,
    );
    criteria.forEach((_criterion, c) => {
      cols.push(
        `count(*) FILTER (WHERE ${within} AND e.good_${c}) AS good_${i}_${c}`,
        `count(*) FILTER (WHERE ${within} AND e.bad_${c}) AS bad_${i}_${c}`,
      );
    });
  });
  const result = await db.query<GroupedRow>(
    `SELECT e.secretariat_id, e.service_id, ${cols.join(', ')}
     FROM (
       SELECT s.secretariat_id, s.service_id, s.received_at,
         CASE WHEN s.answers ->> 'nota' ~ '^[1-5]$' THEN (s.answers ->> 'nota')::int END AS nota${flags.length ? `, ${flags.join(', ')}` : ''}
       FROM submissions s WHERE s.kind = 'evaluation' AND s.received_at >= $1 AND s.received_at < $2
       OFFSET 0
     ) e
     GROUP BY e.secretariat_id, e.service_id`,
    params,
  );
  return result.rows;
}

/** Whether any submission arrived in the year before last ([twoYearsAgo, lastYear)) and last year ([lastYear, thisYear)): an index lookup each. */
export async function yearsWithSubmissions(db: Queryable, twoYearsAgo: Date, lastYear: Date, thisYear: Date): Promise<{ older: boolean; previous: boolean } | undefined> {
  return (await db.query<{ older: boolean; previous: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM submissions WHERE received_at >= $1 AND received_at < $2) AS older,
            EXISTS (SELECT 1 FROM submissions WHERE received_at >= $2 AND received_at < $3) AS previous`,
    [twoYearsAgo, lastYear, thisYear],
  )).rows[0];
}
