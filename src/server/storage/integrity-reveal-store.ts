/**
 * Requests to reveal a preserved identity (integrity_reveal_requests): who asked, why, and the second
 * person's decision. The two-person rule is domain/integrity/reveal.ts's; the database also refuses a
 * decision by the one who asked.
 */
import type { RevealRequestView } from '../../shared/contract/integrity-staff.ts';
import type { Queryable } from './types.ts';

export type RevealDecision = NonNullable<RevealRequestView['decision']>;

export interface RevealRequestRow {
  id: string;
  reportId: string;
  requestedBy: string;
  requesterName: string;
  justification: string;
  requestedAt: Date;
  decision: RevealDecision | null;
  deciderName: string | null;
}

type RawRequestRow = {
  id: string; report_id: string; requested_by: string; requester: string; justification: string; requested_at: Date;
  decision: RevealDecision | null; decider: string | null;
};

const SELECT_REQUESTS = `SELECT r.id, r.report_id, r.requested_by, a.name AS requester, r.justification, r.requested_at, r.decision, d.name AS decider
  FROM integrity_reveal_requests r JOIN staff_accounts a ON a.id = r.requested_by LEFT JOIN staff_accounts d ON d.id = r.decided_by`;

const requestOf = (row: RawRequestRow): RevealRequestRow => ({
  id: row.id, reportId: row.report_id, requestedBy: row.requested_by, requesterName: row.requester, justification: row.justification,
  requestedAt: row.requested_at, decision: row.decision, deciderName: row.decider,
});

/** A new request; false when the same person already has an open one on the report. */
export async function insertRevealRequest(tx: Queryable, row: { id: string; reportId: string; requestedBy: string; justification: string; requestedAt: Date }): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO integrity_reveal_requests (id, report_id, requested_by, justification, requested_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (report_id, requested_by) WHERE decision IS NULL DO NOTHING`,
    [row.id, row.reportId, row.requestedBy, row.justification, row.requestedAt],
  );
  return inserted.rowCount > 0;
}

export async function openRevealRequestOf(db: Queryable, reportId: string, accountId: string): Promise<RevealRequestRow | null> {
  const row = (await db.query<RawRequestRow>(`${SELECT_REQUESTS} WHERE r.report_id = $1 AND r.requested_by = $2 AND r.decision IS NULL`, [reportId, accountId])).rows[0];
  return row ? requestOf(row) : null;
}

/** The request, locked for the rest of the transaction. */
export async function lockRevealRequest(tx: Queryable, requestId: string): Promise<RevealRequestRow | null> {
  const row = (await tx.query<RawRequestRow>(`${SELECT_REQUESTS} WHERE r.id = $1 FOR UPDATE OF r`, [requestId])).rows[0];
  return row ? requestOf(row) : null;
}

export async function recordRevealDecision(tx: Queryable, requestId: string, decision: RevealDecision, accountId: string, at: Date): Promise<void> {
  await tx.query('UPDATE integrity_reveal_requests SET decision = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND decision IS NULL', [requestId, decision, accountId, at]);
}

export async function staffName(db: Queryable, accountId: string): Promise<string> {
  return (await db.query<{ name: string }>('SELECT name FROM staff_accounts WHERE id = $1', [accountId])).rows[0]!.name;
}

/** Others' open requests, oldest first. */
export async function openRequestsOfOthers(db: Queryable, accountId: string): Promise<RevealRequestRow[]> {
  return (await db.query<RawRequestRow>(`${SELECT_REQUESTS} WHERE r.decision IS NULL AND r.requested_by <> $1 ORDER BY r.requested_at`, [accountId])).rows.map(requestOf);
}

/** One's own requests, newest first (the last 100). */
export async function requestsOf(db: Queryable, accountId: string): Promise<RevealRequestRow[]> {
  return (await db.query<RawRequestRow>(`${SELECT_REQUESTS} WHERE r.requested_by = $1 ORDER BY r.requested_at DESC LIMIT 100`, [accountId])).rows.map(requestOf);
}

/** This person's standing request on a report: an approval, once given, stands over a later refused or open one. */
export async function standingRequestOf(db: Queryable, accountId: string, reportId: string): Promise<{ id: string; decision: RevealDecision | null } | null> {
  const row = (await db.query<{ id: string; decision: RevealDecision | null }>(
    `SELECT id, decision FROM integrity_reveal_requests WHERE report_id = $1 AND requested_by = $2
     ORDER BY coalesce(decision = 'approved', false) DESC, requested_at DESC LIMIT 1`, [reportId, accountId],
  )).rows[0];
  return row ?? null;
}
