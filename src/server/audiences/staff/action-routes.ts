/**
 * The routes of what staff do with a request (domain/request-actions.ts does it, each action in one
 * transaction): each loads the request the actor may see, parses the body, calls the action and answers.
 */
import type { FastifyInstance } from 'fastify';
import {
  AssignSchema, ExtensionSchema, ForwardSchema, InternalAnswerSchema, NoteSchema, QuestionSchema, StatusChangeSchema, TemplateSchema, TransferSchema,
} from '../../../shared/contract/staff.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { parsed } from '../../http/api-errors.ts';
import { safeErrorLog } from '../../http/safe-error-log.ts';
import { notifyInBackground } from '../../domain/status-changes.ts';
import { answersTheCitizen, loadVisible, type QueueDeps } from '../../domain/request-visibility.ts';
import {
  addNote, answerInternally, askCitizen, assign, changeStatus, createTemplate, extendDeadline, forward, listTemplates, transfer,
  type RequestActionDeps,
} from '../../domain/request-actions.ts';

export function actionRoutes(app: FastifyInstance, deps: QueueDeps): void {
  const actions: RequestActionDeps = {
    storage: deps.storage,
    charters: deps.charters,
    refreshDueDate: deps.refreshDueDate,
    notify: (id) => notifyInBackground(deps.storage, id, deps.push, (error) => app.log.error({ error: safeErrorLog(error) }, 'push notice failed')),
  };
  statusRoutes(app, actions);
  requestRoutes(app, actions);
  ouvidoriaRoutes(app, actions);
  templateRoutes(app, deps);
}

/** What the citizen reads: a status change and a question. Who answers the citizen is checked before the body is read. */
function statusRoutes(app: FastifyInstance, actions: RequestActionDeps): void {
  app.post<{ Params: { id: string } }>('/requests/:id/status', { config: { access: 'requests.answer' } }, async (request) => {
    const row = await loadVisible(actions, request.actor, request.params.id);
    answersTheCitizen(request.actor, row);
    return changeStatus(actions, request.actor, row, parsed(parseContract(StatusChangeSchema, request.body)));
  });

  app.post<{ Params: { id: string } }>('/requests/:id/question', { config: { access: 'requests.answer' } }, async (request) => {
    const row = await loadVisible(actions, request.actor, request.params.id);
    answersTheCitizen(request.actor, row);
    return askCitizen(actions, request.actor, row, parsed(parseContract(QuestionSchema, request.body)));
  });
}

/** The staff's own work on a request: a note, who handles it, which secretariat. */
function requestRoutes(app: FastifyInstance, actions: RequestActionDeps): void {
  app.post<{ Params: { id: string } }>('/requests/:id/notes', { config: { access: 'requests.answer' } }, async (request) => {
    const row = await loadVisible(actions, request.actor, request.params.id);
    return addNote(actions, request.actor, row, parsed(parseContract(NoteSchema, request.body)));
  });

  app.post<{ Params: { id: string } }>('/requests/:id/assign', { config: { access: 'requests.assign' } }, async (request) => {
    const row = await loadVisible(actions, request.actor, request.params.id);
    return assign(actions, request.actor, row, parsed(parseContract(AssignSchema, request.body)));
  });

  app.post<{ Params: { id: string } }>('/requests/:id/transfer', { config: { access: 'requests.transfer' } }, async (request) => {
    const row = await loadVisible(actions, request.actor, request.params.id);
    return transfer(actions, request.actor, row, parsed(parseContract(TransferSchema, request.body)));
  });
}

/** The Ouvidoria's steps: forward to the secretariat concerned, which answers back internally; extend once. */
function ouvidoriaRoutes(app: FastifyInstance, actions: RequestActionDeps): void {
  app.post<{ Params: { id: string } }>('/requests/:id/forward', { config: { access: 'manifestations.forward' } }, async (request) => {
    const row = await loadVisible(actions, request.actor, request.params.id);
    return forward(actions, request.actor, row, parsed(parseContract(ForwardSchema, request.body)));
  });

  app.post<{ Params: { id: string } }>('/requests/:id/internal-answer', { config: { access: 'manifestations.internal_answer' } }, async (request) => {
    const row = await loadVisible(actions, request.actor, request.params.id);
    return answerInternally(actions, request.actor, row, parsed(parseContract(InternalAnswerSchema, request.body)));
  });

  app.post<{ Params: { id: string } }>('/requests/:id/extend', { config: { access: 'manifestations.forward' } }, async (request) => {
    const row = await loadVisible(actions, request.actor, request.params.id);
    return extendDeadline(actions, request.actor, row, parsed(parseContract(ExtensionSchema, request.body)));
  });
}

/** Answer templates belong to a service: listed and written only by who reaches that service's requests. */
function templateRoutes(app: FastifyInstance, deps: QueueDeps): void {
  app.get('/templates', { config: { access: 'requests.read' } }, async (request) => listTemplates(deps, request.actor, (request.query as { service?: unknown }).service));

  app.post('/templates', { config: { access: 'templates.manage' } }, async (request, reply) => {
    const created = await createTemplate(deps, request.actor, parsed(parseContract(TemplateSchema, request.body)));
    reply.code(201);
    return created;
  });
}
