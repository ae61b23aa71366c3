/**
 * Following a request from any phone or computer: its protocol plus a follow-up code. The phone makes the
 * code (sync/outbox/follow-up-code.ts) when the request enters the outbox and sends it with the submission,
 * so a retry after a lost answer carries the same code and the server never has to give one back (it keeps
 * only a slow hash). Every
 * request and manifestação made by the app gets one; evaluations are not followed.
 */
import * as v from 'valibot';
import { SUBMISSION_KINDS } from './forms.ts';
import { SUBMISSION_STATUSES } from './status.ts';

/** Crockford's base 32: no I, L, O or U, so the code reads aloud and copies by hand without doubt. */
export const FOLLOW_UP_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const FOLLOW_UP_CODE_LENGTH = 8;
const CODE = /^[0-9A-HJKMNP-TV-Z]{8}$/;

/** What a person typed, as the code: spaces and hyphens dropped, lower case raised, O read as 0 and I/L as 1. */
export function normalizeFollowUpCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return CODE.test(code) ? code : null;
}

/** As shown and read aloud: two groups of four. */
export function groupFollowUpCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export const FollowUpCodeSchema = v.pipe(v.string(), v.regex(CODE, 'Código de acompanhamento inválido.'));

/** The protocol as the server writes it (submission-store.ts formatProtocol): year, hyphen, six digits or more. */
export const ProtocolSchema = v.pipe(v.string(), v.trim(), v.regex(/^\d{4}-\d{6,9}$/, 'Protocolo inválido: use o formato 2026-000123.'));

/** POST /api/pedidos/acompanhar */
export const RequestFollowUpRequestSchema = v.strictObject({
  protocol: ProtocolSchema,
  code: v.pipe(v.string(), v.maxLength(40)),
});

/** What the code shows: the request's course, never its answers or anything about who made it. */
export const RequestFollowUpSchema = v.object({
  protocol: v.string(),
  kind: v.picklist(SUBMISSION_KINDS),
  serviceId: v.string(),
  status: v.picklist(SUBMISSION_STATUSES),
  receivedAt: v.string(),
  dueAt: v.nullable(v.string()),
  history: v.array(v.object({ status: v.picklist(SUBMISSION_STATUSES), at: v.string(), note: v.optional(v.string()) })),
});
export type RequestFollowUp = v.InferOutput<typeof RequestFollowUpSchema>;
