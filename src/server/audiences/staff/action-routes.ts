/**
 * What staff do with a request: change its status, ask the citizen, note, assign, transfer; the Ouvidoria's
 * forward and extension and the secretariat's internal answer; answer templates. Each action is one
 * transaction: its writes, its event and its audit entry commit together or not at all, so a failure
 * half-way leaves the request as it was. Push notices go out after the commit, without holding the answer.
 */
import type { FastifyInstance } from 'fastify';
import {
  AssignSchema, ExtensionSchema, ForwardSchema, InternalAnswerSchema, NoteSchema, QuestionSchema, StatusChangeSchema, TemplateSchema, TransferSchema,
} from '../../../shared/contract/staff.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { HttpError, apiError, parsed } from '../../http/api-errors.ts';
import type { CurrentCharter } from '../../domain/current-charter.ts';
import { safeErrorLog } from '../../http/safe-error-log.ts';
import { notifyInBackground } from '../../domain/status-changes.ts';
import { writeSubmissionStatus } from '../../storage/submission-store.ts';
import type { Queryable } from '../../storage/types.ts';
import { findAccountById } from '../../storage/accounts.ts';
import { audit } from '../../domain/audit.ts';
import { canSee } from '../../domain/permissions.ts';
import { answersTheCitizen, forbidden, loadVisible, notFound, reachesService, type QueueDeps } from '../../domain/request-visibility.ts';
import { addStaffEvent, assignTo, extendOnce, forwardTo, insertTemplate, moveToSecretariat, templatesOf } from '../../storage/queue-store.ts';

const closed = (what: 'request' | 'manifestation' = 'request') =>
  new HttpError(409, apiError('closed', what === 'request' ? 'Este pedido já foi encerrado.' : 'Esta manifestação já foi encerrada.'));

/** What every action route is given: the queue's dependencies, the push notice and the due date's refresh. */
interface ActionContext {
  deps: QueueDeps;
  notify: (id: string) => void;
  /** The due date moves with the status; the charter is read before the transaction (inside it, only `tx` may be used). */
  refreshDueDate: (tx: Queryable, id: string, current: CurrentCharter | null) => Promise<void>;
}

function requireSecretariat(current: CurrentCharter | null, secretariatId: string): void {
  if (!current?.charter.secretariats.some((s) => s.id === secretariatId)) throw new HttpError(422, apiError('unknown_secretariat', 'Secretaria não encontrada na Carta de Serviços.'));
}

export function actionRoutes(app: FastifyInstance, deps: QueueDeps): void {
  const context: ActionContext = {
    deps,
    notify: (id) => notifyInBackground(deps.storage, id, deps.push, (error) => app.log.error({ error: safeErrorLog(error) }, 'push notice failed')),
    refreshDueDate: async (tx, id, current) => { await deps.refreshDueDate?.(id, { db: tx, current }); },
  };
  statusRoutes(app, context);
  requestRoutes(app, context);
  ouvidoriaRoutes(app, context);
  templateRoutes(app, deps);
}

/** What the citizen reads: a status change and a question. */
function statusRoutes(app: FastifyInstance, { deps, notify, refreshDueDate }: ActionContext): void {
  const { storage, charters } = deps;
  app.post<{ Params: { id: string } }>('/requests/:id/status', { config: { access: 'requests.answer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    answersTheCitizen(request, row);
    const change = parsed(parseContract(StatusChangeSchema, request.body));
    const current = await charters.current();
    await storage.transaction(async (tx) => {
      if (!(await writeSubmissionStatus(tx, row.id, change.status, change.note, new Date(), request.actor.accountId))) throw notFound();
      await refreshDueDate(tx, row.id, current);
      await audit(tx, request.actor, `status:${change.status}`, { submissionId: row.id });
    });
    notify(row.id);
    return { ok: true };
  });

  // "Aguardando o cidadão": a question the citizen reads and answers in the app; the deadline's clock pauses.
  app.post<{ Params: { id: string } }>('/requests/:id/question', { config: { access: 'requests.answer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    answersTheCitizen(request, row);
    const { question } = parsed(parseContract(QuestionSchema, request.body));
    if (row.closed_at) throw closed();
    const current = await charters.current();
    await storage.transaction(async (tx) => {
      if (!(await writeSubmissionStatus(tx, row.id, 'waiting_citizen', question, new Date(), request.actor.accountId))) throw notFound();
      await refreshDueDate(tx, row.id, current);
      await audit(tx, request.actor, 'question', { submissionId: row.id });
    });
    notify(row.id);
    return { ok: true };
  });
}

/** The staff's own work on a request: a note, who handles it, which secretariat. */
function requestRoutes(app: FastifyInstance, { deps }: ActionContext): void {
  const { storage, charters } = deps;
  app.post<{ Params: { id: string } }>('/requests/:id/notes', { config: { access: 'requests.answer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { text } = parsed(parseContract(NoteSchema, request.body));
    await storage.transaction(async (tx) => {
      await addStaffEvent(tx, row.id, request.actor.accountId, 'note', text);
      await audit(tx, request.actor, 'note', { submissionId: row.id });
    });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/requests/:id/assign', { config: { access: 'requests.assign' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { accountId: assignee } = parsed(parseContract(AssignSchema, request.body));
    let name = 'ninguém';
    if (assignee) {
      const colleague = await findAccountById(storage, assignee);
      if (!colleague || colleague.disabled || !canSee(colleague, { kind: row.kind, secretariatId: row.secretariat_id, forwardedTo: row.forwarded_to })) {
        throw new HttpError(422, apiError('bad_assignee', 'Esta pessoa não atende pedidos desta secretaria.'));
      }
      name = colleague.name;
    }
    await storage.transaction(async (tx) => {
      await assignTo(tx, row.id, assignee);
      await addStaffEvent(tx, row.id, request.actor.accountId, 'assign', `Atribuído a ${name}`);
      await audit(tx, request.actor, 'assign', { submissionId: row.id, target: assignee });
    });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/requests/:id/transfer', { config: { access: 'requests.transfer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { secretariatId, reason } = parsed(parseContract(TransferSchema, request.body));
    // A manifestação belongs to the secretariat the Ouvidoria forwards it to: moving its secretariat_id would
    // change nothing anyone sees and muddle its story.
    if (row.kind === 'manifestation') throw new HttpError(422, apiError('use_forward', 'Manifestações mudam de secretaria só pelo encaminhamento da Ouvidoria.'));
    const current = await charters.current();
    requireSecretariat(current, secretariatId);
    if (secretariatId === row.secretariat_id) throw new HttpError(422, apiError('same_secretariat', 'O pedido já está nesta secretaria.'));
    await storage.transaction(async (tx) => {
      if (!(await moveToSecretariat(tx, row.id, row.secretariat_id, secretariatId))) throw new HttpError(409, apiError('moved', 'O pedido mudou enquanto você o lia: abra de novo.'));
      await addStaffEvent(tx, row.id, request.actor.accountId, 'transfer', `De ${row.secretariat_id} para ${secretariatId}: ${reason}`);
      await audit(tx, request.actor, 'transfer', { submissionId: row.id, target: secretariatId });
    });
    return { ok: true };
  });
}

/** The Ouvidoria's steps: forward to the secretariat concerned, which answers back internally; extend once. */
function ouvidoriaRoutes(app: FastifyInstance, { deps, notify }: ActionContext): void {
  const { storage, charters } = deps;
  app.post<{ Params: { id: string } }>('/requests/:id/forward', { config: { access: 'manifestations.forward' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { secretariatId, note } = parsed(parseContract(ForwardSchema, request.body));
    if (row.kind !== 'manifestation') throw new HttpError(422, apiError('not_manifestation', 'Só manifestações são encaminhadas pela Ouvidoria.'));
    if (row.closed_at) throw closed('manifestation');
    const current = await charters.current();
    requireSecretariat(current, secretariatId);
    const moved = await storage.transaction(async (tx) => {
      if (!(await forwardTo(tx, row.id, secretariatId))) throw closed('manifestation');
      await addStaffEvent(tx, row.id, request.actor.accountId, 'forward', `Encaminhada para ${secretariatId}${note ? `: ${note}` : ''}`);
      const inReview = row.status === 'received'
        && (await writeSubmissionStatus(tx, row.id, 'in_review', 'Sua manifestação foi encaminhada à secretaria responsável.', new Date(), request.actor.accountId));
      await audit(tx, request.actor, 'forward', { submissionId: row.id, target: secretariatId });
      return inReview;
    });
    if (moved) notify(row.id);
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/requests/:id/internal-answer', { config: { access: 'manifestations.internal_answer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { text } = parsed(parseContract(InternalAnswerSchema, request.body));
    // Only the secretariat it went to answers (someone who also reads everywhere, as controladoria, does not answer for it).
    if (row.kind !== 'manifestation' || !row.forwarded_to || !request.actor.account.secretariats.includes(row.forwarded_to)) {
      throw new HttpError(422, apiError('not_forwarded', 'Esta manifestação não foi encaminhada à sua secretaria.'));
    }
    await storage.transaction(async (tx) => {
      await addStaffEvent(tx, row.id, request.actor.accountId, 'internal_answer', text);
      await audit(tx, request.actor, 'internal_answer', { submissionId: row.id });
    });
    return { ok: true };
  });

  // Law 13.460 art. 16: 30 days, extendable once by 30 with a justification the citizen reads.
  app.post<{ Params: { id: string } }>('/requests/:id/extend', { config: { access: 'manifestations.forward' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { justification } = parsed(parseContract(ExtensionSchema, request.body));
    if (row.kind !== 'manifestation') throw new HttpError(422, apiError('not_manifestation', 'Só o prazo de manifestações é prorrogado assim.'));
    const alreadyExtended = () => new HttpError(409, apiError('already_extended', 'O prazo desta manifestação já foi prorrogado uma vez (a lei permite só uma).'));
    if (row.extended) throw alreadyExtended();
    if (row.closed_at) throw closed('manifestation');
    await storage.transaction(async (tx) => {
      if (!(await extendOnce(tx, row.id))) throw alreadyExtended();
      await writeSubmissionStatus(tx, row.id, row.status, `Prazo prorrogado por mais 30 dias: ${justification}`, new Date(), request.actor.accountId);
      await audit(tx, request.actor, 'extend', { submissionId: row.id });
    });
    notify(row.id);
    return { ok: true };
  });
}

/** Answer templates belong to a service: listed and written only by who reaches that service's requests. */
function templateRoutes(app: FastifyInstance, { storage, charters }: QueueDeps): void {
  app.get('/templates', { config: { access: 'requests.read' } }, async (request) => {
    const serviceId = (request.query as { service?: unknown }).service;
    const current = await charters.current();
    const service = typeof serviceId === 'string' ? current?.services.get(serviceId) : undefined;
    // Another secretariat's templates are not there for this actor: the same empty list as a service without any.
    if (!service || !current || !reachesService(request.actor.account, service, current)) return { templates: [] };
    const rows = await templatesOf(storage, service.id);
    return { templates: rows.map((r) => ({ id: r.id, serviceId: r.service_id, title: r.title, text: r.text })) };
  });

  app.post('/templates', { config: { access: 'templates.manage' } }, async (request, reply) => {
    const template = parsed(parseContract(TemplateSchema, request.body));
    const current = await charters.current();
    const service = current?.services.get(template.serviceId);
    if (!service || !current) throw new HttpError(422, apiError('unknown_service', 'Serviço não encontrado.'));
    if (!reachesService(request.actor.account, service, current)) throw forbidden();
    const id = crypto.randomUUID();
    await storage.transaction(async (tx) => {
      await insertTemplate(tx, { id, serviceId: service.id, title: template.title, text: template.text, createdBy: request.actor.accountId });
      await audit(tx, request.actor, 'template_created', { target: id });
    });
    reply.code(201);
    return { id };
  });
}
