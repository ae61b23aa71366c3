import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ATTACHMENT_SALT_HEADER, ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, SALT_REGEX, SHA256_REGEX, type AttachmentType,
} from '../../../shared/contract/submissions.ts';
import { HttpError, MESSAGES, apiError } from '../../http/api-errors.ts';
import { clientKey } from '../../http/client-address.ts';
import { matchesDeclaredType, SIGNATURE_BYTES } from '../../domain/file-signatures.ts';
import { findAttachments } from '../../storage/attachment-store.ts';
import type { Storage } from '../../storage/types.ts';

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

function saltOf(request: FastifyRequest): Buffer {
  const salt = request.headers[ATTACHMENT_SALT_HEADER];
  if (typeof salt !== 'string' || !SALT_REGEX.test(salt)) throw new HttpError(400, apiError('salt_required', MESSAGES.saltRequired));
  return Buffer.from(salt, 'hex');
}

/**
 * Uploads, by content address: the URL names SHA-256(device salt ‖ bytes), so storing twice is harmless and
 * only whoever holds the salt (the phone that took the photo) can name the file. The body is streamed: hashed
 * and written to disk as it arrives, never held whole in memory nor hashed in one long synchronous step.
 */
export async function attachmentRoutes(app: FastifyInstance, { storage, uploadsPerClient }: { storage: Storage; uploadsPerClient: number }): Promise<void> {
  // The raw stream reaches the handler; the handler enforces the size limit as bytes arrive.
  app.addContentTypeParser([...ATTACHMENT_TYPES], (_request, payload, done) => done(null, payload));

  app.put<Params>('/attachments/:sha256', { onRequest: uploadAdmission(uploadsPerClient) }, (request, reply) => storeUpload(storage, request, reply));

  app.head<Params>('/attachments/:sha256', async (request, reply) => {
    checkHashFormat(request.params.sha256);
    const found = await findAttachments(storage, [request.params.sha256]);
    return reply.code(found.size ? 200 : 404).send();
  });
}

/**
 * Everything that can be refused is refused before the body is read, and each client address has at most
 * `uploadsPerClient` uploads in flight (one counter per plugin, freed when either side of the exchange closes).
 */
function uploadAdmission(uploadsPerClient: number) {
  const inFlight = new Map<string, number>();
  const release = (key: string) => {
    const left = (inFlight.get(key) ?? 1) - 1;
    if (left <= 0) inFlight.delete(key);
    else inFlight.set(key, left);
  };
  return async (request: FastifyRequest<Params>, reply: FastifyReply): Promise<void> => {
    checkHashFormat(request.params.sha256);
    saltOf(request);
    if (!declaredType(request.headers['content-type'])) {
      throw new HttpError(415, apiError('unsupported_media_type', 'Tipo de arquivo não aceito: use JPEG, PNG, WebP ou PDF.'));
    }
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > MAX_ATTACHMENT_BYTES) throw new HttpError(413, apiError('payload_too_large', MESSAGES.tooLarge));
    const key = clientKey(request.ip);
    const count = inFlight.get(key) ?? 0;
    if (count >= uploadsPerClient) {
      reply.header('retry-after', '5');
      throw new HttpError(429, apiError('uploads_busy', MESSAGES.uploadsBusy));
    }
    inFlight.set(key, count + 1);
    let released = false;
    const done = () => {
      if (!released) release(key);
      released = true;
    };
    reply.raw.once('close', done);
    request.raw.once('close', done);
  };
}

/** The body, hashed, checked against its declared type and written to the file store as it arrives. */
async function storeUpload(storage: Storage, request: FastifyRequest<Params>, reply: FastifyReply) {
  const { sha256 } = request.params;
  const type = declaredType(request.headers['content-type'])!;
  const body = request.body as Readable | undefined;
  if (!body || typeof (body as Readable).on !== 'function') throw new HttpError(400, apiError('empty_body', 'O arquivo está vazio.'));
  const hash = createHash('sha256').update(saltOf(request));
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  const sink = await storage.files.begin();
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_ATTACHMENT_BYTES) throw new HttpError(413, apiError('payload_too_large', MESSAGES.tooLarge));
      hash.update(chunk);
      if (headBytes < SIGNATURE_BYTES) {
        head.push(chunk.subarray(0, SIGNATURE_BYTES - headBytes));
        headBytes += Math.min(chunk.length, SIGNATURE_BYTES - headBytes);
      }
      await sink.write(chunk);
    }
    if (size === 0) throw new HttpError(400, apiError('empty_body', 'O arquivo está vazio.'));
    if (hash.digest('hex') !== sha256) {
      throw new HttpError(422, apiError('hash_mismatch', 'O arquivo chegou diferente do esperado. Ele será enviado de novo.'));
    }
    if (!matchesDeclaredType(Buffer.concat(head), type)) {
      throw new HttpError(415, apiError('type_mismatch', 'O conteúdo do arquivo não corresponde ao tipo informado.'));
    }
    await sink.commit(storage, { sha256, type, size });
  } catch (error) {
    await sink.abort();
    // Refused mid-body (too large, disk full): leaving the loop destroyed the request stream, and Node
    // then leaves the socket paused and open without reading the rest, so the client's next request on
    // it gets no answer until the idle timeout. As Fastify does after a body parser error: answer and close.
    if (!request.raw.complete) reply.header('connection', 'close');
    throw error;
  }
  // Whether the file was new or already stored, the answer is the same.
  reply.code(201);
  return { sha256, type, size };
}
