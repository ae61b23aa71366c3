/**
 * The Code of Ethics and the Integrity Plan as installed (integrity_content_versions, newest last) and the
 * controladoria's progress per action (integrity_plan_updates).
 */
import type { PlanStatus } from '../../shared/contract/integrity-content.ts';
import type { Queryable } from './types.ts';

/** The newest installed document: its exact text and its hash; null before any. */
export async function latestContentVersion(db: Queryable): Promise<{ sha256: string; body: string } | null> {
  return (await db.query<{ sha256: string; body: string }>('SELECT sha256, body FROM integrity_content_versions ORDER BY id DESC LIMIT 1')).rows[0] ?? null;
}

export async function insertContentVersion(db: Queryable, row: { version: string; sha256: string; body: string }): Promise<void> {
  await db.query('INSERT INTO integrity_content_versions (version, sha256, body) VALUES ($1, $2, $3)', [row.version, row.sha256, row.body]);
}

export async function anyContentVersion(db: Queryable): Promise<boolean> {
  return (await db.query('SELECT 1 FROM integrity_content_versions LIMIT 1')).rowCount > 0;
}

export interface PlanUpdateRow {
  actionId: string;
  status: PlanStatus;
  progress: number;
  note: string | null;
  updatedAt: Date;
}

export async function planUpdates(db: Queryable): Promise<PlanUpdateRow[]> {
  const rows = await db.query<{ action_id: string; status: PlanStatus; progress: number; note: string | null; updated_at: Date }>(
    'SELECT action_id, status, progress, note, updated_at FROM integrity_plan_updates',
  );
  return rows.rows.map((u) => ({ actionId: u.action_id, status: u.status, progress: u.progress, note: u.note, updatedAt: u.updated_at }));
}

/** An action's latest progress replaces the one before, with who set it. */
export async function upsertPlanUpdate(db: Queryable, row: PlanUpdateRow & { accountId: string }): Promise<void> {
  await db.query(
    `INSERT INTO integrity_plan_updates (action_id, status, progress, note, updated_at, account_id) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (action_id) DO UPDATE SET status = $2, progress = $3, note = $4, updated_at = $5, account_id = $6`,
    [row.actionId, row.status, row.progress, row.note, row.updatedAt, row.accountId],
  );
}
