import type { FastifyInstance } from 'fastify';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, SHA256_REGEX, type AttachmentType } from '../../shared/schemas.ts';
import { HttpError, apiError } from '../api-errors.ts';
import { findAttachments, putAttachment } from '../storage/attachment-store.ts';
import { verifyAttachment } from '../verify-attachment.ts';
import type { Storage } from '../storage/types.ts';

type Params = { Params: { sha256: string } };

function checkHashFormat(sha256: string): void {
  if (!SHA256_REGEX.test(sha256)) {
    throw new HttpError(400, apiError('invalid_hash', 'O endereço do arquivo precisa ser o SHA-256 em hexadecimal minúsculo (64 caracteres).'));
  }
}

function declaredType(contentType: string | undefined): AttachmentType | null {
  const mime = contentType?.split(';')[0]?.trim().toLowerCase();
  return (ATTACHMENT_TYPES as readonly string[]).includes(mime ?? '') ? (mime as AttachmentType) : null;
}

/** Content-addressed uploads: the URL names the SHA-256 of the bytes, so storing twice is harmless. */
export async function attachmentRoutes(app: FastifyInstance, { storage }: { storage: Storage }): Promise<void> {
  app.addContentTypeParser([...ATTACHMENT_TYPES], { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES }, (_request, body, done) => done(null, body));

  app.put<Params>('/attachments/:sha256', {
    bodyLimit: MAX_ATTACHMENT_BYTES,
    // Before the body is read: a malformed address need not wait for megabytes to arrive.
    onRequest: async (request) => checkHashFormat(request.params.sha256),
  }, async (request, reply) => {
    const { sha256 } = request.params;
    const type = declaredType(request.headers['content-type']);
    if (!type || !Buffer.isBuffer(request.body)) {
      throw new HttpError(415, apiError('unsupported_media_type', 'Tipo de arquivo não aceito: use JPEG, PNG, WebP ou PDF.'));
    }
    const bytes = request.body;
    const problem = verifyAttachment(bytes, sha256, type);
    if (problem) throw new HttpError(problem.statusCode, problem.body);
    const stored = await putAttachment(storage, { sha256, type, size: bytes.length, bytes });
    reply.code(stored === 'created' ? 201 : 200);
    return { sha256, type, size: bytes.length };
  });

  app.head<Params>('/attachments/:sha256', async (request, reply) => {
    checkHashFormat(request.params.sha256);
    const found = await findAttachments(storage, [request.params.sha256]);
    return reply.code(found.size ? 200 : 404).send();
  });
}
