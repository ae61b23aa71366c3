/**
 * The controladoria's side of the integrity channel. Every opening of a report, of a file, every request to
 * reveal an identity, its decision by a second person and every view of a revealed identity is audited; the reporter sees the day it was first read.
 */
import type { FastifyInstance } from 'fastify';
import {
  CityMessageSchema as MessageSchema, IntegrityClassificationSchema as ClassifySchema, IntegrityStatusChangeSchema as StatusSchema, RevealRequestSchema as RevealSchema,
  RevealDecisionSchema as DecisionSchema, IntegrityListQuerySchema as ListQuerySchema,
} from '../../../shared/contract/integrity-staff.ts';
import { UuidSchema } from '../../../shared/contract/primitives.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { HttpError, apiError, parsed } from '../../http/api-errors.ts';
import {
  classifyReport, cityMessage, listReports, openReport, readReportFile, type IntegrityDeps,
} from '../../domain/integrity/reports.ts';
import { PlanUpdateSchema } from '../../../shared/contract/integrity-content.ts';
import { updatePlanAction } from '../../domain/integrity/content.ts';
import { audit } from '../../domain/audit.ts';
import { decideReveal, requestReveal, revealRequestsFor, revealStateOf, viewRevealedIdentity } from '../../domain/integrity/reveal.ts';
import { decodeReportCursor, hasPreservedIdentity, updateReportStatus, type ReportCursor } from '../../storage/integrity-store.ts';

const notFound = () => new HttpError(404, apiError('not_found', 'Relato não encontrado.'));

function reportId(id: string): string {
  if (!parseContract(UuidSchema, id).ok) throw notFound();
  return id;
}

/** The page's cursor from the address, checked before anything is read or audited; null for the first page. */
function listCursor(query: unknown): ReportCursor | null {
  const { after } = parsed(parseContract(ListQuerySchema, query));
  if (after === undefined) return null;
  const cursor = decodeReportCursor(after);
  if (!cursor) throw new HttpError(422, apiError('invalid_cursor', 'Não foi possível continuar a lista. Abra o Canal de Integridade de novo.', { after: 'Continuação da lista inválida.' }));
  return cursor;
}

async function requirePreservedIdentity(deps: IntegrityDeps, id: string): Promise<void> {
  if (!(await hasPreservedIdentity(deps.storage, id))) throw new HttpError(404, apiError('no_identity', 'Este relato é anônimo: não há identidade a revelar.'));
}

export function integrityRoutes(app: FastifyInstance, deps: IntegrityDeps): void {
  readingRoutes(app, deps);
  answeringRoutes(app, deps);
  planRoute(app, deps);
  revealRoutes(app, deps);
}

/** The list, a report and its files: each opening audited. */
function readingRoutes(app: FastifyInstance, deps: IntegrityDeps): void {
  app.get('/integridade', { config: { access: 'integrity.read' } }, async (request, reply) => {
    const cursor = listCursor(request.query);
    reply.header('cache-control', 'no-store');
    await audit(deps.storage, request.actor, 'integrity_list');
    return listReports(deps, cursor);
  });

  app.get<{ Params: { id: string } }>('/integridade/:id', { config: { access: 'integrity.read' } }, async (request, reply) => {
    const report = await openReport(deps, reportId(request.params.id));
    if (!report) throw notFound();
    const reveal = await revealStateOf(deps.storage, request.actor.accountId, report.id);
    await audit(deps.storage, request.actor, 'integrity_view', { target: report.id });
    reply.header('cache-control', 'no-store');
    return { ...report, reveal };
  });

  app.get<{ Params: { id: string; file: string } }>('/integridade/:id/arquivos/:file', { config: { access: 'integrity.read' } }, async (request, reply) => {
    const file = await readReportFile(deps, reportId(request.params.id), reportId(request.params.file));
    if (!file) throw notFound();
    await audit(deps.storage, request.actor, 'integrity_file', { target: request.params.id });
    return reply.header('content-type', file.type).header('cache-control', 'private, no-store').header('content-disposition', 'inline').send(file.bytes);
  });
}

/** A message to the reporter, a status and a classification. */
function answeringRoutes(app: FastifyInstance, deps: IntegrityDeps): void {
  app.post<{ Params: { id: string } }>('/integridade/:id/mensagens', { config: { access: 'integrity.answer' } }, async (request) => {
    const { text: message } = parsed(parseContract(MessageSchema, request.body));
    const id = reportId(request.params.id);
    // Each action and its audit entry commit together or not at all.
    await deps.storage.transaction(async (tx) => {
      if (!(await cityMessage(tx, deps.keys, id, message))) throw notFound();
      await audit(tx, request.actor, 'integrity_message', { target: id });
    });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/integridade/:id/status', { config: { access: 'integrity.answer' } }, async (request) => {
    const { status } = parsed(parseContract(StatusSchema, request.body));
    const id = reportId(request.params.id);
    await deps.storage.transaction(async (tx) => {
      if (!(await updateReportStatus(tx, id, status))) throw notFound();
      await audit(tx, request.actor, `integrity_status:${status}`, { target: id });
    });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/integridade/:id/classificacao', { config: { access: 'integrity.answer' } }, async (request) => {
    const change = parsed(parseContract(ClassifySchema, request.body));
    // Links name the charter's secretariats and services (the radar counts clusters by them).
    const charter = (await deps.charters.current())?.charter;
    const fields: Record<string, string> = {};
    change.secretariats.forEach((id, i) => { if (!charter?.secretariats.some((s) => s.id === id)) fields[`secretariats.${i}`] = 'Secretaria não encontrada na Carta de Serviços.'; });
    change.services.forEach((id, i) => { if (!charter?.services.some((s) => s.id === id)) fields[`services.${i}`] = 'Serviço não encontrado na Carta de Serviços.'; });
    if (Object.keys(fields).length) throw new HttpError(422, apiError('invalid_classification', 'Confira a classificação.', fields));
    const id = reportId(request.params.id);
    await deps.storage.transaction(async (tx) => {
      if (!(await classifyReport(tx, id, change))) throw notFound();
      await audit(tx, request.actor, 'integrity_classified', { target: id });
    });
    return { ok: true };
  });
}

/** The Integrity Plan's progress, updated by the controladoria and shown to everyone. */
function planRoute(app: FastifyInstance, deps: IntegrityDeps): void {
  app.post<{ Params: { action: string } }>('/plano/:action', { config: { access: 'plan.update' } }, async (request) => {
    const update = parsed(parseContract(PlanUpdateSchema, request.body));
    await deps.storage.transaction(async (tx) => {
      if (!(await updatePlanAction(tx, request.params.action, update, request.actor.accountId))) {
        throw new HttpError(404, apiError('not_found', 'Ação não encontrada no Plano de Integridade.'));
      }
      await audit(tx, request.actor, 'plan_updated', { target: request.params.action });
    });
    return { ok: true };
  });
}

/**
 * Identity preserved (Decreto 10.153): revealing it takes two people. The one who needs it asks, with a
 * justification; another controladoria account approves; only then is it shown to the one who asked.
 */
function revealRoutes(app: FastifyInstance, deps: IntegrityDeps): void {
  app.post<{ Params: { id: string } }>('/integridade/:id/revelar', { config: { access: 'integrity.reveal' } }, async (request, reply) => {
    const { justification } = parsed(parseContract(RevealSchema, request.body));
    const id = reportId(request.params.id);
    await requirePreservedIdentity(deps, id);
    const asked = await requestReveal(deps.storage, request.actor, id, justification);
    return reply.code(202).send({ request: asked });
  });

  app.get<{ Params: { id: string } }>('/integridade/:id/identidade', { config: { access: 'integrity.reveal' } }, async (request, reply) => {
    const id = reportId(request.params.id);
    await requirePreservedIdentity(deps, id);
    const identity = await viewRevealedIdentity(deps.storage, deps.keys, request.actor, id);
    if (!identity) throw new HttpError(403, apiError('reveal_not_approved', 'A identidade só aparece para quem pediu, depois que outra pessoa da controladoria aprovar o pedido.'));
    reply.header('cache-control', 'no-store');
    return { identity };
  });

  app.get('/integridade/revelacoes', { config: { access: 'integrity.reveal' } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return revealRequestsFor(deps.storage, request.actor.accountId);
  });

  app.post<{ Params: { request: string } }>('/integridade/revelacoes/:request/decisao', { config: { access: 'integrity.reveal' } }, async (request) => {
    const { decision } = parsed(parseContract(DecisionSchema, request.body));
    const outcome = await decideReveal(deps.storage, request.actor, reportId(request.params.request), decision);
    if (!outcome.ok) {
      if (outcome.reason === 'own_request') throw new HttpError(403, apiError('own_request', 'Você não pode decidir o seu próprio pedido: outra pessoa da controladoria precisa aprovar ou recusar.'));
      if (outcome.reason === 'decided') throw new HttpError(409, apiError('already_decided', 'Este pedido já foi decidido.'));
      throw new HttpError(404, apiError('not_found', 'Pedido não encontrado.'));
    }
    return { request: outcome.request };
  });
}
