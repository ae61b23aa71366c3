/**
 * The work queue and a request's page: list with filters and counts, the request with its answers, photos,
 * place and story (what staff do with it lives in action-routes.ts).
 * Every route checks canSee on the request it touches (403 otherwise) before it reads the body, so the
 * answer about someone else's request never depends on what was sent; every view of personal data is audited.
 */
import { parsed } from '../../http/api-errors.ts';
import { csvCell } from '../../domain/csv.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type FormField } from '../../../shared/contract/forms.ts';
import { SHA256_REGEX } from '../../../shared/contract/submissions.ts';
import { type SubmissionStatus } from '../../../shared/contract/status.ts';
import { UuidSchema } from '../../../shared/contract/primitives.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { bahiaDay, isSaneDay } from '../../../shared/dates.ts';
import { QueueFilterSchema, type RequestDeadlineFlag, type QueueFilter, type QueueItem, type RequestDetail } from '../../../shared/contract/staff.ts';
import type { CurrentCharter } from '../../domain/current-charter.ts';
import { safeErrorLog } from '../../http/safe-error-log.ts';
import { readAttachment } from '../../storage/attachment-store.ts';
import { actionRoutes } from './action-routes.ts';
import { audit, readAudit } from '../../domain/audit.ts';
import {
  loadVisible, notFound, reachesService, readableAttachments, readableAttachmentsOf, readableFields, readsWithoutIdentity, type QueueDeps,
} from '../../domain/request-visibility.ts';
import { colleaguesOf, queueCounts, queuePage, queueRows, storyAndTemplatesOf, type EventRow, type QueueRow } from '../../storage/queue-store.ts';

export function simpleFlag({ status, dueAt, closedAt }: { status: SubmissionStatus; dueAt: Date | null; closedAt: Date | null }, now: Date): RequestDeadlineFlag | null {
  if (!dueAt) return null;
  if (closedAt) return closedAt <= dueAt ? 'met' : 'missed';
  if (status === 'waiting_citizen') return 'paused';
  return dueAt < now ? 'overdue' : 'on_time';
}

function serviceName(current: CurrentCharter | null, serviceId: string): string {
  return current?.services.get(serviceId)?.name ?? serviceId;
}

/**
 * An instant as a reader may see it: whole, or only its day (Bahia) for a reader of a manifestação without
 * its author's identity (domain/request-visibility.ts, readsWithoutIdentity).
 */
const instantFor = (withoutIdentity: boolean) => (at: Date): string => (withoutIdentity ? bahiaDay(at) : at.toISOString());

function toItem(row: QueueRow, current: CurrentCharter | null, flag: RequestDeadlineFlag | null, withoutIdentity: boolean): QueueItem {
  return {
    id: row.id,
    protocol: withoutIdentity ? null : row.protocol,
    kind: row.kind,
    serviceId: row.service_id,
    serviceName: serviceName(current, row.service_id),
    secretariatId: row.secretariat_id,
    status: row.status,
    receivedAt: instantFor(withoutIdentity)(row.received_at),
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

/** What ends a CSV export cut by an error: no message of the cause, which the log keeps by name and code. */
class CsvExportCut extends Error {
  override name = 'CsvExportCut';
  constructor() {
    super('A exportação foi interrompida.');
  }
}

/** The citizen's reply to the Ouvidoria may carry a name or a phone: it stays with the Ouvidoria as their identity does. */
const REPLY_WITHHELD = 'A resposta do cidadão fica com a Ouvidoria.';
function eventText(event: EventRow, withoutIdentity: boolean): { text?: string } {
  if (event.type === 'reply' && withoutIdentity) return { text: REPLY_WITHHELD };
  return event.text ? { text: event.text } : {};
}

/** A queue row's deadline flag, with the charter the route read once for its whole answer. */
type RowFlag = (row: QueueRow, now: Date, current: CurrentCharter | null) => RequestDeadlineFlag | null;

/** The queue, a page at a time, and its CSV export streamed. */
function queueListRoutes(app: FastifyInstance, { storage, charters }: QueueDeps, flag: RowFlag): void {
  app.get('/requests', { config: { access: 'requests.read' } }, async (request) => {
    const filter = parsed(parseContract(QueueFilterSchema, request.query));
    const now = new Date();
    const actor = request.actor.account;
    const [page, counts, current] = await Promise.all([queuePage(storage, actor, filter, now), queueCounts(storage, actor, filter, now), charters.current()]);
    return { items: page.rows.map((row) => toItem(row, current, flag(row, now, current), readsWithoutIdentity(actor, row))), nextCursor: page.next, counts };
  });

  app.get('/requests.csv', { config: { access: 'requests.export' } }, async (request, reply: FastifyReply) => {
    const filter: QueueFilter = parsed(parseContract(QueueFilterSchema, request.query));
    const actor = request.actor.account;
    const current = await charters.current();
    await audit(storage, request.actor, 'export', { target: new URLSearchParams(request.query as Record<string, string>).toString().slice(0, 300) });
    const now = new Date();
    // Streamed a slice at a time: what the role may see, and no personal data (protocol, dates, place, state).
    // Written a page (200 rows) at a time, each write flushed through the compressor: bytes keep flowing
    // while the next page is read, however long the whole export takes.
    async function* lines(): AsyncGenerator<string> {
      yield '\uFEFFprotocolo,tipo,servico,secretaria,situacao,recebido_em,prazo,prazo_situacao,distrito,povoado,responsavel\r\n';
      let chunk = '';
      let count = 0;
      for await (const row of queueRows(storage, actor, filter, now)) {
        const withoutIdentity = readsWithoutIdentity(actor, row);
        chunk += `${[withoutIdentity ? null : row.protocol, row.kind, serviceName(current, row.service_id), row.secretariat_id, row.status, instantFor(withoutIdentity)(row.received_at), row.due_at, flag(row, now, current), row.district, row.village, row.assigned_name].map(csvCell).join(',')}\r\n`;
        if (++count % 200 === 0) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    // Cut half-way (headers already sent), the stream ends with an error Fastify logs whole: the database's
    // own message could quote a value, so it is logged here by name and code, and a plain error ends the stream.
    async function* guarded(): AsyncGenerator<string> {
      try {
        yield* lines();
      } catch (error) {
        request.log.error({ error: safeErrorLog(error) }, 'CSV export cut');
        throw new CsvExportCut();
      }
    }
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="pedidos.csv"').header('cache-control', 'no-store');
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(guarded()));
  });
}

/** A request's page and its files, each opening audited. */
function requestPageRoutes(app: FastifyInstance, deps: QueueDeps, flag: RowFlag): void {
  const { storage, charters } = deps;
  app.get<{ Params: { id: string } }>('/requests/:id', { config: { access: 'requests.read' } }, async (request, reply) => {
    const row = await loadVisible(deps, request.actor, request.params.id);
    const actor = request.actor.account;
    const [current, form, story] = await Promise.all([charters.current(), charters.formVersion(row.form_id, row.form_version), storyAndTemplatesOf(storage, row.id, row.service_id)]);
    const { events } = story;
    const service = current?.services.get(row.service_id);
    // The service's templates, for who reaches the service (a secretariat a manifestação was forwarded to does not answer the citizen).
    const templates = service && current && reachesService(actor, service, current) ? story.templates : [];
    await audit(storage, request.actor, 'view_request', { submissionId: row.id });
    reply.header('cache-control', 'no-store');
    // A manifestação's identification stays with the Ouvidoria unless the citizen let it be shared.
    const currentForm = current?.charter.forms.find((f) => f.id === row.form_id);
    const { fields, withheld } = readableFields(actor, row, form?.fields ?? [], currentForm?.fields);
    const label = (fieldId: string) => fields.find((f) => f.id === fieldId)?.label ?? fieldId;
    const locationField = fields.find((f) => f.type === 'location');
    const place = locationField ? (row.answers[locationField.id] as { lat?: number; lng?: number; accuracy?: number; district?: string; village?: string } | undefined) : undefined;
    const now = new Date();
    const withoutIdentity = readsWithoutIdentity(actor, row, form?.fields ?? []);
    const shown = instantFor(withoutIdentity);
    const detail: RequestDetail = {
      ...toItem(row, current, flag(row, now, current), withoutIdentity),
      formId: row.form_id,
      formVersion: row.form_version,
      formTitle: form?.title ?? row.form_id,
      createdAt: shown(row.created_at),
      answers: fields.filter((f) => row.answers[f.id] !== undefined).map((f) => ({ fieldId: f.id, label: f.label, type: f.type, value: answerText(f, row.answers[f.id], current) })),
      attachments: readableAttachments(row, form?.fields ?? [], fields).map((a) => ({ ...a, label: label(a.fieldId) })),
      location: place ? {
        ...place,
        mapUrl: place.lat !== undefined && place.lng !== undefined ? `https://www.openstreetmap.org/?mlat=${place.lat}&mlon=${place.lng}#map=18/${place.lat}/${place.lng}` : null,
      } : null,
      events: events.map((event) => ({ at: shown(event.at), type: event.type, ...(event.status ? { status: event.status } : {}), ...eventText(event, withoutIdentity), public: event.public, by: event.by })),
      templates: templates.map((t) => ({ id: t.id, title: t.title, text: t.text })),
      ...(withheld ? { identityWithheld: true } : {}),
    };
    return detail;
  });

  // Photos and documents, for staff only: no citizen route reads a file back.
  app.get<{ Params: { id: string; sha256: string } }>('/requests/:id/attachments/:sha256', { config: { access: 'requests.read' } }, async (request, reply) => {
    const row = await loadVisible(deps, request.actor, request.params.id);
    const { sha256 } = request.params;
    // Only a file of a field the actor may read (a secretariat never reaches a manifestação's identifying document).
    if (!SHA256_REGEX.test(sha256) || !(await readableAttachmentsOf(deps, request.actor.account, row)).some((a) => a.sha256 === sha256)) throw notFound();
    const file = await readAttachment(storage, sha256);
    if (!file) throw notFound();
    await audit(storage, request.actor, 'view_attachment', { submissionId: row.id, target: sha256 });
    return reply
      .header('content-type', file.type)
      .header('cache-control', 'private, no-store')
      .header('content-disposition', file.type === 'application/pdf' ? 'attachment' : 'inline')
      .send(file.bytes);
  });
}

export function queueRoutes(app: FastifyInstance, deps: QueueDeps): void {
  const { storage } = deps;
  actionRoutes(app, deps);
  const flagOf = deps.flagOf ?? simpleFlag;
  const flag: RowFlag = (row, now, current) => flagOf({ status: row.status, dueAt: row.due_at, closedAt: row.closed_at, kind: row.kind }, now, current);
  queueListRoutes(app, deps, flag);
  requestPageRoutes(app, deps, flag);

  app.get('/colleagues', { config: { access: 'requests.assign' } }, async (request) => {
    const colleagues = await colleaguesOf(storage, request.actor.account.secretariats);
    return { colleagues: colleagues.map((a) => ({ id: a.id, name: a.name, secretariats: a.secretariats })) };
  });

  app.get('/audit', { config: { access: 'audit.read' } }, async (request) => {
    const query = request.query as Record<string, string | undefined>;
    const isUuid = (value: string | undefined) => value !== undefined && parseContract(UuidSchema, value).ok;
    return readAudit(storage, {
      ...(isUuid(query.account) ? { accountId: query.account } : {}),
      ...(query.action && /^[a-z_:]{1,40}$/.test(query.action) ? { action: query.action } : {}),
      ...(isUuid(query.submission) ? { submissionId: query.submission } : {}),
      ...(query.from && isSaneDay(query.from) ? { from: query.from } : {}),
      ...(query.to && isSaneDay(query.to) ? { to: query.to } : {}),
      ...(query.before && /^\d{1,18}$/.test(query.before) ? { before: query.before } : {}),
    });
  });
}
