/**
 * Files served by version, like the charter and the transparency panel: a strong ETag, a 304 when the
 * phone already has it, and the bytes compressed once and kept (never per request).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CompressedBodies } from '../domain/current-charter.ts';

export interface VersionedFile {
  body: Buffer;
  /** Strong validator, quoted. */
  etag: string;
  contentType: string;
  compressed(): Promise<CompressedBodies>;
}

/** Whether an If-None-Match header (one tag, a list, weak forms or *) names this ETag. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').map((tag) => tag.trim()).some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag);
}

/** The best encoding the client accepts among br and gzip (q=0 refuses one), or null for the raw bytes. */
export function chooseEncoding(header: string | undefined): 'br' | 'gzip' | null {
  if (!header) return null;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  const br = weightOf('br');
  const gz = weightOf('gzip');
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return null;
}

/** Answers with the file: 304 when If-None-Match names it, else br or gzip as accepted. The route sets `compress: false`. */
export async function sendVersioned(request: FastifyRequest, reply: FastifyReply, file: VersionedFile, headers: Record<string, string> = {}): Promise<FastifyReply> {
  reply
    .header('etag', file.etag)
    .header('cache-control', 'no-cache')
    .header('vary', 'Accept-Encoding')
    .header('content-type', file.contentType);
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  if (etagMatches(request.headers['if-none-match'], file.etag)) return reply.code(304).send();
  const encoding = chooseEncoding(request.headers['accept-encoding']);
  if (!encoding) return reply.send(file.body);
  const compressed = await file.compressed();
  return reply.header('content-encoding', encoding).send(compressed[encoding]);
}
