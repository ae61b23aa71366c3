/**
 * The work queue and a request's page: list with filters and counts, the request with its answers, photos,
 * place and story, and what staff do with it (answer, ask the citizen, note, assign, transfer, close).
 * Every route checks canSee on the request it touches (403 otherwise) before it reads the body, so the
 * answer about someone else's request never depends on what was sent; every view of personal data is audited.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FormField, SHA256_REGEX, type SubmissionKind, type SubmissionStatus, UuidSchema, parseContract } from '../../shared/schemas.ts';
import { isRealDay } from '../../shared/dates.ts';
import {
  AssignSchema, ExtensionSchema, ForwardSchema, InternalAnswerSchema, NoteSchema, QueueFilterSchema, QuestionSchema, StatusChangeSchema, TemplateSchema, TransferSchema,
  type DeadlineFlag, type QueueFilter, type QueueItem, type RequestDetail,
} from '../../shared/staff.ts';
import { HttpError, apiError } from '../api-errors.ts';
import type { CharterCache, CurrentCharter } from '../current-charter.ts';
import type { PushOptions } from '../push.ts';
import { changeStatus } from '../status-changes.ts';
import { readAttachment } from '../storage/attachment-store.ts';
import type { Storage } from '../storage/types.ts';
import { findAccountById, listAccounts } from './accounts.ts';
import { audit, readAudit } from './audit.ts';
import { can, canSee, type Actor } from './permissions.ts';
import { addStaffEvent, eventsOf, findForStaff, queueCounts, queuePage, queueRows, type QueueRow, type SubmissionFull } from './queue-store.ts';

export interface QueueDeps {
  storage: Storage;
  charters: CharterCache;
  push: PushOptions;
  /** The deadline flag of a row (due_soon needs the holiday calendar); 'on_time' style flags only without it. */
  flagOf?: (row: { status: SubmissionStatus; dueAt: Date | null; closedAt: Date | null; kind: SubmissionKind }, now: Date) => DeadlineFlag | null;
  /** Recomputes a request's due date after its clock paused or resumed. */
  refreshDueDate?: (id: string) => Promise<void>;
}

export function simpleFlag({ status, dueAt, closedAt }: { status: SubmissionStatus; dueAt: Date | null; closedAt: Date | null }, now: Date): DeadlineFlag | null {
  if (!dueAt) return null;
  if (closedAt) return closedAt <= dueAt ? 'met' : 'missed';
  if (status === 'waiting_citizen') return 'paused';
  return dueAt < now ? 'overdue' : 'on_time';
}

const actorOf = (request: FastifyRequest): Actor => request.staff!.account;
const who = (request: FastifyRequest) => ({ accountId: request.staff!.account.id, sessionId: request.staff!.session.id });

function parsed<T>(result: { ok: true; value: T } | { ok: false; fields: Record<string, string> }): T {
  if (!result.ok) throw new HttpError(422, apiError('invalid_request', 'Confira os dados informados.', result.fields));
  return result.value;
}

const notFound = () => new HttpError(404, apiError('not_found', 'Pedido não encontrado.'));
const forbidden = () => new HttpError(403, apiError('forbidden', 'Este pedido é de outra secretaria ou de outro canal.'));

function serviceName(current: CurrentCharter | null, serviceId: string): string {
  return current?.services.get(serviceId)?.name ?? serviceId;
}

function toItem(row: QueueRow, current: CurrentCharter | null, flag: DeadlineFlag | null): QueueItem {
  return {
    id: row.id,
    protocol: row.protocol,
    kind: row.kind,
    serviceId: row.service_id,
    serviceName: serviceName(current, row.service_id),
    secretariatId: row.secretariat_id,
    status: row.status,
    receivedAt: row.received_at.toISOString(),
    dueAt: row.due_at?.toISOString() ?? null,
    flag,
    district: row.district,
    village: row.village,
    assignedTo: row.assigned_to ? { id: row.assigned_to, name: row.assigned_name ?? '' } : null,
    ...(row.kind === 'manifestation' ? { forwardedTo: row.forwarded_to, extended: row.extended } : {}),
  };
}

/** An answer as a person reads it: option labels, "Sim"/"Não", a place in words. */
function answerText(field: FormField, value: unknown, current: CurrentCharter | null): string {
  const option = (v: unknown) => field.options?.find((o) => o.value === v)?.label ?? String(v);
  if (Array.isArray(value)) return field.type === 'photo' ? `${value.length} foto(s)` : value.map(option).join(', ');
  if (typeof value === 'boolean') return value ? 'Sim' : 'Não';
  if (value && typeof value === 'object') {
    const place = value as { lat?: number; lng?: number; district?: string; village?: string };
    const district = current?.charter.districts.find((d) => d.id === place.district || d.name === place.district)?.name ?? place.district;
    return [place.village, district, place.lat !== undefined ? `${place.lat}, ${place.lng}` : undefined].filter(Boolean).join(' · ');
  }
  return field.options ? option(value) : String(value);
}

async function loadVisible(deps: QueueDeps, request: FastifyRequest, id: string): Promise<SubmissionFull> {
  if (!parseContract(UuidSchema, id).ok) throw notFound();
  const row = await findForStaff(deps.storage, id);
  if (!row) throw notFound();
  if (!canSee(actorOf(request), { kind: row.kind, secretariatId: row.secretariat_id, forwardedTo: row.forwarded_to })) {
    await audit(deps.storage, who(request), 'denied', { submissionId: id });
    throw forbidden();
  }
  return row;
}

/** A manifestação is answered to the citizen by the Ouvidoria; the secretariat it was forwarded to answers the Ouvidoria. */
function answersTheCitizen(request: FastifyRequest, row: SubmissionFull): void {
  if (row.kind === 'manifestation' && !can(actorOf(request), 'manifestations.forward')) {
    throw new HttpError(403, apiError('ouvidoria_answers', 'A resposta ao cidadão é dada pela Ouvidoria: use "Responder à Ouvidoria".'));
  }
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  // Quoted, and a leading = + - @ defused, so a spreadsheet never runs a cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function queueRoutes(app: FastifyInstance, deps: QueueDeps): void {
  const { storage, charters } = deps;
  const flagOf = deps.flagOf ?? simpleFlag;
  const flag = (row: QueueRow, now: Date) => flagOf({ status: row.status, dueAt: row.due_at, closedAt: row.closed_at, kind: row.kind }, now);

  app.get('/requests', { config: { access: 'requests.read' } }, async (request) => {
    const filter = parsed(parseContract(QueueFilterSchema, request.query));
    const now = new Date();
    const [page, counts, current] = await Promise.all([queuePage(storage, actorOf(request), filter, now), queueCounts(storage, actorOf(request), filter, now), charters.current()]);
    return { items: page.rows.map((row) => toItem(row, current, flag(row, now))), nextCursor: page.next, counts };
  });

  app.get('/requests.csv', { config: { access: 'requests.export' } }, async (request, reply: FastifyReply) => {
    const filter: QueueFilter = parsed(parseContract(QueueFilterSchema, request.query));
    const actor = actorOf(request);
    const current = await charters.current();
    await audit(storage, who(request), 'export', { target: new URLSearchParams(request.query as Record<string, string>).toString().slice(0, 300) });
    const now = new Date();
    // Streamed a slice at a time: what the role may see, and no personal data (protocol, dates, place, state).
    // Written a page (200 rows) at a time, each write flushed through the compressor: bytes keep flowing
    // while the next page is read, however long the whole export takes.
    async function* lines(): AsyncGenerator<string> {
      yield '\uFEFFprotocolo,tipo,servico,secretaria,situacao,recebido_em,prazo,prazo_situacao,distrito,povoado,responsavel\r\n';
      let chunk = '';
      let count = 0;
      for await (const row of queueRows(storage, actor, filter, now)) {
        chunk += `${[row.protocol, row.kind, serviceName(current, row.service_id), row.secretariat_id, row.status, row.received_at, row.due_at, flag(row, now), row.district, row.village, row.assigned_name].map(csvCell).join(',')}\r\n`;
        if (++count % 200 === 0) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="pedidos.csv"').header('cache-control', 'no-store');
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(lines()));
  });

  app.get<{ Params: { id: string } }>('/requests/:id', { config: { access: 'requests.read' } }, async (request, reply) => {
    const row = await loadVisible(deps, request, request.params.id);
    const [current, form, events, templates] = await Promise.all([
      charters.current(),
      charters.formVersion(row.form_id, row.form_version),
      eventsOf(storage, row.id),
      storage.query<{ id: string; title: string; text: string }>('SELECT id, title, text FROM answer_templates WHERE service_id = $1 ORDER BY title', [row.service_id]),
    ]);
    await audit(storage, who(request), 'view_request', { submissionId: row.id });
    reply.header('cache-control', 'no-store');
    const fields = form?.fields ?? [];
    const label = (fieldId: string) => fields.find((f) => f.id === fieldId)?.label ?? fieldId;
    const locationField = fields.find((f) => f.type === 'location');
    const place = locationField ? (row.answers[locationField.id] as { lat?: number; lng?: number; accuracy?: number; district?: string; village?: string } | undefined) : undefined;
    const now = new Date();
    const detail: RequestDetail = {
      ...toItem(row, current, flag(row, now)),
      formId: row.form_id,
      formVersion: row.form_version,
      formTitle: form?.title ?? row.form_id,
      createdAt: row.created_at.toISOString(),
      answers: fields.filter((f) => row.answers[f.id] !== undefined).map((f) => ({ fieldId: f.id, label: f.label, type: f.type, value: answerText(f, row.answers[f.id], current) })),
      attachments: row.attachments.map((a) => ({ ...a, label: label(a.fieldId) })),
      location: place ? {
        ...place,
        mapUrl: place.lat !== undefined && place.lng !== undefined ? `https://www.openstreetmap.org/?mlat=${place.lat}&mlon=${place.lng}#map=18/${place.lat}/${place.lng}` : null,
      } : null,
      events: events.map((event) => ({ at: event.at.toISOString(), type: event.type, ...(event.status ? { status: event.status } : {}), ...(event.text ? { text: event.text } : {}), public: event.public, by: event.by })),
      templates: templates.rows,
    };
    return detail;
  });

  // Photos and documents, for staff only: no citizen route reads a file back.
  app.get<{ Params: { id: string; sha256: string } }>('/requests/:id/attachments/:sha256', { config: { access: 'requests.read' } }, async (request, reply) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { sha256 } = request.params;
    if (!SHA256_REGEX.test(sha256) || !row.attachments.some((a) => a.sha256 === sha256)) throw notFound();
    const file = await readAttachment(storage, sha256);
    if (!file) throw notFound();
    await audit(storage, who(request), 'view_attachment', { submissionId: row.id, target: sha256 });
    return reply
      .header('content-type', file.type)
      .header('cache-control', 'private, no-store')
      .header('content-disposition', file.type === 'application/pdf' ? 'attachment' : 'inline')
      .send(file.bytes);
  });

  app.post<{ Params: { id: string } }>('/requests/:id/status', { config: { access: 'requests.answer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    answersTheCitizen(request, row);
    const change = parsed(parseContract(StatusChangeSchema, request.body));
    await changeStatus(storage, row.id, change.status, change.note, deps.push, { accountId: request.staff!.account.id });
    await deps.refreshDueDate?.(row.id);
    await audit(storage, who(request), `status:${change.status}`, { submissionId: row.id });
    return { ok: true };
  });

  // "Aguardando o cidadão": a question the citizen reads and answers in the app; the deadline's clock pauses.
  app.post<{ Params: { id: string } }>('/requests/:id/question', { config: { access: 'requests.answer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    answersTheCitizen(request, row);
    const { question } = parsed(parseContract(QuestionSchema, request.body));
    if (row.closed_at) throw new HttpError(409, apiError('closed', 'Este pedido já foi encerrado.'));
    await changeStatus(storage, row.id, 'waiting_citizen', question, deps.push, { accountId: request.staff!.account.id });
    await deps.refreshDueDate?.(row.id);
    await audit(storage, who(request), 'question', { submissionId: row.id });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/requests/:id/notes', { config: { access: 'requests.answer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { text } = parsed(parseContract(NoteSchema, request.body));
    await addStaffEvent(storage, row.id, request.staff!.account.id, 'note', text);
    await audit(storage, who(request), 'note', { submissionId: row.id });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/requests/:id/assign', { config: { access: 'requests.assign' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { accountId } = parsed(parseContract(AssignSchema, request.body));
    let name = 'ninguém';
    if (accountId) {
      const colleague = await findAccountById(storage, accountId);
      if (!colleague || colleague.disabled || !canSee(colleague, { kind: row.kind, secretariatId: row.secretariat_id, forwardedTo: row.forwarded_to })) {
        throw new HttpError(422, apiError('bad_assignee', 'Esta pessoa não atende pedidos desta secretaria.'));
      }
      name = colleague.name;
    }
    await storage.query('UPDATE submissions SET assigned_to = $2 WHERE id = $1', [row.id, accountId]);
    await addStaffEvent(storage, row.id, request.staff!.account.id, 'assign', `Atribuído a ${name}`);
    await audit(storage, who(request), 'assign', { submissionId: row.id, target: accountId });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/requests/:id/transfer', { config: { access: 'requests.transfer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { secretariatId, reason } = parsed(parseContract(TransferSchema, request.body));
    // A manifestação belongs to the secretariat the Ouvidoria forwards it to: moving its secretariat_id would
    // change nothing anyone sees and muddle its story.
    if (row.kind === 'manifestation') throw new HttpError(422, apiError('use_forward', 'Manifestações mudam de secretaria só pelo encaminhamento da Ouvidoria.'));
    const current = await charters.current();
    if (!current?.charter.secretariats.some((s) => s.id === secretariatId)) throw new HttpError(422, apiError('unknown_secretariat', 'Secretaria não encontrada na Carta de Serviços.'));
    if (secretariatId === row.secretariat_id) throw new HttpError(422, apiError('same_secretariat', 'O pedido já está nesta secretaria.'));
    await storage.query('UPDATE submissions SET secretariat_id = $2, assigned_to = NULL WHERE id = $1', [row.id, secretariatId]);
    await addStaffEvent(storage, row.id, request.staff!.account.id, 'transfer', `De ${row.secretariat_id} para ${secretariatId}: ${reason}`);
    await audit(storage, who(request), 'transfer', { submissionId: row.id, target: secretariatId });
    return { ok: true };
  });

  // The Ouvidoria's steps: forward to the secretariat concerned, which answers back internally; extend once.
  app.post<{ Params: { id: string } }>('/requests/:id/forward', { config: { access: 'manifestations.forward' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { secretariatId, note } = parsed(parseContract(ForwardSchema, request.body));
    if (row.kind !== 'manifestation') throw new HttpError(422, apiError('not_manifestation', 'Só manifestações são encaminhadas pela Ouvidoria.'));
    if (row.closed_at) throw new HttpError(409, apiError('closed', 'Esta manifestação já foi encerrada.'));
    const current = await charters.current();
    if (!current?.charter.secretariats.some((s) => s.id === secretariatId)) throw new HttpError(422, apiError('unknown_secretariat', 'Secretaria não encontrada na Carta de Serviços.'));
    await storage.query('UPDATE submissions SET forwarded_to = $2 WHERE id = $1', [row.id, secretariatId]);
    await addStaffEvent(storage, row.id, request.staff!.account.id, 'forward', `Encaminhada para ${secretariatId}${note ? `: ${note}` : ''}`);
    if (row.status === 'received') await changeStatus(storage, row.id, 'in_review', 'Sua manifestação foi encaminhada à secretaria responsável.', deps.push, { accountId: request.staff!.account.id });
    await audit(storage, who(request), 'forward', { submissionId: row.id, target: secretariatId });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/requests/:id/internal-answer', { config: { access: 'manifestations.internal_answer' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { text } = parsed(parseContract(InternalAnswerSchema, request.body));
    // Only the secretariat it went to answers (someone who also reads everywhere, as controladoria, does not answer for it).
    if (row.kind !== 'manifestation' || !row.forwarded_to || !actorOf(request).secretariats.includes(row.forwarded_to)) {
      throw new HttpError(422, apiError('not_forwarded', 'Esta manifestação não foi encaminhada à sua secretaria.'));
    }
    await addStaffEvent(storage, row.id, request.staff!.account.id, 'internal_answer', text);
    await audit(storage, who(request), 'internal_answer', { submissionId: row.id });
    return { ok: true };
  });

  // Law 13.460 art. 16: 30 days, extendable once by 30 with a justification the citizen reads.
  app.post<{ Params: { id: string } }>('/requests/:id/extend', { config: { access: 'manifestations.forward' } }, async (request) => {
    const row = await loadVisible(deps, request, request.params.id);
    const { justification } = parsed(parseContract(ExtensionSchema, request.body));
    if (row.kind !== 'manifestation') throw new HttpError(422, apiError('not_manifestation', 'Só o prazo de manifestações é prorrogado assim.'));
    if (row.extended) throw new HttpError(409, apiError('already_extended', 'O prazo desta manifestação já foi prorrogado uma vez (a lei permite só uma).'));
    if (row.closed_at) throw new HttpError(409, apiError('closed', 'Esta manifestação já foi encerrada.'));
    await storage.query(`UPDATE submissions SET extended = true, due_at = due_at + interval '30 days' WHERE id = $1`, [row.id]);
    await changeStatus(storage, row.id, row.status, `Prazo prorrogado por mais 30 dias: ${justification}`, deps.push, { accountId: request.staff!.account.id });
    await audit(storage, who(request), 'extend', { submissionId: row.id });
    return { ok: true };
  });

  app.get('/colleagues', { config: { access: 'requests.assign' } }, async (request) => {
    const mine = actorOf(request).secretariats;
    const accounts = (await listAccounts(storage)).filter((a) => !a.disabled && a.roles.some((r) => r === 'atendente' || r === 'gestor') && a.secretariats.some((s) => mine.includes(s)));
    return { colleagues: accounts.map((a) => ({ id: a.id, name: a.name, secretariats: a.secretariats })) };
  });

  app.get('/templates', { config: { access: 'requests.read' } }, async (request) => {
    const service = (request.query as { service?: string }).service ?? '';
    const rows = await storage.query<{ id: string; service_id: string; title: string; text: string }>('SELECT id, service_id, title, text FROM answer_templates WHERE service_id = $1 ORDER BY title', [service]);
    return { templates: rows.rows.map((r) => ({ id: r.id, serviceId: r.service_id, title: r.title, text: r.text })) };
  });

  app.post('/templates', { config: { access: 'templates.manage' } }, async (request, reply) => {
    const template = parsed(parseContract(TemplateSchema, request.body));
    const current = await charters.current();
    const service = current?.services.get(template.serviceId);
    if (!service) throw new HttpError(422, apiError('unknown_service', 'Serviço não encontrado.'));
    if (!actorOf(request).secretariats.includes(service.secretariatId)) throw forbidden();
    const id = crypto.randomUUID();
    await storage.query('INSERT INTO answer_templates (id, service_id, title, text, created_by) VALUES ($1, $2, $3, $4, $5)', [id, template.serviceId, template.title, template.text, request.staff!.account.id]);
    await audit(storage, who(request), 'template_created', { target: id });
    reply.code(201);
    return { id };
  });

  app.get('/audit', { config: { access: 'audit.read' } }, async (request) => {
    const query = request.query as Record<string, string | undefined>;
    const isUuid = (value: string | undefined) => value !== undefined && parseContract(UuidSchema, value).ok;
    return readAudit(storage, {
      ...(isUuid(query.account) ? { accountId: query.account } : {}),
      ...(query.action && /^[a-z_:]{1,40}$/.test(query.action) ? { action: query.action } : {}),
      ...(isUuid(query.submission) ? { submissionId: query.submission } : {}),
      ...(query.from && isRealDay(query.from) ? { from: query.from } : {}),
      ...(query.to && isRealDay(query.to) ? { to: query.to } : {}),
      ...(query.before && /^\d{1,18}$/.test(query.before) ? { before: query.before } : {}),
    });
  });
}
