/**
 * The audit log: every staff action and every view of a request's personal data — who (account and
 * session), when, what, on which request. It never copies answers. Rows can only be added (triggers refuse
 * UPDATE, DELETE and TRUNCATE), and each carries the hash of the one before (migration 015): the insert's
 * trigger takes the chain's head lock until the transaction ends, so write the entry as late in a
 * transaction as the action allows. `npm run audit:verify` checks the chain (src/server/storage/audit-chain.ts).
 */
import type { AuditEntry } from '../../shared/contract/staff.ts';
import type { Queryable } from '../storage/types.ts';

export interface AuditWho {
  accountId: string | null;
  sessionId: string | null;
}

export async function audit(db: Queryable, who: AuditWho, action: string, details: { submissionId?: string | null; target?: string | null } = {}): Promise<void> {
  await db.query(
    'INSERT INTO staff_audit (account_id, session_id, action, submission_id, target) VALUES ($1, $2, $3, $4, $5)',
    [who.accountId, who.sessionId ? who.sessionId.slice(0, 16) : null, action, details.submissionId ?? null, details.target ?? null],
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

export interface AuditFilter {
  accountId?: string;
  action?: string;
  submissionId?: string;
  from?: string;
  to?: string;
  before?: string;
  limit?: number;
}

export async function readAudit(db: Queryable, filter: AuditFilter): Promise<{ entries: AuditEntry[]; nextBefore: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
  if (filter.accountId) add('a.account_id = ?', filter.accountId);
  if (filter.action) add('a.action = ?', filter.action);
  if (filter.submissionId) add('a.submission_id = ?', filter.submissionId);
  if (filter.from) add(`a.at >= ?::date`, filter.from);
  if (filter.to) add(`a.at < (?::date + 1)`, filter.to);
  if (filter.before) add('a.id < ?', filter.before);
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
  const rows = await db.query<{ id: string; at: Date; account_id: string | null; name: string | null; session_id: string | null; action: string; submission_id: string | null; target: string | null }>(
    `SELECT a.id::text AS id, a.at, a.account_id, s.name, a.session_id, a.action, a.submission_id::text AS submission_id, a.target
     FROM staff_audit a LEFT JOIN staff_accounts s ON s.id = a.account_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ${limit + 1}`,
    params,
  );
  const entries = rows.rows.slice(0, limit).map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    account: row.account_id ? { id: row.account_id, name: row.name ?? '' } : null,
    sessionId: row.session_id,
    action: row.action,
    submissionId: row.submission_id,
    target: row.target,
  }));
  return { entries, nextBefore: rows.rows.length > limit ? entries.at(-1)!.id : null };
}
