/** A submission's status as the city moves it, and the answers the phone reads to follow it. */
import * as v from 'valibot';
import { SUBMISSION_KINDS } from './forms.ts';
import { UuidSchema } from './primitives.ts';

/** waiting_citizen: the city asked the person a question (the event's note); the deadline's clock is paused. */
export const SUBMISSION_STATUSES = ['received', 'in_review', 'in_progress', 'waiting_citizen', 'answered', 'done', 'declined'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const STATUS_LABELS: Record<SubmissionStatus, string> = {
  received: 'Recebido pela Prefeitura',
  in_review: 'Em análise',
  in_progress: 'Em andamento',
  waiting_citizen: 'Aguardando a sua resposta',
  answered: 'Respondido',
  done: 'Concluído',
  declined: 'Não atendido (veja o motivo)',
};

/*
 * Answers the browser reads are parsed with these schemas, not cast: a captive portal, a proxy or a
 * newer server must never put an unexpected shape into the phone's database. Unknown keys are ignored
 * here (v.object), so the server may add fields without breaking older apps.
 */
export const ProtocolReceiptSchema = v.object({
  id: UuidSchema,
  protocol: v.string(),
  status: v.picklist(SUBMISSION_STATUSES),
  receivedAt: v.string(),
});
export type ProtocolReceipt = v.InferOutput<typeof ProtocolReceiptSchema>;

const StatusEventSchema = v.object({
  status: v.picklist(SUBMISSION_STATUSES),
  at: v.string(),
  note: v.optional(v.string()),
});
export type StatusEvent = v.InferOutput<typeof StatusEventSchema>;

const SubmissionStatusResponseSchema = v.object({
  ...ProtocolReceiptSchema.entries,
  kind: v.picklist(SUBMISSION_KINDS),
  serviceId: v.string(),
  history: v.array(StatusEventSchema),
  /** The promised deadline (end of the due day, Bahia), when the request has one. */
  dueAt: v.optional(v.nullable(v.string())),
});
export type SubmissionStatusResponse = v.InferOutput<typeof SubmissionStatusResponseSchema>;

/** POST /api/submissions/status: the status of many records in one request (refresh and confirmation). */
export const MAX_STATUS_IDS = 100;
export const StatusRequestSchema = v.strictObject({
  ids: v.pipe(v.array(UuidSchema), v.minLength(1, 'Informe pelo menos um identificador.'), v.maxLength(MAX_STATUS_IDS, `No máximo ${MAX_STATUS_IDS} identificadores.`)),
});
export const StatusBatchResponseSchema = v.object({
  found: v.array(SubmissionStatusResponseSchema),
  /** Ids the server does not hold (never stored, or lost): the phone sends them again. */
  missing: v.array(v.string()),
});
export type StatusBatchResponse = v.InferOutput<typeof StatusBatchResponseSchema>;
