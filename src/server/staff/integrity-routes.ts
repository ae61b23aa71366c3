/**
 * The controladoria's side of the integrity channel. Every opening of a report, of a file and every reveal
 * of an identity is audited; the reporter sees the day it was first read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CityMessageSchema as MessageSchema, IntegrityClassificationSchema as ClassifySchema, IntegrityStatusChangeSchema as StatusSchema, RevealRequestSchema as RevealSchema,
} from '../../shared/integrity-staff.ts';
import { UuidSchema, parseContract } from '../../shared/schemas.ts';
import { HttpError, apiError } from '../api-errors.ts';
import {
  classifyReport, cityMessage, listReports, openReport, readReportFile, revealIdentity, setReportStatus, type IntegrityDeps,
} from '../integrity/reports.ts';
import { PlanUpdateSchema } from '../../shared/integrity-content.ts';
import { updatePlanAction } from '../integrity/content.ts';
import { audit } from './audit.ts';

const who = (request: FastifyRequest) => ({ accountId: request.staff!.account.id, sessionId: request.staff!.session.id });
const notFound = () => new HttpError(404, apiError('not_found', 'Relato não encontrado.'));

function parsed<T>(result: { ok: true; value: T } | { ok: false; fields: Record<string, string> }): T {
  if (!result.ok) throw new HttpError(422, apiError('invalid_request', 'Confira os dados informados.', result.fields));
  return result.value;
}

function reportId(id: string): string {
  if (!parseContract(UuidSchema, id).ok) throw notFound();
  return id;
}

export function integrityRoutes(app: FastifyInstance, deps: IntegrityDeps): void {
  app.get('/integridade', { config: { access: 'integrity.read' } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    await audit(deps.storage, who(request), 'integrity_list');
    return { reports: await listReports(deps) };
  });

  app.get<{ Params: { id: string } }>('/integridade/:id', { config: { access: 'integrity.read' } }, async (request, reply) => {
    const report = await openReport(deps, reportId(request.params.id));
    if (!report) throw notFound();
    await audit(deps.storage, who(request), 'integrity_view', { target: report.id });
    reply.header('cache-control', 'no-store');
    return report;
  });

  app.get<{ Params: { id: string; file: string } }>('/integridade/:id/arquivos/:file', { config: { access: 'integrity.read' } }, async (request, reply) => {
    const file = await readReportFile(deps, reportId(request.params.id), reportId(request.params.file));
    if (!file) throw notFound();
    await audit(deps.storage, who(request), 'integrity_file', { target: request.params.id });
    return reply.header('content-type', file.type).header('cache-control', 'private, no-store').header('content-disposition', 'inline').send(file.bytes);
  });

  app.post<{ Params: { id: string } }>('/integridade/:id/mensagens', { config: { access: 'integrity.answer' } }, async (request) => {
    const { text: message } = parsed(parseContract(MessageSchema, request.body));
    const id = reportId(request.params.id);
    if (!(await cityMessage(deps, id, message))) throw notFound();
    await audit(deps.storage, who(request), 'integrity_message', { target: id });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/integridade/:id/status', { config: { access: 'integrity.answer' } }, async (request) => {
    const { status } = parsed(parseContract(StatusSchema, request.body));
    const id = reportId(request.params.id);
    if (!(await setReportStatus(deps.storage, id, status))) throw notFound();
    await audit(deps.storage, who(request), `integrity_status:${status}`, { target: id });
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
    if (!(await classifyReport(deps.storage, id, change))) throw notFound();
    await audit(deps.storage, who(request), 'integrity_classified', { target: id });
    return { ok: true };
  });

  // The Integrity Plan's progress, updated by the controladoria and shown to everyone.
  app.post<{ Params: { action: string } }>('/plano/:action', { config: { access: 'plan.update' } }, async (request) => {
    const update = parsed(parseContract(PlanUpdateSchema, request.body));
    if (!(await updatePlanAction(deps.storage, request.params.action, update, request.staff!.account.id))) {
      throw new HttpError(404, apiError('not_found', 'Ação não encontrada no Plano de Integridade.'));
    }
    await audit(deps.storage, who(request), 'plan_updated', { target: request.params.action });
    return { ok: true };
  });

  // Identity preserved (Decreto 10.153): revealed only here, with a justification, and audited.
  app.post<{ Params: { id: string } }>('/integridade/:id/revelar', { config: { access: 'integrity.reveal' } }, async (request) => {
    const { justification } = parsed(parseContract(RevealSchema, request.body));
    const id = reportId(request.params.id);
    const identity = await revealIdentity(deps, id);
    if (!identity) throw new HttpError(404, apiError('no_identity', 'Este relato é anônimo: não há identidade a revelar.'));
    await audit(deps.storage, who(request), 'integrity_reveal', { target: `${id} — ${justification}`.slice(0, 600) });
    return { identity };
  });
}
