/**
 * Who on the staff sees what of a request: the request they may see (403 otherwise, audited), who answers
 * the citizen, the services whose answer templates they reach, and which answers of a manifestação
 * identify its author. The queue's routes and the request actions (request-actions.ts) share these.
 */
import { type FormField, type SubmissionKind } from '../../shared/contract/forms.ts';
import { type Service } from '../../shared/contract/charter.ts';
import { type SubmissionStatus } from '../../shared/contract/status.ts';
import { UuidSchema } from '../../shared/contract/primitives.ts';
import { parseContract } from '../../shared/contract/parse.ts';
import type { RequestDeadlineFlag } from '../../shared/contract/staff.ts';
import { HttpError, apiError } from '../http/api-errors.ts';
import type { CharterCache, CurrentCharter } from './current-charter.ts';
import type { PushOptions } from './push.ts';
import type { Queryable, Storage } from '../storage/types.ts';
import { audit, type AuditWho } from './audit.ts';
import { can, canSee, type Actor } from './permissions.ts';
import { findForStaff, type SubmissionFull } from '../storage/queue-store.ts';
import type { AccountRow } from '../storage/accounts.ts';

/** Who acts (`request.actor`): the signed-in account (an `Actor` for permissions.ts), and its account and session as the audit log names them. */
export interface StaffActor extends AuditWho {
  account: AccountRow;
  accountId: string;
  sessionId: string;
}

export interface QueueDeps {
  storage: Storage;
  charters: CharterCache;
  push: PushOptions;
  /**
   * The deadline flag of a row (due_soon needs the holiday calendar of `current`, the charter the route read
   * once for its whole answer); 'on_time' style flags only without it.
   */
  flagOf?: (row: { status: SubmissionStatus; dueAt: Date | null; closedAt: Date | null; kind: SubmissionKind }, now: Date, current: CurrentCharter | null) => RequestDeadlineFlag | null;
  /** Recomputes a request's due date after its clock paused or resumed (inside the action's transaction). */
  refreshDueDate?: (id: string, within?: { db: Queryable; current: CurrentCharter | null }) => Promise<void>;
}

export const notFound = () => new HttpError(404, apiError('not_found', 'Pedido não encontrado.'));
export const forbidden = () => new HttpError(403, apiError('forbidden', 'Este pedido é de outra secretaria ou de outro canal.'));

export async function loadVisible(deps: Pick<QueueDeps, 'storage'>, actor: StaffActor, id: string): Promise<SubmissionFull> {
  if (!parseContract(UuidSchema, id).ok) throw notFound();
  const row = await findForStaff(deps.storage, id);
  if (!row) throw notFound();
  if (!canSee(actor.account, { kind: row.kind, secretariatId: row.secretariat_id, forwardedTo: row.forwarded_to })) {
    await audit(deps.storage, actor, 'denied', { submissionId: id });
    throw forbidden();
  }
  return row;
}

/** A manifestação is answered to the citizen by the Ouvidoria; the secretariat it was forwarded to answers the Ouvidoria. */
export function answersTheCitizen(actor: StaffActor, row: SubmissionFull): void {
  if (row.kind === 'manifestation' && !can(actor.account, 'manifestations.forward')) {
    throw new HttpError(403, apiError('ouvidoria_answers', 'A resposta ao cidadão é dada pela Ouvidoria: use "Responder à Ouvidoria".'));
  }
}

/**
 * Whether the actor reaches a service's answer templates: as far as it reaches the service's requests (a
 * secretariat its own services; the Ouvidoria the manifestação form's; the controladoria every one).
 */
export function reachesService(actor: Actor, service: Service, current: CurrentCharter): boolean {
  const kind = current.charter.forms.find((form) => form.id === service.formId)?.kind ?? 'request';
  return canSee(actor, { kind, secretariatId: service.secretariatId, forwardedTo: service.secretariatId });
}

/**
 * Whether the actor reads a manifestação without its author's identity: a secretariat it was forwarded to,
 * unless the citizen ticked the field marked `sharesIdentity`. Such a reader gets neither the sequential
 * protocol nor the time of day of its dates (queue-routes.ts): the app sends a citizen's manifestação and
 * named request in one batch, so the next protocol and the same millisecond would name the complainant.
 * Without the answers' fields (the list, the export) every manifestação counts as read without identity.
 */
export function readsWithoutIdentity(actor: Actor, row: Pick<SubmissionFull, 'kind'> & { answers?: Record<string, unknown> }, fields?: readonly FormField[]): boolean {
  if (row.kind !== 'manifestation' || can(actor, 'manifestations.read')) return false;
  const answers = row.answers;
  return !(fields && answers && fields.some((field) => field.sharesIdentity && answers[field.id] === true));
}

/** In a manifestação these always identify their author, whatever the form says. */
const IDENTIFYING_TYPES: readonly FormField['type'][] = ['cpf', 'email', 'phone'];

/**
 * The answers the actor may read. A manifestação's identification stays with the Ouvidoria and the
 * controladoria (Law 13.460 art. 10 §7): a secretariat it was forwarded to reads it only when the citizen
 * ticked the field marked `sharesIdentity`. What identifies: a field marked `identifies` in the version the
 * citizen filled in or in the form's current version (field ids are kept across versions, so manifestações
 * sent before the marks existed are covered), and any CPF, e-mail or phone field.
 */
export function readableFields(actor: Actor, row: Pick<SubmissionFull, 'kind' | 'answers'>, fields: readonly FormField[], currentFields: readonly FormField[] = []): { fields: FormField[]; withheld: boolean } {
  if (!readsWithoutIdentity(actor, row, fields)) return { fields: [...fields], withheld: false };
  const marked = new Set([...fields, ...currentFields].filter((field) => field.identifies).map((field) => field.id));
  const identifies = (field: FormField) => marked.has(field.id) || IDENTIFYING_TYPES.includes(field.type);
  return { fields: fields.filter((field) => !identifies(field)), withheld: fields.some((field) => identifies(field) && row.answers[field.id] !== undefined) };
}

/** The attachments of the fields readableFields leaves to the actor: an identifying document stays with the Ouvidoria too. */
export function readableAttachments(row: Pick<SubmissionFull, 'attachments'>, formFields: readonly FormField[], readable: readonly FormField[]): SubmissionFull['attachments'] {
  if (readable.length === formFields.length) return row.attachments;
  const ids = new Set(readable.map((field) => field.id));
  return row.attachments.filter((attachment) => ids.has(attachment.fieldId));
}

/** readableAttachments for a route that has not read the form yet (a file's download). */
export async function readableAttachmentsOf(deps: QueueDeps, actor: Actor, row: SubmissionFull): Promise<SubmissionFull['attachments']> {
  if (row.kind !== 'manifestation') return row.attachments;
  const [current, form] = await Promise.all([deps.charters.current(), deps.charters.formVersion(row.form_id, row.form_version)]);
  const currentForm = current?.charter.forms.find((f) => f.id === row.form_id);
  const formFields = form?.fields ?? [];
  return readableAttachments(row, formFields, readableFields(actor, row, formFields, currentForm?.fields).fields);
}
