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
import { endSessionsOf, findAccountByEmail, findAccountById } from '../storage/accounts.ts';
import {
  findPendingGrantRow, insertGrant, pendingGrantRows, recordGrantDecision, setAccountRoles, type GrantRow,
} from '../storage/grant-store.ts';
import { accountChangeRows, previousFullSignIn } from '../storage/audit-log.ts';
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
  await insertGrant(db, { id, accountId: input.accountId, roles: input.roles, secretariats: input.secretariats, proposedBy: who.accountId });
  await audit(db, who, 'grant_proposed', { target: input.accountId });
  return id;
}

const toGrant = (row: GrantRow): PendingGrant => ({
  id: row.id,
  account: { id: row.account_id, name: row.account_name, email: row.account_email },
  roles: row.roles,
  secretariats: row.secretariats,
  proposedBy: { id: row.proposed_by, name: row.proposer_name },
  proposedAt: row.proposed_at.toISOString(),
});

export async function pendingGrants(db: Queryable): Promise<PendingGrant[]> {
  return (await pendingGrantRows(db)).map(toGrant);
}

export async function findPendingGrant(db: Queryable, id: string): Promise<PendingGrant | null> {
  const row = await findPendingGrantRow(db, id);
  return row ? toGrant(row) : null;
}

export type GrantDecision = 'approved' | 'refused';

/**
 * Decides a pending grant. Approval: only by an admin who neither proposed it nor receives it; the roles
 * and secretariats apply, the account's sessions end, and the audit entry is written, all in one
 * transaction. The decision is recorded
 * conditionally (storage/grant-store.ts), so a grant is decided once, however many admins click at once.
 */
export async function decideGrant(
  storage: Storage, who: AuditWho & { accountId: string }, grantId: string, decision: GrantDecision,
): Promise<'done' | 'not_found' | 'own_grant'> {
  return storage.transaction(async (tx) => {
    const grant = await findPendingGrant(tx, grantId);
    if (!grant) return 'not_found';
    if (decision === 'approved' && (grant.proposedBy.id === who.accountId || grant.account.id === who.accountId)) return 'own_grant';
    if (!(await recordGrantDecision(tx, grantId, who.accountId, decision))) return 'not_found';
    if (decision === 'approved') {
      await setAccountRoles(tx, grant.account.id, grant.roles, grant.secretariats);
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
    const current = await findAccountByEmail(tx, email);
    if (!current) return null;
    const id = current.id;
    const nextRoles = [...new Set([...current.roles, ...roles])];
    const nextSecretariats = [...new Set([...current.secretariats, ...secretariats])];
    await setAccountRoles(tx, id, nextRoles, nextSecretariats);
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
  const previous = await previousFullSignIn(db, adminId);
  const rows = await accountChangeRows(db, ACCOUNT_ACTIONS, previous);
  return {
    since: previous?.toISOString() ?? null,
    changes: rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      action: row.action,
      by: row.by_id ? { id: row.by_id, name: row.by_name ?? '' } : null,
      target: row.target_id ? { id: row.target_id, name: row.target_name ?? '' } : null,
    })),
  };
}
