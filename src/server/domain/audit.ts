/**
 * The audit log: every staff action and every view of a request's personal data — who (account and
 * session), when, what, on which request. It never copies answers. Rows can only be added (triggers refuse
 * UPDATE, DELETE and TRUNCATE), and each carries the hash of the one before (migration 015): the insert's
 * trigger takes the chain's head lock until the transaction ends, so write the entry as late in a
 * transaction as the action allows. `npm run audit:verify` checks the chain (src/server/storage/audit-chain.ts).
 */
import type { AuditEntry } from '../../shared/contract/staff.ts';
import type { Queryable } from '../storage/types.ts';
import { auditPage, insertAuditEntry, type AuditPageFilter } from '../storage/audit-log.ts';

export interface AuditWho {
  accountId: string | null;
  sessionId: string | null;
}

export async function audit(db: Queryable, who: AuditWho, action: string, details: { submissionId?: string | null; target?: string | null } = {}): Promise<void> {
  await insertAuditEntry(db, {
    accountId: who.accountId,
    sessionId: who.sessionId ? who.sessionId.slice(0, 16) : null,
    action,
    submissionId: details.submissionId ?? null,
    target: details.target ?? null,
  });
}

export interface AuditFilter extends AuditPageFilter {
  limit?: number;
}

export async function readAudit(db: Queryable, filter: AuditFilter): Promise<{ entries: AuditEntry[]; nextBefore: string | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
  // One row more than the page tells whether there is a next one.
  const rows = await auditPage(db, filter, limit + 1);
  const entries = rows.slice(0, limit).map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    account: row.account_id ? { id: row.account_id, name: row.name ?? '' } : null,
    sessionId: row.session_id,
    action: row.action,
    submissionId: row.submission_id,
    target: row.target,
  }));
  return { entries, nextBefore: rows.length > limit ? entries.at(-1)!.id : null };
}
