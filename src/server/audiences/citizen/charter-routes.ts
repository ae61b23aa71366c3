import type { FastifyInstance } from 'fastify';
import { NoCharterError } from '../../http/api-errors.ts';
import type { CharterCache } from '../../domain/current-charter.ts';
import { sendVersioned } from '../../http/versioned-file.ts';

export function charterRoutes(app: FastifyInstance, charters: CharterCache): void {
  app.get('/charter', { compress: false }, async (request, reply) => {
    const current = await charters.current();
    if (!current) throw new NoCharterError();
    return sendVersioned(request, reply, { ...current, contentType: 'application/json; charset=utf-8' });
  });
}
