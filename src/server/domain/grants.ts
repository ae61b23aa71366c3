/**
 * Two-person grants (issue 15, finding 1): admin, controladoria and ouvidoria open the integrity channel,
 * the manifestações or the accounts themselves, so one admin proposes such a grant and another admin
 * decides it. The proposer never approves their own, nor does the person it would empower; the approval
 * applies the roles in the same transaction as its audit entry. Also "O que mudou nas contas": the account
 * events an admin has not seen since their previous sign-in.
 */
import { randomUUID } from 'node:crypto';
import { ROLES_NEEDING_APPROVAL, type StaffRole } from '../../shared/contract/staff.ts';
import type { Queryable, Storage } from '../storage/types.ts';
import { endSessionsOf, findAccountById } from '../storage/accounts.ts';
import { audit, type AuditWho } from './audit.ts';

/** Roles that only a second admin (or the server's command line) can grant. */
export const POWER_ROLES = ROLES_NEEDING_APPROVAL;

/** The roles of `next` that `current` does not hold and that need a second person. */
export const powerAdded = (current: readonly StaffRole[], next: readonly StaffRole[]) =>
  next.filter((role) => POWER_ROLES.includes(role) && !current.includes(role));

export interface PendingGrant {
  id: string;
  account: { id: string; name: string; email: string };
  roles: StaffRole[];
  secretariats: string[];
  proposedBy: { id: string; name: string };
  proposedAt: string;
}

export async function proposeGrant(
  db: Queryable, who: AuditWho & { accountId: string }, input: { accountId: string; roles: readonly StaffRole[]; secretariats: readonly string[] },
): Promise<string> {
  const id = randomUUID();
  await db.query(
    'INSERT INTO staff_role_grants (id, account_id, roles, secretariats, proposed_by) VALUES ($1, $2, $3, $4, $5)',
    [id, input.accountId, [...input.roles], [...input.secretariats], who.accountId],
  );
  await audit(db, who, 'grant_proposed', { target: input.accountId });
  return id;
}

type GrantRow = {
  id: string; account_id: string; account_name: string; account_email: string; roles: StaffRole[]; secretariats: string[];
  proposed_by: string; proposer_name: string; proposed_at: Date;
};

const GRANT_SELECT = `SELECT g.id, g.account_id, a.name AS account_name, a.email AS account_email, g.roles, g.secretariats,
    g.proposed_by, p.name AS proposer_name, g.proposed_at
  FROM staff_role_grants g JOIN staff_accounts a ON a.id = g.account_id JOIN staff_accounts p ON p.id = g.proposed_by`;

const toGrant = (row: GrantRow): PendingGrant => ({
  id: row.id,
  account: { id: row.account_id, name: row.account_name, email: row.account_email },
  roles: row.roles,
  secretariats: row.secretariats,
  proposedBy: { id: row.proposed_by, name: row.proposer_name },
  proposedAt: row.proposed_at.toISOString(),
});

export async function pendingGrants(db: Queryable): Promise<PendingGrant[]> {
  return (await db.query<GrantRow>(`${GRANT_SELECT} WHERE g.decided_at IS NULL ORDER BY g.proposed_at`)).rows.map(toGrant);
}

export async function findPendingGrant(db: Queryable, id: string): Promise<PendingGrant | null> {
  const row = (await db.query<GrantRow>(`${GRANT_SELECT} WHERE g.id = $1 AND g.decided_at IS NULL`, [id])).rows[0];
  return row ? toGrant(row) : null;
}

export type GrantDecision = 'approved' | 'refused';

/**
 * Decides a pending grant. Approval: only by an admin who neither proposed it nor receives it; the roles
 * and secretariats apply, the account's sessions end, and the audit entry is written, all in one
 * transaction. The conditional UPDATE makes a grant decided once, however many admins click at once.
 */
export async function decideGrant(
  storage: Storage, who: AuditWho & { accountId: string }, grantId: string, decision: GrantDecision,
): Promise<'done' | 'not_found' | 'own_grant'> {
  return storage.transaction(async (tx) => {
    const grant = await findPendingGrant(tx, grantId);
    if (!grant) return 'not_found';
    if (decision === 'approved' && (grant.proposedBy.id === who.accountId || grant.account.id === who.accountId)) return 'own_grant';
    const taken = await tx.query(
      `UPDATE staff_role_grants SET decided_by = $2, decided_at = now(), decision = $3
       WHERE id = $1 AND decided_at IS NULL AND ($3 = 'refused' OR (proposed_by <> $2 AND account_id <> $2)) RETURNING id`,
      [grantId, who.accountId, decision],
    );
    if (!taken.rows.length) return 'not_found';
    if (decision === 'approved') {
      await tx.query('UPDATE staff_accounts SET roles = $2, secretariats = $3 WHERE id = $1', [grant.account.id, grant.roles, grant.secretariats]);
      await endSessionsOf(tx, grant.account.id);
    }
    await audit(tx, who, decision === 'approved' ? 'grant_approved' : 'grant_refused', { target: grant.account.id });
    return 'done';
  });
}

/**
 * The server's command line grants roles alone (the only way while the city has one admin): the roles are
 * added, the sessions end, and the audit entry says it was the command line (no account).
 */
export async function grantFromCommandLine(storage: Storage, email: string, roles: readonly StaffRole[], secretariats: readonly string[]) {
  return storage.transaction(async (tx) => {
    const found = await tx.query<{ id: string }>('SELECT id FROM staff_accounts WHERE email = $1', [email.trim().toLowerCase()]);
    const id = found.rows[0]?.id;
    if (!id) return null;
    const current = (await findAccountById(tx, id))!;
    const nextRoles = [...new Set([...current.roles, ...roles])];
    const nextSecretariats = [...new Set([...current.secretariats, ...secretariats])];
    await tx.query('UPDATE staff_accounts SET roles = $2, secretariats = $3 WHERE id = $1', [id, nextRoles, nextSecretariats]);
    await endSessionsOf(tx, id);
    await audit(tx, { accountId: null, sessionId: null }, 'cli_grant', { target: id });
    return (await findAccountById(tx, id))!;
  });
}

/** The audit actions "O que mudou nas contas" shows. */
export const ACCOUNT_ACTIONS = [
  'account_created', 'account_created_cli', 'account_changed', 'roles_changed', 'account_disabled', 'reset_link_created', 'password_set',
  'grant_proposed', 'grant_approved', 'grant_refused', 'cli_grant', 'totp_reset', 'totp_enrolled', 'login_lockout',
] as const;

export interface AccountChange {
  id: string;
  at: string;
  action: string;
  by: { id: string; name: string } | null;
  target: { id: string; name: string } | null;
}

/**
 * The account events since the admin's previous full sign-in (an admin always has a second factor: the
 * code typed, or the enrolment, before the current session's), newest first; all of them (up to 200) at an
 * admin's first sign-in. A right password alone (someone else's guess) does not move this mark.
 */
export async function accountChangesSince(db: Queryable, adminId: string): Promise<{ since: string | null; changes: AccountChange[] }> {
  const previous = (await db.query<{ at: Date }>(
    `SELECT at FROM staff_audit WHERE account_id = $1 AND action IN ('login_totp', 'totp_enrolled') ORDER BY id DESC OFFSET 1 LIMIT 1`, [adminId],
  )).rows[0]?.at ?? null;
  const rows = await db.query<{ id: string; at: Date; action: string; by_id: string | null; by_name: string | null; target_id: string | null; target_name: string | null }>(
    `SELECT l.id::text AS id, l.at, l.action, l.account_id AS by_id, b.name AS by_name, t.id AS target_id, t.name AS target_name
     FROM staff_audit l
     LEFT JOIN staff_accounts b ON b.id = l.account_id
     LEFT JOIN staff_accounts t ON t.id::text = l.target
     WHERE l.action = ANY($1) AND ($2::timestamptz IS NULL OR l.at > $2)
     ORDER BY l.id DESC LIMIT 200`,
    [[...ACCOUNT_ACTIONS], previous],
  );
  return {
    since: previous?.toISOString() ?? null,
    changes: rows.rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      action: row.action,
      by: row.by_id ? { id: row.by_id, name: row.by_name ?? '' } : null,
      target: row.target_id ? { id: row.target_id, name: row.target_name ?? '' } : null,
    })),
  };
}
