/** Two-person grants' rows (staff_role_grants) and the roles they apply; the rules are in domain/grants.ts. */
import type { StaffRole } from '../../shared/contract/staff.ts';
import type { Queryable } from './types.ts';

export async function insertGrant(
  db: Queryable, grant: { id: string; accountId: string; roles: readonly StaffRole[]; secretariats: readonly string[]; proposedBy: string },
): Promise<void> {
  await db.query(
    'INSERT INTO staff_role_grants (id, account_id, roles, secretariats, proposed_by) VALUES ($1, $2, $3, $4, $5)',
    [grant.id, grant.accountId, [...grant.roles], [...grant.secretariats], grant.proposedBy],
  );
}

export interface GrantRow {
  id: string; account_id: string; account_name: string; account_email: string; roles: StaffRole[]; secretariats: string[];
  proposed_by: string; proposer_name: string; proposed_at: Date;
  [column: string]: unknown;
}

const GRANT_SELECT = `SELECT g.id, g.account_id, a.name AS account_name, a.email AS account_email, g.roles, g.secretariats,
    g.proposed_by, p.name AS proposer_name, g.proposed_at
  FROM staff_role_grants g JOIN staff_accounts a ON a.id = g.account_id JOIN staff_accounts p ON p.id = g.proposed_by`;

export async function pendingGrantRows(db: Queryable): Promise<GrantRow[]> {
  return (await db.query<GrantRow>(`${GRANT_SELECT} WHERE g.decided_at IS NULL ORDER BY g.proposed_at`)).rows;
}

export async function findPendingGrantRow(db: Queryable, id: string): Promise<GrantRow | null> {
  return (await db.query<GrantRow>(`${GRANT_SELECT} WHERE g.id = $1 AND g.decided_at IS NULL`, [id])).rows[0] ?? null;
}

/**
 * Records the decision if the grant is still pending and, for an approval, the decider neither proposed
 * nor receives it; false otherwise. The condition sits in the UPDATE so that a grant is decided once,
 * however many admins click at once.
 */
export async function recordGrantDecision(db: Queryable, grantId: string, deciderId: string, decision: 'approved' | 'refused'): Promise<boolean> {
  const taken = await db.query(
    `UPDATE staff_role_grants SET decided_by = $2, decided_at = now(), decision = $3
     WHERE id = $1 AND decided_at IS NULL AND ($3 = 'refused' OR (proposed_by <> $2 AND account_id <> $2)) RETURNING id`,
    [grantId, deciderId, decision],
  );
  return taken.rows.length > 0;
}

/** Sets an account's roles and secretariats (the caller ends its sessions). */
export async function setAccountRoles(db: Queryable, accountId: string, roles: readonly StaffRole[], secretariats: readonly string[]): Promise<void> {
  await db.query('UPDATE staff_accounts SET roles = $2, secretariats = $3 WHERE id = $1', [accountId, [...roles], [...secretariats]]);
}
