/**
 * What staff do with a request: change its status, ask the citizen, note, assign, transfer; the Ouvidoria's
 * forward and extension and the secretariat's internal answer; answer templates. Each action is one
 * transaction: its writes, its event and its audit entry commit together or not at all, so a failure
 * half-way leaves the request as it was. Push notices go out after the commit, without holding the answer.
 * The routes (audiences/staff/action-routes.ts) only parse, call and answer.
 */
import type { InferOutput } from 'valibot';
import type {
  AssignSchema, ExtensionSchema, ForwardSchema, InternalAnswerSchema, NoteSchema, QuestionSchema, StatusChangeSchema, TemplateSchema, TransferSchema,
} from '../../shared/contract/staff.ts';
import type { SubmissionStatus } from '../../shared/contract/status.ts';
import { HttpError, apiError } from '../http/api-errors.ts';
import type { CurrentCharter } from './current-charter.ts';
import { audit } from './audit.ts';
import { canSee } from './permissions.ts';
import { forbidden, notFound, reachesService, type StaffActor, type QueueDeps } from './request-visibility.ts';
import { writeSubmissionStatus } from '../storage/submission-store.ts';
import { findAccountById } from '../storage/accounts.ts';
import {
  addStaffEvent, assignTo, extendOnce, forwardTo, insertTemplate, moveToSecretariat, templatesOf, type SubmissionFull,
} from '../storage/queue-store.ts';

/** What every action is given: the queue's dependencies and the push notice, sent after the commit. */
export interface RequestActionDeps extends Pick<QueueDeps, 'storage' | 'charters' | 'refreshDueDate'> {
  notify: (id: string) => void;
}

/* Each action's input, as its route parsed it. */
type StatusChangeInput = InferOutput<typeof StatusChangeSchema>;
type QuestionInput = InferOutput<typeof QuestionSchema>;
type NoteInput = InferOutput<typeof NoteSchema>;
type AssignInput = InferOutput<typeof AssignSchema>;
type TransferInput = InferOutput<typeof TransferSchema>;
type ForwardInput = InferOutput<typeof ForwardSchema>;
type InternalAnswerInput = InferOutput<typeof InternalAnswerSchema>;
type ExtensionInput = InferOutput<typeof ExtensionSchema>;
type TemplateInput = InferOutput<typeof TemplateSchema>;

/** What an action answers once it committed. */
type Done = { ok: true };
const done = (): Done => ({ ok: true });

const closed = (what: 'request' | 'manifestation' = 'request') =>
  new HttpError(409, apiError('closed', what === 'request' ? 'Este pedido já foi encerrado.' : 'Esta manifestação já foi encerrada.'));

function requireSecretariat(current: CurrentCharter | null, secretariatId: string): void {
  if (!current?.charter.secretariats.some((s) => s.id === secretariatId)) throw new HttpError(422, apiError('unknown_secretariat', 'Secretaria não encontrada na Carta de Serviços.'));
}

/**
 * Writes a status the citizen reads, moves the due date with it (its clock pauses or resumes) and audits it.
 * The charter is read before the transaction: inside it, only `tx` may be used.
 */
async function writeCitizenStatus(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, status: SubmissionStatus, text: string | undefined, action: string): Promise<void> {
  const current = await deps.charters.current();
  await deps.storage.transaction(async (tx) => {
    if (!(await writeSubmissionStatus(tx, row.id, status, text, new Date(), actor.accountId))) throw notFound();
    await deps.refreshDueDate?.(row.id, { db: tx, current });
    await audit(tx, actor, action, { submissionId: row.id });
  });
  deps.notify(row.id);
}

export async function changeStatus(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, change: StatusChangeInput): Promise<Done> {
  await writeCitizenStatus(deps, actor, row, change.status, change.note, `status:${change.status}`);
  return done();
}

/** "Aguardando o cidadão": a question the citizen reads and answers in the app; the deadline's clock pauses. */
export async function askCitizen(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, { question }: QuestionInput): Promise<Done> {
  if (row.closed_at) throw closed();
  await writeCitizenStatus(deps, actor, row, 'waiting_citizen', question, 'question');
  return done();
}

/** An event and its audit entry, together: a note, or the secretariat's internal answer. */
async function recordEvent(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, type: 'note' | 'internal_answer', text: string): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    await addStaffEvent(tx, row.id, actor.accountId, type, text);
    await audit(tx, actor, type, { submissionId: row.id });
  });
}

export async function addNote(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, { text }: NoteInput): Promise<Done> {
  await recordEvent(deps, actor, row, 'note', text);
  return done();
}

/** Hands the request to a colleague who sees it (or to nobody). */
export async function assign(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, { accountId: assignee }: AssignInput): Promise<Done> {
  let name = 'ninguém';
  if (assignee) {
    const colleague = await findAccountById(deps.storage, assignee);
    if (!colleague || colleague.disabled || !canSee(colleague, { kind: row.kind, secretariatId: row.secretariat_id, forwardedTo: row.forwarded_to })) {
      throw new HttpError(422, apiError('bad_assignee', 'Esta pessoa não atende pedidos desta secretaria.'));
    }
    name = colleague.name;
  }
  await deps.storage.transaction(async (tx) => {
    await assignTo(tx, row.id, assignee);
    await addStaffEvent(tx, row.id, actor.accountId, 'assign', `Atribuído a ${name}`);
    await audit(tx, actor, 'assign', { submissionId: row.id, target: assignee });
  });
  return done();
}

export async function transfer(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, { secretariatId, reason }: TransferInput): Promise<Done> {
  // A manifestação belongs to the secretariat the Ouvidoria forwards it to: moving its secretariat_id would
  // change nothing anyone sees and muddle its story.
  if (row.kind === 'manifestation') throw new HttpError(422, apiError('use_forward', 'Manifestações mudam de secretaria só pelo encaminhamento da Ouvidoria.'));
  requireSecretariat(await deps.charters.current(), secretariatId);
  if (secretariatId === row.secretariat_id) throw new HttpError(422, apiError('same_secretariat', 'O pedido já está nesta secretaria.'));
  await deps.storage.transaction(async (tx) => {
    if (!(await moveToSecretariat(tx, row.id, row.secretariat_id, secretariatId))) throw new HttpError(409, apiError('moved', 'O pedido mudou enquanto você o lia: abra de novo.'));
    await addStaffEvent(tx, row.id, actor.accountId, 'transfer', `De ${row.secretariat_id} para ${secretariatId}: ${reason}`);
    await audit(tx, actor, 'transfer', { submissionId: row.id, target: secretariatId });
  });
  return done();
}

/** The Ouvidoria forwards a manifestação to the secretariat concerned, which answers back internally. */
export async function forward(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, { secretariatId, note }: ForwardInput): Promise<Done> {
  if (row.kind !== 'manifestation') throw new HttpError(422, apiError('not_manifestation', 'Só manifestações são encaminhadas pela Ouvidoria.'));
  if (row.closed_at) throw closed('manifestation');
  requireSecretariat(await deps.charters.current(), secretariatId);
  const moved = await deps.storage.transaction(async (tx) => {
    if (!(await forwardTo(tx, row.id, secretariatId))) throw closed('manifestation');
    await addStaffEvent(tx, row.id, actor.accountId, 'forward', `Encaminhada para ${secretariatId}${note ? `: ${note}` : ''}`);
    const inReview = row.status === 'received'
      && (await writeSubmissionStatus(tx, row.id, 'in_review', 'Sua manifestação foi encaminhada à secretaria responsável.', new Date(), actor.accountId));
    await audit(tx, actor, 'forward', { submissionId: row.id, target: secretariatId });
    return inReview;
  });
  if (moved) deps.notify(row.id);
  return done();
}

export async function answerInternally(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, { text }: InternalAnswerInput): Promise<Done> {
  // Only the secretariat it went to answers (someone who also reads everywhere, as controladoria, does not answer for it).
  if (row.kind !== 'manifestation' || !row.forwarded_to || !actor.account.secretariats.includes(row.forwarded_to)) {
    throw new HttpError(422, apiError('not_forwarded', 'Esta manifestação não foi encaminhada à sua secretaria.'));
  }
  await recordEvent(deps, actor, row, 'internal_answer', text);
  return done();
}

/** Law 13.460 art. 16: 30 days, extendable once by 30 with a justification the citizen reads. */
export async function extendDeadline(deps: RequestActionDeps, actor: StaffActor, row: SubmissionFull, { justification }: ExtensionInput): Promise<Done> {
  if (row.kind !== 'manifestation') throw new HttpError(422, apiError('not_manifestation', 'Só o prazo de manifestações é prorrogado assim.'));
  const alreadyExtended = () => new HttpError(409, apiError('already_extended', 'O prazo desta manifestação já foi prorrogado uma vez (a lei permite só uma).'));
  if (row.extended) throw alreadyExtended();
  if (row.closed_at) throw closed('manifestation');
  await deps.storage.transaction(async (tx) => {
    if (!(await extendOnce(tx, row.id))) throw alreadyExtended();
    await writeSubmissionStatus(tx, row.id, row.status, `Prazo prorrogado por mais 30 dias: ${justification}`, new Date(), actor.accountId);
    await audit(tx, actor, 'extend', { submissionId: row.id });
  });
  deps.notify(row.id);
  return done();
}

/** A service's answer templates, for who reaches that service's requests. */
export async function listTemplates(deps: Pick<QueueDeps, 'storage' | 'charters'>, actor: StaffActor, serviceId: unknown) {
  const current = await deps.charters.current();
  const service = typeof serviceId === 'string' ? current?.services.get(serviceId) : undefined;
  // Another secretariat's templates are not there for this actor: the same empty list as a service without any.
  if (!service || !current || !reachesService(actor.account, service, current)) return { templates: [] };
  const rows = await templatesOf(deps.storage, service.id);
  return { templates: rows.map((r) => ({ id: r.id, serviceId: r.service_id, title: r.title, text: r.text })) };
}

/** Writes an answer template of a service the actor reaches; returns its id. */
export async function createTemplate(deps: Pick<QueueDeps, 'storage' | 'charters'>, actor: StaffActor, template: TemplateInput): Promise<{ id: string }> {
  const current = await deps.charters.current();
  const service = current?.services.get(template.serviceId);
  if (!service || !current) throw new HttpError(422, apiError('unknown_service', 'Serviço não encontrado.'));
  if (!reachesService(actor.account, service, current)) throw forbidden();
  const id = crypto.randomUUID();
  await deps.storage.transaction(async (tx) => {
    await insertTemplate(tx, { id, serviceId: service.id, title: template.title, text: template.text, createdBy: actor.accountId });
    await audit(tx, actor, 'template_created', { target: id });
  });
  return { id };
}
