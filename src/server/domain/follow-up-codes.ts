/**
 * Following a request by protocol and follow-up code. The code's hash is argon2id with a salt of its own:
 * a leaked database costs a full argon2 run per guess per request, and the live route is slowed further by
 * the per-address limit of its plugin. Every refusal is the same 404 after the same work (a protocol that
 * does not exist, has no code, or was given a wrong or malformed code), so the answer tells nothing of which.
 */
import { hash, verify } from '@node-rs/argon2';
import type { RequestFollowUp } from '../../shared/contract/request-follow-up.ts';
import { followUpTarget, getSubmissionStatus } from '../storage/submission-store.ts';
import type { Queryable } from '../storage/types.ts';

/**
 * 8 MiB and three passes: about 10 ms on one core of the city's server, so a batch of 100 requests from a
 * field agent's phone costs a second of one thread, not of the event loop (the hash runs on libuv's pool).
 * The code has 40 bits: offline, that is still ~350 core-years per request.
 */
const OPTIONS = { memoryCost: 8192, timeCost: 3, parallelism: 1 } as const;

export function hashFollowUpCode(code: string): Promise<string> {
  return hash(code, OPTIONS);
}

/** A hash of a code no phone can make (lower case), checked when there is nothing to check against. */
let decoy: Promise<string> | undefined;

/** The request's course if the code is its own; null otherwise, after the same work. */
export async function followUpByCode(db: Queryable, protocol: string | null, code: string | null): Promise<RequestFollowUp | null> {
  const target = protocol ? await followUpTarget(db, protocol) : null;
  const stored = target?.followUpHash ?? null;
  decoy ??= hashFollowUpCode('nenhum-codigo');
  const matches = await verify(stored ?? (await decoy), code ?? 'x').catch(() => false);
  if (!target || !stored || !code || !matches) return null;
  const status = await getSubmissionStatus(db, target.id);
  if (!status) return null;
  return {
    protocol: status.protocol, kind: status.kind, serviceId: status.serviceId, status: status.status,
    receivedAt: status.receivedAt, dueAt: status.dueAt ?? null, history: status.history,
  };
}
