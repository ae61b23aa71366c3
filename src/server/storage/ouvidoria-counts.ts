/**
 * The reads behind what the panel and the yearly report count of the Ouvidoria and of the integrity
 * channel: manifestações by type and by outcome, complaints per secretariat, integrity reports by day.
 * Integrity reports are counted from their day only (a report's time is kept to the day).
 */
import type { Queryable } from './types.ts';

/** Manifestações of the form received in [since, now), per "tipo": a column p_i per window [from, to). */
export async function manifestationTypeCounts(
  db: Queryable, formId: string | null, windows: readonly { from: Date; to: Date }[], now: Date,
): Promise<(Record<string, unknown> & { tipo: string | null })[]> {
  const params: unknown[] = [formId, new Date(Math.min(...windows.map((w) => w.from.getTime()))), now];
  const cols = windows.map((window, i) => {
    params.push(window.from, window.to);
    return `count(*) FILTER (WHERE s.received_at >= $${params.length - 1} AND s.received_at < $${params.length}) AS p_${i}`;
  });
  return (await db.query<Record<string, unknown> & { tipo: string | null }>(
    `SELECT s.answers ->> 'tipo' AS tipo, ${cols.join(', ')}
     FROM submissions s WHERE s.kind = 'manifestation' AND s.form_id = $1 AND s.received_at >= $2 AND s.received_at < $3 GROUP BY 1`,
    params,
  )).rows;
}

/** Complaints (manifestações of type reclamação) received in [from, to), by the secretariat they were forwarded to (null: not yet). */
export async function complaintCounts(db: Queryable, formId: string | null, from: Date, to: Date): Promise<{ secretariat: string | null; n: number }[]> {
  return (await db.query<{ secretariat: string | null; n: number }>(
    `SELECT s.forwarded_to AS secretariat, count(*)::int AS n
     FROM submissions s WHERE s.kind = 'manifestation' AND s.form_id = $1 AND s.answers ->> 'tipo' = 'reclamacao'
       AND s.received_at >= $2 AND s.received_at < $3
     GROUP BY 1`,
    [formId, from, to],
  )).rows;
}

/** Manifestações received in [from, to) by where they stand, and those closed in it (on time, with a due date). */
export async function manifestationOutcomeCounts(db: Queryable, formId: string | null, from: Date, to: Date) {
  return (await db.query<{ total: number; open: number; answered: number; declined: number; closed: number; on_time: number; with_due: number }>(
    `SELECT count(*) FILTER (WHERE s.received_at >= $2 AND s.received_at < $3)::int AS total,
       count(*) FILTER (WHERE s.received_at >= $2 AND s.received_at < $3 AND s.closed_at IS NULL)::int AS open,
       count(*) FILTER (WHERE s.received_at >= $2 AND s.received_at < $3 AND s.closed_at IS NOT NULL AND s.status <> 'declined')::int AS answered,
       count(*) FILTER (WHERE s.received_at >= $2 AND s.received_at < $3 AND s.closed_at IS NOT NULL AND s.status = 'declined')::int AS declined,
       count(*) FILTER (WHERE s.closed_at >= $2 AND s.closed_at < $3)::int AS closed,
       count(*) FILTER (WHERE s.closed_at >= $2 AND s.closed_at < $3 AND s.due_at IS NOT NULL AND s.closed_at <= s.due_at)::int AS on_time,
       count(*) FILTER (WHERE s.closed_at >= $2 AND s.closed_at < $3 AND s.due_at IS NOT NULL)::int AS with_due
     FROM submissions s WHERE s.kind = 'manifestation' AND s.form_id = $1`,
    [formId, from, to],
  )).rows[0]!;
}

/** Integrity reports received per month ('YYYY-MM') from `fromDay` to before `beforeDay` (days, YYYY-MM-DD). */
export async function integrityReportMonths(db: Queryable, fromDay: string, beforeDay: string): Promise<{ month: string; n: number }[]> {
  return (await db.query<{ month: string; n: number }>(
    `SELECT to_char(received_day, 'YYYY-MM') AS month, count(*)::int AS n FROM integrity_reports
     WHERE received_day >= $1::date AND received_day < $2::date GROUP BY 1`,
    [fromDay, beforeDay],
  )).rows;
}

/** Integrity reports received from `fromDay` to before both `toDay` and `beforeDay`. */
export async function integrityReportCount(db: Queryable, fromDay: string, toDay: string, beforeDay: string): Promise<number> {
  return (await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM integrity_reports WHERE received_day >= $1::date AND received_day < $2::date AND received_day < $3::date',
    [fromDay, toDay, beforeDay],
  )).rows[0]!.n;
}
