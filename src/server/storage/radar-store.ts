/**
 * The risk radar's reads (domain/radar.ts computes the signals): one grouped query per signal, reading
 * kinds, statuses, dates, ids and protocols, the evaluation's grade, the manifestação's type and the
 * integrity reports' plain classification columns — never answers, notes or anything sealed.
 */
import type { Queryable } from './types.ts';

export async function thresholdRows(db: Queryable): Promise<{ name: string; value: string; updated_at: Date }[]> {
  return (await db.query<{ name: string; value: string; updated_at: Date }>('SELECT name, value::text AS value, updated_at FROM radar_thresholds')).rows;
}

export async function writeThreshold(db: Queryable, name: string, value: number, at: Date, accountId: string): Promise<void> {
  await db.query(
    `INSERT INTO radar_thresholds (name, value, updated_at, account_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET value = $2, updated_at = $3, account_id = $4`,
    [name, value, at, accountId],
  );
}

/** A row grouped by secretariat (by_secretariat = 1) or by secretariat and service; the counts vary by query. */
export interface GroupRow {
  secretariat_id: string;
  service_id: string | null;
  by_secretariat: number;
  [column: string]: unknown;
}

/** Requests due or closed in the windows, per secretariat and per service: due and missed, closed and declined ("não atendido"). */
export async function requestGroups(db: Queryable, now: Date, recentFrom: Date, previousFrom: Date, yearFrom: Date): Promise<GroupRow[]> {
  return (await db.query<GroupRow>(
    `SELECT s.secretariat_id, s.service_id, GROUPING(s.service_id) AS by_secretariat,
         count(*) FILTER (WHERE s.due_at >= $2 AND s.due_at < $1) AS due_recent,
         count(*) FILTER (WHERE s.due_at >= $2 AND s.due_at < $1 AND (s.closed_at IS NULL OR s.closed_at > s.due_at)) AS missed_recent,
         count(*) FILTER (WHERE s.due_at >= $3 AND s.due_at < $2) AS due_before,
         count(*) FILTER (WHERE s.due_at >= $3 AND s.due_at < $2 AND (s.closed_at IS NULL OR s.closed_at > s.due_at)) AS missed_before,
         count(*) FILTER (WHERE s.closed_at >= $2 AND s.closed_at < $1) AS closed_recent,
         count(*) FILTER (WHERE s.closed_at >= $2 AND s.closed_at < $1 AND s.status = 'declined') AS declined_recent,
         count(*) FILTER (WHERE s.closed_at >= $4 AND s.closed_at < $2) AS closed_year,
         count(*) FILTER (WHERE s.closed_at >= $4 AND s.closed_at < $2 AND s.status = 'declined') AS declined_year
       FROM submissions s
       WHERE s.kind = 'request' AND ((s.due_at >= $3 AND s.due_at < $1) OR (s.closed_at >= $4 AND s.closed_at < $1))
         AND NOT (s.closed_at IS NULL AND s.status = 'waiting_citizen')
       GROUP BY GROUPING SETS ((s.secretariat_id), (s.secretariat_id, s.service_id))`,
    [now, recentFrom, previousFrom, yearFrom],
  )).rows;
}

/** Evaluations with a 1–5 grade, per secretariat and per service: how many and their average, recent and before. */
export async function evaluationGroups(db: Queryable, now: Date, recentFrom: Date, previousFrom: Date): Promise<GroupRow[]> {
  return (await db.query<GroupRow>(
    `SELECT s.secretariat_id, s.service_id, GROUPING(s.service_id) AS by_secretariat,
         count(*) FILTER (WHERE s.received_at >= $2) AS recent,
         avg((s.answers ->> 'nota')::numeric) FILTER (WHERE s.received_at >= $2) AS average_recent,
         count(*) FILTER (WHERE s.received_at < $2) AS before,
         avg((s.answers ->> 'nota')::numeric) FILTER (WHERE s.received_at < $2) AS average_before
       FROM submissions s
       WHERE s.kind = 'evaluation' AND s.received_at >= $3 AND s.received_at < $1 AND s.answers ->> 'nota' ~ '^[1-5]$'
       GROUP BY GROUPING SETS ((s.secretariat_id), (s.secretariat_id, s.service_id))`,
    [now, recentFrom, previousFrom],
  )).rows;
}

export type ComplaintGroupRow = { secretariat: string; recent: number; before: number; recent_ids: string[] | null; recent_protocols: (string | null)[] | null };

/** Complaints per secretariat they were forwarded to, recent and before, with the recent ones' first 200 ids and protocols. */
export async function complaintGroups(db: Queryable, now: Date, recentFrom: Date, previousFrom: Date): Promise<ComplaintGroupRow[]> {
  return (await db.query<ComplaintGroupRow>(
    `SELECT s.forwarded_to AS secretariat,
         count(*) FILTER (WHERE s.received_at >= $2)::int AS recent,
         count(*) FILTER (WHERE s.received_at < $2)::int AS before,
         (array_agg(s.id::text ORDER BY s.received_at, s.id) FILTER (WHERE s.received_at >= $2))[1:200] AS recent_ids,
         (array_agg(s.protocol ORDER BY s.received_at, s.id) FILTER (WHERE s.received_at >= $2))[1:200] AS recent_protocols
       FROM submissions s
       WHERE s.kind = 'manifestation' AND s.answers ->> 'tipo' = 'reclamacao' AND s.forwarded_to IS NOT NULL
         AND s.received_at >= $3 AND s.received_at < $1
       GROUP BY 1`,
    [now, recentFrom, previousFrom],
  )).rows;
}

export type RepeatedChangeRow = { id: string; protocol: string | null; service_id: string; secretariat_id: string; kind: string; forwarded_to: string | null; reopened: number; moved: number };

/** Requests and manifestações open or closed since `since`, reopened and moved at least `minChanges` times together. */
export async function repeatedChangeRows(db: Queryable, since: Date, closedStatuses: readonly string[], minChanges: number): Promise<RepeatedChangeRow[]> {
  return (await db.query<RepeatedChangeRow>(
    `WITH scope AS (
         SELECT s.id FROM submissions s WHERE s.kind IN ('request', 'manifestation') AND (s.closed_at IS NULL OR s.closed_at >= $1)
       ),
       steps AS (
         SELECT h.submission_id, h.status, lag(h.status) OVER (PARTITION BY h.submission_id ORDER BY h.at, h.id) AS previous
         FROM status_history h WHERE h.submission_id IN (SELECT id FROM scope)
       ),
       reopened AS (
         SELECT submission_id, count(*)::int AS n FROM steps
         WHERE previous = ANY($2::text[]) AND NOT (status = ANY($2::text[])) GROUP BY 1
       ),
       moved AS (
         SELECT submission_id, count(*)::int AS n FROM staff_events WHERE type IN ('transfer', 'forward') AND submission_id IN (SELECT id FROM scope) GROUP BY 1
       )
       SELECT s.id::text AS id, s.protocol, s.service_id, s.secretariat_id, s.kind, s.forwarded_to,
         coalesce(r.n, 0) AS reopened, coalesce(m.n, 0) AS moved
       FROM submissions s LEFT JOIN reopened r ON r.submission_id = s.id LEFT JOIN moved m ON m.submission_id = s.id
       WHERE s.kind IN ('request', 'manifestation') AND (s.closed_at IS NULL OR s.closed_at >= $1)
         AND coalesce(r.n, 0) + coalesce(m.n, 0) >= $3
       ORDER BY s.service_id, s.id`,
    [since, closedStatuses, minChanges],
  )).rows;
}

export type DueManifestationRow = { id: string; protocol: string | null; forwarded_to: string | null; secretariat_id: string; due_at: Date };

/** Open manifestações (not waiting for the citizen) due before the moment, soonest first. */
export async function openManifestationsDueBefore(db: Queryable, before: Date): Promise<DueManifestationRow[]> {
  return (await db.query<DueManifestationRow>(
    `SELECT s.id::text AS id, s.protocol, s.forwarded_to, s.secretariat_id, s.due_at FROM submissions s
       WHERE s.kind = 'manifestation' AND s.closed_at IS NULL AND s.status <> 'waiting_citizen' AND s.due_at IS NOT NULL AND s.due_at < $1
       ORDER BY s.due_at, s.id`,
    [before],
  )).rows;
}

export type IntegrityClusterRow = { type: 'secretariat' | 'service'; subject: string; n: number; ids: string[] };

/** Integrity reports received from `fromDay` to before `beforeDay`, per linked secretariat and service, where there are at least `minReports`. */
export async function integrityClusterRows(db: Queryable, fromDay: string, minReports: number, beforeDay: string): Promise<IntegrityClusterRow[]> {
  return (await db.query<IntegrityClusterRow>(
    `SELECT 'secretariat'::text AS type, x AS subject, count(*)::int AS n, array_agg(r.id::text ORDER BY r.received_day, r.id) AS ids
       FROM integrity_reports r, unnest(r.linked_secretariats) x WHERE r.received_day >= $1::date AND r.received_day < $3::date GROUP BY x HAVING count(*) >= $2
       UNION ALL
       SELECT 'service'::text, x, count(*)::int, array_agg(r.id::text ORDER BY r.received_day, r.id)
       FROM integrity_reports r, unnest(r.linked_services) x WHERE r.received_day >= $1::date AND r.received_day < $3::date GROUP BY x HAVING count(*) >= $2`,
    [fromDay, minReports, beforeDay],
  )).rows;
}
