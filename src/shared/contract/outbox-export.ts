import * as v from 'valibot';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, SALT_REGEX, Sha256Schema } from './submissions.ts';

/**
 * "Salvar cópia": unsent records with their files, exported from a phone that cannot get signal and
 * imported on the server with `npm run outbox:import -- FILE` (idempotently, by submission id).
 */
export const OUTBOX_EXPORT_FORMAT = 'conecta-conquista-outbox';
export const OutboxExportSchema = v.strictObject({
  format: v.literal(OUTBOX_EXPORT_FORMAT),
  /** 1: files addressed by plain SHA-256; 2: by SHA-256(salt ‖ bytes), each file with its salt. */
  version: v.picklist([1, 2]),
  exportedAt: v.pipe(v.string(), v.isoTimestamp()),
  submissions: v.array(v.unknown()),
  attachments: v.array(v.strictObject({
    sha256: Sha256Schema,
    type: v.picklist(ATTACHMENT_TYPES),
    size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_ATTACHMENT_BYTES)),
    salt: v.optional(v.pipe(v.string(), v.regex(SALT_REGEX, 'Sal inválido.'))),
    base64: v.string(),
  })),
});
export type OutboxExport = v.InferOutput<typeof OutboxExportSchema>;
