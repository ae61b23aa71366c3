/** What the phone sends: a submission with its answers and attachments, and the citizen's replies. */
import * as v from 'valibot';
import { FollowUpCodeSchema } from './request-follow-up.ts';
import { isValidIsoDate } from '../documents.ts';
import { FIELD_ID_REGEX, MAX_FORM_VERSION, SUBMISSION_KINDS } from './forms.ts';
import { MAX_ID, UuidSchema, boundedNumber, slug, storableText } from './primitives.ts';

export const SHA256_REGEX = /^[a-f0-9]{64}$/;
/**
 * A file's address is the SHA-256 of a per-device salt followed by its bytes, so no one who merely holds
 * a copy of a document can ask the server whether it was filed. The salt (32 random bytes, hex) travels
 * with the upload in this header so the server can still check the bytes against the address.
 */
export const ATTACHMENT_SALT_HEADER = 'x-attachment-salt';
export const SALT_REGEX = /^[a-f0-9]{64}$/;
export const Sha256Schema = v.pipe(v.string(), v.regex(SHA256_REGEX, 'Identificador de arquivo inválido.'));

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
/** Photos are shrunk on the phone to about 400 KB; this is the hard ceiling for any file. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

const AttachmentSchema = v.strictObject({
  sha256: Sha256Schema,
  type: v.picklist(ATTACHMENT_TYPES, 'Tipo de arquivo não aceito: use JPEG, PNG, WebP ou PDF.'),
  size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_ATTACHMENT_BYTES, 'Arquivo grande demais (máximo de 5 MB).')),
  fieldId: v.pipe(v.string(), v.regex(FIELD_ID_REGEX, 'Campo desconhecido.')),
});
export type Attachment = v.InferOutput<typeof AttachmentSchema>;

const LocationAnswerSchema = v.pipe(
  v.strictObject({
    lat: v.optional(boundedNumber(-90, 90)),
    lng: v.optional(boundedNumber(-180, 180)),
    accuracy: v.optional(boundedNumber(0, 100000)),
    district: v.optional(v.pipe(v.string(), v.maxLength(120))),
    village: v.optional(v.pipe(v.string(), v.maxLength(120))),
  }),
);
export type LocationAnswer = v.InferOutput<typeof LocationAnswerSchema>;

export type AnswerValue = string | number | boolean | string[] | LocationAnswer;
export type Answers = Record<string, AnswerValue>;

/** Shape only; the values are checked against the form by validateAnswers. */
const AnswerValueSchema = v.union([
  storableText(5000),
  boundedNumber(),
  v.boolean(),
  v.pipe(v.array(storableText(MAX_ID)), v.maxLength(50)),
  LocationAnswerSchema,
]);

/** Keys that valibot's record silently drops; an answer named so must be refused, not lost. */
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

/** An instant written in ISO 8601 that is a real calendar date, from 2000 on. */
const InstantSchema = v.pipe(
  v.string(),
  v.isoTimestamp('Data e hora inválidas (use ISO 8601).'),
  v.check((text) => {
    const ms = Date.parse(text);
    return Number.isFinite(ms) && ms >= Date.UTC(2000, 0, 1) && isValidIsoDate(text.slice(0, 10));
  }, 'Data e hora inválidas.'),
);

/** No form has more fields than this (FormDefinitionSchema), so no submission has more answers. */
const MAX_ANSWERS = 100;

export const SubmissionSchema = v.strictObject({
  id: UuidSchema,
  kind: v.picklist(SUBMISSION_KINDS),
  serviceId: slug,
  formId: slug,
  formVersion: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_FORM_VERSION)),
  answers: v.pipe(
    v.unknown(),
    v.check((input) => typeof input !== 'object' || input === null || !RESERVED_KEYS.some((key) => Object.hasOwn(input, key)), 'Campo com nome reservado.'),
    // Counted before any value is checked: 7,000 keys cost one message, not 7,000.
    v.check((input) => typeof input !== 'object' || input === null || Object.keys(input).length <= MAX_ANSWERS, 'Respostas demais.'),
    v.record(v.pipe(v.string(), v.regex(FIELD_ID_REGEX, 'Campo desconhecido.')), AnswerValueSchema),
  ),
  attachments: v.pipe(v.array(AttachmentSchema), v.maxLength(20, 'No máximo 20 arquivos por envio.')),
  createdAt: InstantSchema,
  /** Made by the phone (request-follow-up.ts); the server keeps only its slow hash. Older apps send none. */
  followUpCode: v.optional(FollowUpCodeSchema),
});
export type Submission = v.InferOutput<typeof SubmissionSchema>;

/**
 * The citizen's answer to a question from the city ("Aguardando a sua resposta"), sent through the outbox like a
 * submission: the client-made id makes it exactly once.
 */
export const ReplySchema = v.strictObject({
  id: UuidSchema,
  submissionId: UuidSchema,
  text: v.pipe(storableText(2000), v.trim(), v.minLength(1, 'Escreva a sua resposta.')),
  createdAt: InstantSchema,
});
export type Reply = v.InferOutput<typeof ReplySchema>;
export const MAX_REPLIES = 20;
export const RepliesRequestSchema = v.strictObject({
  replies: v.pipe(v.array(v.unknown()), v.minLength(1, 'Nenhuma resposta.'), v.maxLength(MAX_REPLIES, `No máximo ${MAX_REPLIES} respostas por vez.`)),
});
