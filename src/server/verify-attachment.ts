import { MAX_ATTACHMENT_BYTES, type ApiError, type AttachmentType } from '../shared/schemas.ts';
import { apiError } from './api-errors.ts';
import { matchesDeclaredType } from './file-signatures.ts';
import { sha256Hex } from './hashing.ts';

export type AttachmentProblem = { statusCode: number; body: ApiError };

/** The checks every stored file passes, whether uploaded by PUT or imported from an outbox file. */
export function verifyAttachment(bytes: Uint8Array, sha256: string, type: AttachmentType): AttachmentProblem | null {
  if (bytes.length === 0) return { statusCode: 400, body: apiError('empty_body', 'O arquivo está vazio.') };
  if (bytes.length > MAX_ATTACHMENT_BYTES) return { statusCode: 413, body: apiError('payload_too_large', 'O envio é grande demais.') };
  if (sha256Hex(bytes) !== sha256) {
    return { statusCode: 422, body: apiError('hash_mismatch', 'O arquivo chegou diferente do esperado. Ele será enviado de novo.') };
  }
  if (!matchesDeclaredType(bytes, type)) {
    return { statusCode: 415, body: apiError('type_mismatch', 'O conteúdo do arquivo não corresponde ao tipo informado.') };
  }
  return null;
}
