import { createHash } from 'node:crypto';
import { MAX_ATTACHMENT_BYTES, type AttachmentType } from '../../shared/contract/submissions.ts';
import { type ApiError } from '../../shared/contract/errors.ts';
import { apiError } from '../http/api-errors.ts';
import { matchesDeclaredType } from './file-signatures.ts';

export type AttachmentProblem = { statusCode: number; body: ApiError };

/** SHA-256(salt ‖ bytes): a file's address (plain SHA-256 of the bytes for files exported before salting). */
export function attachmentAddress(bytes: Uint8Array, salt?: Uint8Array): string {
  const hash = createHash('sha256');
  if (salt) hash.update(salt);
  return hash.update(bytes).digest('hex');
}

/** The checks a whole file passes before it is stored (the "Salvar cópia" import; uploads check as they stream). */
export function verifyAttachment(bytes: Uint8Array, address: string, type: AttachmentType, salt?: Uint8Array): AttachmentProblem | null {
  if (bytes.length === 0) return { statusCode: 400, body: apiError('empty_body', 'O arquivo está vazio.') };
  if (bytes.length > MAX_ATTACHMENT_BYTES) return { statusCode: 413, body: apiError('payload_too_large', 'O envio é grande demais.') };
  if (attachmentAddress(bytes, salt) !== address) {
    return { statusCode: 422, body: apiError('hash_mismatch', 'O arquivo chegou diferente do esperado. Ele será enviado de novo.') };
  }
  if (!matchesDeclaredType(bytes, type)) {
    return { statusCode: 415, body: apiError('type_mismatch', 'O conteúdo do arquivo não corresponde ao tipo informado.') };
  }
  return null;
}
