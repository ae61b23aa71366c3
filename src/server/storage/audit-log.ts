/**
 * The audit log's rows (staff_audit): adding an entry, the account-takeover lookup and the log's pages.
 * The chain that links the rows is computed by the database on insert and checked by audit-chain.ts.
 */
import { bahiaDayEnd, bahiaDayStart } from '../../shared/dates.ts';
import type { Queryable } from './types.ts';

export interface NewAuditEntry {
  accountId: string | null;
  /** Already cut to what the log keeps (domain/audit.ts). */
  sessionId: string | null;
  action: string;
  submissionId: string | null;
  target: string | null;
}

export async function insertAuditEntry(db: Queryable, entry: NewAuditEntry): Promise<void> {
  await db.query(
    'INSERT INTO staff_audit (account_id, session_id, action, submission_id, target) VALUES ($1, $2, $3, $4, $5)',
    [entry.accountId, entry.sessionId, entry.action, entry.submissionId, entry.target],
  );
}

/** Whether this account did one of these actions on this target since the given moment (the account-takeover rule). */
export async function didLately(db: Queryable, accountId: string, actions: readonly string[], target: string, since: Date): Promise<boolean> {
  const found = await db.query(
    'SELECT 1 FROM staff_audit WHERE account_id = $1 AND action = ANY($2::text[]) AND target = $3 AND at >= $4 LIMIT 1',
    [accountId, [...actions], target, since],
  );
  return found.rows.length > 0;
}

export interface AuditPageFilter {
  accountId?: string;
  action?: string;
  submissionId?: string;
  from?: string;
  to?: string;
  before?: string;
}

export interface AuditRow {
  id: string;
  at: Date;
  account_id: string | null;
  name: string | null;
  session_id: string | null;
  action: string;
  submission_id: string | null;
  target: string | null;
  [column: string]: unknown;
}

/** Up to `rows` entries matching the filter, newest first, with the author's name. */
export async function auditPage(db: Queryable, filter: AuditPageFilter, rows: number): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
  if (filter.accountId) add('a.account_id = ?', filter.accountId);
  if (filter.action) add('a.action = ?', filter.action);
  if (filter.submissionId) add('a.submission_id = ?', filter.submissionId);
  // Days are Bahia's, given as instants: a date cast would start the day at the session's midnight (UTC: 21:00 in Bahia).
  if (filter.from) add('a.at >= ?', bahiaDayStart(filter.from));
  if (filter.to) add('a.at < ?', bahiaDayEnd(filter.to));
  if (filter.before) add('a.id < ?', filter.before);
  return (await db.query<AuditRow>(
    `SELECT a.id::text AS id, a.at, a.account_id, s.name, a.session_id, a.action, a.submission_id::text AS submission_id, a.target
     FROM staff_audit a LEFT JOIN staff_accounts s ON s.id = a.account_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ${Math.trunc(rows)}`,
    params,
  )).rows;
}

/** When the admin's previous full sign-in was (the code typed, or the enrolment, before the current session's). */
export async function previousFullSignIn(db: Queryable, accountId: string): Promise<Date | null> {
  return (await db.query<{ at: Date }>(
    `SELECT at FROM staff_audit WHERE account_id = $1 AND action IN ('login_totp', 'totp_enrolled') ORDER BY id DESC OFFSET 1 LIMIT 1`, [accountId],
  )).rows[0]?.at ?? null;
}

export interface AccountChangeRow {
  id: string;
  at: Date;
  action: string;
  by_id: string | null;
  by_name: string | null;
  target_id: string | null;
  target_name: string | null;
  [column: string]: unknown;
}

/** The entries of these actions after `since` (all when null), newest first, up to 200, with who did them and to whom. */
export async function accountChangeRows(db: Queryable, actions: readonly string[], since: Date | null): Promise<AccountChangeRow[]> {
  return (await db.query<AccountChangeRow>(
    `SELECT l.id::text AS id, l.at, l.action, l.account_id AS by_id, b.name AS by_name, t.id AS target_id, t.name AS target_name
     FROM staff_audit l
     LEFT JOIN staff_accounts b ON b.id = l.account_id
     LEFT JOIN staff_accounts t ON t.id::text = l.target
     WHERE l.action = ANY($1) AND ($2::timestamptz IS NULL OR l.at > $2)
     ORDER BY l.id DESC LIMIT 200`,
    [[...actions], since],
  )).rows;
}
