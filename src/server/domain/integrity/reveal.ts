/**
 * Revealing a preserved identity is a two-person act (the custodian model of whistleblowing platforms
 * such as GlobaLeaks). A controladoria account asks, with its justification; another controladoria account
 * approves or refuses; only then, and only to the one who asked, is the identity shown, every time audited.
 * The one who approves need not see it. The database refuses a decision by the one who asked.
 */
import { randomUUID } from 'node:crypto';
import type { Answers } from '../../../shared/contract/submissions.ts';
import type { Queryable, Storage } from '../../storage/types.ts';
import { audit, type AuditWho } from '../audit.ts';
import type { IntegrityKeys } from './crypto.ts';

export type RevealDecision = 'approved' | 'refused';

export interface RevealRequestView {
  id: string;
  reportId: string;
  requestedBy: string;
  justification: string;
  requestedAt: string;
  decision: RevealDecision | null;
  decidedBy: string | null;
}

/** This person's standing on one report: nothing asked, waiting, approved or refused (the latest request). */
export type RevealState = { state: 'none' } | { state: 'pending' | 'approved' | 'refused'; requestId: string };

type RequestRow = {
  id: string; report_id: string; requested_by: string; requester: string; justification: string; requested_at: Date;
  decision: RevealDecision | null; decider: string | null; decided_by: string | null;
};

const SELECT_REQUESTS = `SELECT r.id, r.report_id, r.requested_by, a.name AS requester, r.justification, r.requested_at, r.decision, r.decided_by, d.name AS decider
  FROM integrity_reveal_requests r JOIN staff_accounts a ON a.id = r.requested_by LEFT JOIN staff_accounts d ON d.id = r.decided_by`;

const viewOf = (row: RequestRow): RevealRequestView => ({
  id: row.id, reportId: row.report_id, requestedBy: row.requester, justification: row.justification,
  requestedAt: row.requested_at.toISOString(), decision: row.decision, decidedBy: row.decider,
});

/** Whether the report holds a preserved identity at all (an anonymous one has none to reveal). */
export async function hasPreservedIdentity(db: Queryable, reportId: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM integrity_reports WHERE id = $1 AND identity IS NOT NULL AND identification = 'preservada'`, [reportId])).rowCount > 0;
}

/** Asks to reveal; an open request of the same person on the same report is answered as it is. */
export async function requestReveal(storage: Storage, who: AuditWho & { accountId: string }, reportId: string, justification: string, now = new Date()): Promise<RevealRequestView> {
  return storage.transaction(async (tx) => {
    const id = randomUUID();
    const inserted = await tx.query(
      `INSERT INTO integrity_reveal_requests (id, report_id, requested_by, justification, requested_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (report_id, requested_by) WHERE decision IS NULL DO NOTHING`,
      [id, reportId, who.accountId, justification, now],
    );
    if (inserted.rowCount) await audit(tx, who, 'integrity_reveal_requested', { target: `${reportId} — ${justification}`.slice(0, 600) });
    const row = (await tx.query<RequestRow>(`${SELECT_REQUESTS} WHERE r.report_id = $1 AND r.requested_by = $2 AND r.decision IS NULL`, [reportId, who.accountId])).rows[0]!;
    return viewOf(row);
  });
}

export type DecideOutcome = { ok: true; request: RevealRequestView } | { ok: false; reason: 'not_found' | 'own_request' | 'decided' };

/** Another controladoria account approves or refuses; audited with both names. */
export async function decideReveal(storage: Storage, who: AuditWho & { accountId: string }, requestId: string, decision: RevealDecision, now = new Date()): Promise<DecideOutcome> {
  return storage.transaction(async (tx) => {
    const row = (await tx.query<RequestRow>(`${SELECT_REQUESTS} WHERE r.id = $1 FOR UPDATE OF r`, [requestId])).rows[0];
    if (!row) return { ok: false, reason: 'not_found' };
    if (row.requested_by === who.accountId) return { ok: false, reason: 'own_request' };
    if (row.decision) return { ok: false, reason: 'decided' };
    await tx.query('UPDATE integrity_reveal_requests SET decision = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND decision IS NULL', [requestId, decision, who.accountId, now]);
    const decider = (await tx.query<{ name: string }>('SELECT name FROM staff_accounts WHERE id = $1', [who.accountId])).rows[0]!.name;
    const verb = decision === 'approved' ? 'aprovado' : 'recusado';
    await audit(tx, who, `integrity_reveal_${decision}`, { target: `${row.report_id} — pedido de ${row.requester}, ${verb} por ${decider}`.slice(0, 600) });
    return { ok: true, request: { ...viewOf(row), decision, decidedBy: decider } };
  });
}

/** Open requests for this person to decide (others' only), and this person's own requests. */
export async function revealRequestsFor(db: Queryable, accountId: string): Promise<{ toDecide: RevealRequestView[]; mine: RevealRequestView[] }> {
  const toDecide = await db.query<RequestRow>(`${SELECT_REQUESTS} WHERE r.decision IS NULL AND r.requested_by <> $1 ORDER BY r.requested_at`, [accountId]);
  const mine = await db.query<RequestRow>(`${SELECT_REQUESTS} WHERE r.requested_by = $1 ORDER BY r.requested_at DESC LIMIT 100`, [accountId]);
  return { toDecide: toDecide.rows.map(viewOf), mine: mine.rows.map(viewOf) };
}

export async function revealStateOf(db: Queryable, accountId: string, reportId: string): Promise<RevealState> {
  const row = (await db.query<{ id: string; decision: RevealDecision | null }>(
    // An approval, once given, stands over a later refused or open request of the same person.
    `SELECT id, decision FROM integrity_reveal_requests WHERE report_id = $1 AND requested_by = $2
     ORDER BY coalesce(decision = 'approved', false) DESC, requested_at DESC LIMIT 1`, [reportId, accountId],
  )).rows[0];
  if (!row) return { state: 'none' };
  return { state: row.decision ?? 'pending', requestId: row.id };
}

/** The identity, to the one whose request was approved, audited as a view each time; null otherwise. */
export async function viewRevealedIdentity(storage: Storage, keys: IntegrityKeys, who: AuditWho & { accountId: string }, reportId: string): Promise<Answers | null> {
  if ((await revealStateOf(storage, who.accountId, reportId)).state !== 'approved') return null;
  const row = (await storage.query<{ key_id: string; identity: Uint8Array | null }>('SELECT key_id, identity FROM integrity_reports WHERE id = $1', [reportId])).rows[0];
  if (!row?.identity) return null;
  await audit(storage, who, 'integrity_identity_view', { target: reportId });
  return keys.openJson<Answers>({ keyId: row.key_id, blob: Buffer.from(row.identity) });
}
