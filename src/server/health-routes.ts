import type { FastifyInstance } from 'fastify';
import type { CharterCache } from './current-charter.ts';
import type { Storage } from './storage/types.ts';

export function healthRoutes(app: FastifyInstance, { storage, charters }: { storage: Storage; charters: CharterCache }): void {
  app.get('/api/health', async () => {
    const current = await charters.current();
    return { status: 'ok', database: storage.kind, charterVersion: current?.version ?? null };
  });
}
