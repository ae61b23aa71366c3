/**
 * Revealing a preserved identity is a two-person act (the custodian model of whistleblowing platforms
 * such as GlobaLeaks). A controladoria account asks, with its justification; another controladoria account
 * approves or refuses; only then, and only to the one who asked, is the identity shown, every time audited.
 * The one who approves need not see it. The database refuses a decision by the one who asked.
 */
import { randomUUID } from 'node:crypto';
import type { RevealRequestView } from '../../../shared/contract/integrity-staff.ts';
import type { Answers } from '../../../shared/contract/submissions.ts';
import { sealedIdentity } from '../../storage/integrity-store.ts';
import {
  insertRevealRequest, lockRevealRequest, openRequestsOfOthers, openRevealRequestOf, recordRevealDecision, requestsOf, staffName, standingRequestOf,
  type RevealDecision, type RevealRequestRow,
} from '../../storage/integrity-reveal-store.ts';
import type { Queryable, Storage } from '../../storage/types.ts';
import { audit, type AuditWho } from '../audit.ts';
import type { IntegrityKeys } from './crypto.ts';

/** This person's standing on one report: nothing asked, waiting, approved or refused (the latest request). */
export type RevealState = { state: 'none' } | { state: 'pending' | 'approved' | 'refused'; requestId: string };

const viewOf = (row: RevealRequestRow): RevealRequestView => ({
  id: row.id, reportId: row.reportId, requestedBy: row.requesterName, justification: row.justification,
  requestedAt: row.requestedAt.toISOString(), decision: row.decision, decidedBy: row.deciderName,
});

/** Asks to reveal; an open request of the same person on the same report is answered as it is. */
export async function requestReveal(storage: Storage, who: AuditWho & { accountId: string }, reportId: string, justification: string, now = new Date()): Promise<RevealRequestView> {
  return storage.transaction(async (tx) => {
    const inserted = await insertRevealRequest(tx, { id: randomUUID(), reportId, requestedBy: who.accountId, justification, requestedAt: now });
    if (inserted) await audit(tx, who, 'integrity_reveal_requested', { target: `${reportId} — ${justification}`.slice(0, 600) });
    return viewOf((await openRevealRequestOf(tx, reportId, who.accountId))!);
  });
}

export type DecideOutcome = { ok: true; request: RevealRequestView } | { ok: false; reason: 'not_found' | 'own_request' | 'decided' };

/** Another controladoria account approves or refuses; audited with both names. */
export async function decideReveal(storage: Storage, who: AuditWho & { accountId: string }, requestId: string, decision: RevealDecision, now = new Date()): Promise<DecideOutcome> {
  return storage.transaction(async (tx) => {
    const row = await lockRevealRequest(tx, requestId);
    if (!row) return { ok: false, reason: 'not_found' };
    if (row.requestedBy === who.accountId) return { ok: false, reason: 'own_request' };
    if (row.decision) return { ok: false, reason: 'decided' };
    await recordRevealDecision(tx, requestId, decision, who.accountId, now);
    const decider = await staffName(tx, who.accountId);
    const verb = decision === 'approved' ? 'aprovado' : 'recusado';
    await audit(tx, who, `integrity_reveal_${decision}`, { target: `${row.reportId} — pedido de ${row.requesterName}, ${verb} por ${decider}`.slice(0, 600) });
    return { ok: true, request: { ...viewOf(row), decision, decidedBy: decider } };
  });
}

/** Open requests for this person to decide (others' only), and this person's own requests. */
export async function revealRequestsFor(db: Queryable, accountId: string): Promise<{ toDecide: RevealRequestView[]; mine: RevealRequestView[] }> {
  const toDecide = await openRequestsOfOthers(db, accountId);
  const mine = await requestsOf(db, accountId);
  return { toDecide: toDecide.map(viewOf), mine: mine.map(viewOf) };
}

export async function revealStateOf(db: Queryable, accountId: string, reportId: string): Promise<RevealState> {
  const row = await standingRequestOf(db, accountId, reportId);
  if (!row) return { state: 'none' };
  return { state: row.decision ?? 'pending', requestId: row.id };
}

/** The identity, to the one whose request was approved, audited as a view each time; null otherwise. */
export async function viewRevealedIdentity(storage: Storage, keys: IntegrityKeys, who: AuditWho & { accountId: string }, reportId: string): Promise<Answers | null> {
  if ((await revealStateOf(storage, who.accountId, reportId)).state !== 'approved') return null;
  const identity = await sealedIdentity(storage, reportId);
  if (!identity) return null;
  await audit(storage, who, 'integrity_identity_view', { target: reportId });
  return keys.openJson<Answers>(identity);
}
