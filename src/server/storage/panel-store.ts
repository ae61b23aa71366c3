/** The transparency panel's published snapshots (transparency_snapshots) and what tells that the data changed. */
import type { Queryable } from './types.ts';

/** The newest status change's and staff event's ids: when neither moved, the panel's figures did not either. */
export async function latestChangeIds(db: Queryable): Promise<{ history: string; events: string }> {
  const row = (await db.query<{ h: string; e: string }>(
    `SELECT (SELECT coalesce(max(id), 0) FROM status_history)::text AS h,
            (SELECT coalesce(max(id), 0) FROM staff_events)::text AS e`,
  )).rows[0]!;
  return { history: row.h, events: row.e };
}

export async function newestSnapshotStamp(db: Queryable): Promise<{ token: string; computed_at: Date } | null> {
  return (await db.query<{ token: string; computed_at: Date }>('SELECT token, computed_at FROM transparency_snapshots ORDER BY id DESC LIMIT 1')).rows[0] ?? null;
}

/** Adds a snapshot and drops those older than `keepSince`, always keeping the newest. */
export async function insertSnapshot(db: Queryable, computedAt: Date, token: string, body: string, keepSince: Date): Promise<void> {
  await db.query('INSERT INTO transparency_snapshots (computed_at, token, body) VALUES ($1, $2, $3)', [computedAt, token, body]);
  await db.query('DELETE FROM transparency_snapshots WHERE computed_at < $1 AND id < (SELECT max(id) FROM transparency_snapshots)', [keepSince]);
}

export async function snapshotBody(db: Queryable, id: number): Promise<{ id: number; body: string } | null> {
  return (await db.query<{ id: number; body: string }>('SELECT id, body FROM transparency_snapshots WHERE id = $1', [id])).rows[0] ?? null;
}

export async function newestSnapshotId(db: Queryable): Promise<number | null> {
  const row = (await db.query<{ id: number }>('SELECT id FROM transparency_snapshots ORDER BY id DESC LIMIT 1')).rows[0];
  return row ? Number(row.id) : null;
}
