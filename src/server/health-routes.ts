import type { FastifyInstance } from 'fastify';
import type { CharterCache } from './current-charter.ts';
import type { DiskSpace } from './disk-space.ts';
import type { Storage } from './storage/types.ts';

/** A database that takes longer than this to say which charter is current counts as unresponsive. */
const DATABASE_PROBE_MS = 2000;

/**
 * For load balancers and supervisors: 200 with status "ok", or "degraded" with what is wrong (low disk:
 * writes answer 507; an unresponsive database). It never waits on a wedged database for long.
 */
export function healthRoutes(app: FastifyInstance, { storage, charters, disk }: { storage: Storage; charters: CharterCache; disk: DiskSpace }): void {
  app.get('/api/health', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), DATABASE_PROBE_MS); });
    const [current, low] = await Promise.all([
      Promise.race([charters.current().catch(() => 'error' as const), timeout]),
      disk.isLow(),
    ]);
    clearTimeout(timer);
    const databaseOk = current !== 'timeout' && current !== 'error';
    const problems = [...(low ? ['disk_low'] : []), ...(databaseOk ? [] : ['database_unresponsive'])];
    return {
      status: problems.length ? 'degraded' : 'ok',
      database: storage.kind,
      charterVersion: databaseOk ? (current?.version ?? null) : null,
      ...(problems.length ? { problems } : {}),
    };
  });
}
