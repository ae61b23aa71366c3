import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NoCharterError } from '../api-errors.ts';
import type { CharterCache } from '../current-charter.ts';

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

export function charterRoutes(app: FastifyInstance, charters: CharterCache): void {
  app.get('/charter', { compress: false }, async (request: FastifyRequest, reply) => {
    const current = await charters.current();
    if (!current) throw new NoCharterError();
    reply
      .header('etag', current.etag)
      .header('cache-control', 'no-cache')
      .header('vary', 'Accept-Encoding')
      .header('content-type', 'application/json; charset=utf-8');
    if (etagMatches(request.headers['if-none-match'], current.etag)) return reply.code(304).send();
    const encoding = chooseEncoding(request.headers['accept-encoding']);
    if (!encoding) return reply.send(current.body);
    const compressed = await current.compressed();
    return reply.header('content-encoding', encoding).send(compressed[encoding]);
  });
}
