/**
 * The integrity channel's wire contract (`/api/integridade`). A report travels alone, carries its files
 * inline (they are never stored where ordinary uploads are), gets no protocol number, and is followed with
 * a 16-digit receipt the server makes and keeps only as a slow hash.
 */
import * as v from 'valibot';
import { MAX_FORM_VERSION } from './forms.ts';
import { UuidSchema } from './primitives.ts';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from './submissions.ts';

/** identificado: name shown to the team; preservada: only the controladoria can reveal it, audited (Decreto 10.153); anonimo: none. */
export const IDENTIFICATION_MODES = ['anonimo', 'preservada', 'identificado'] as const;
export type IdentificationMode = (typeof IDENTIFICATION_MODES)[number];

export const IDENTIFICATION_LABELS: Record<IdentificationMode, string> = {
  anonimo: 'Anônima: ninguém saberá quem você é',
  preservada: 'Com identidade preservada: só a Controladoria pode saber quem você é, e só com justificativa registrada',
  identificado: 'Identificada: a equipe que apura saberá quem você é',
};

/** The answers that identify the reporter: stored apart, encrypted, and never shown unless the mode allows. */
export const IDENTITY_FIELDS = ['nome', 'cpf', 'email', 'telefone'] as const;

/** At most this much of files per report or message (the photos are shrunk on the phone first). */
export const MAX_INLINE_FILES = 10;
export const MAX_INLINE_BYTES = 8 * 1024 * 1024;

const InlineFileSchema = v.strictObject({
  fieldId: v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9_]{0,59}$/)),
  type: v.picklist(ATTACHMENT_TYPES, 'Tipo de arquivo não aceito: use JPEG, PNG, WebP ou PDF.'),
  /** The bytes, base64 (7 MB of base64 is the 5 MB limit). */
  base64: v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Arquivo mal codificado.'), v.maxLength(Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 4)),
});
export type InlineFile = v.InferOutput<typeof InlineFileSchema>;

export const IntegrityReportSchema = v.strictObject({
  /** Made by the phone; only its hash is kept (a retry is recognised, nothing links it back). */
  id: UuidSchema,
  formId: v.pipe(v.string(), v.maxLength(80)),
  formVersion: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_FORM_VERSION)),
  identification: v.picklist(IDENTIFICATION_MODES),
  answers: v.record(v.pipe(v.string(), v.maxLength(60)), v.unknown()),
  files: v.pipe(v.array(InlineFileSchema), v.maxLength(MAX_INLINE_FILES, `No máximo ${MAX_INLINE_FILES} arquivos.`)),
});
export type IntegrityReport = v.InferOutput<typeof IntegrityReportSchema>;

/** 16 digits, as written down: spaces and dashes are ignored. */
const IntegrityReceiptCodeSchema = v.pipe(v.string(), v.transform((text) => text.replace(/[\s-]/g, '')), v.regex(/^\d{16}$/, 'O recibo tem 16 números.'));

export const ReportAcceptedSchema = v.object({
  /** Shown once (and again only to a retry of the same report from the same phone). */
  receipt: v.pipe(v.string(), v.regex(/^\d{16}$/)),
  /** The day it was received (no time: times are kept to the day). */
  receivedDay: v.string(),
});

export const FollowUpRequestSchema = v.strictObject({ receipt: IntegrityReceiptCodeSchema });

export const INTEGRITY_STATUSES = ['recebida', 'em_analise', 'em_apuracao', 'aguardando_voce', 'concluida', 'arquivada'] as const;
export type IntegrityStatus = (typeof INTEGRITY_STATUSES)[number];
export const INTEGRITY_STATUS_LABELS: Record<IntegrityStatus, string> = {
  recebida: 'Recebida pela Controladoria',
  em_analise: 'Em análise',
  em_apuracao: 'Em apuração',
  aguardando_voce: 'A Controladoria fez uma pergunta',
  concluida: 'Concluída',
  arquivada: 'Arquivada (veja o motivo)',
};

export const FollowUpSchema = v.object({
  status: v.picklist(INTEGRITY_STATUSES),
  receivedDay: v.string(),
  /** "Lida pela Controladoria em …": the day it was first opened. */
  readDay: v.nullable(v.string()),
  messages: v.array(v.object({
    from: v.picklist(['controladoria', 'voce']),
    day: v.string(),
    text: v.string(),
    files: v.number(),
  })),
});
export type FollowUp = v.InferOutput<typeof FollowUpSchema>;

/** More information or files from the reporter: through the outbox, exactly once by its id. */
export const ReporterMessageSchema = v.strictObject({
  id: UuidSchema,
  receipt: IntegrityReceiptCodeSchema,
  text: v.pipe(v.string(), v.trim(), v.maxLength(3000, 'Use no máximo 3000 caracteres.')),
  files: v.pipe(v.array(InlineFileSchema), v.maxLength(MAX_INLINE_FILES)),
});
export type ReporterMessage = v.InferOutput<typeof ReporterMessageSchema>;
