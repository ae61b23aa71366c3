import type { FastifyInstance } from 'fastify';
import type { CharterCache } from '../domain/current-charter.ts';
import type { DiskSpace } from './disk-space.ts';
import type { Storage } from '../storage/types.ts';

/** The database counts as unresponsive when no probe has answered for this long. */
const UNRESPONSIVE_AFTER_MS = 3000;
const PROBE_EVERY_MS = 1000;

/**
 * For load balancers and supervisors: 200 with status "ok", or "degraded" with what is wrong (low disk:
 * writes answer 507; an unresponsive database). It answers from what a background probe last saw, never
 * waiting on the database or the disk itself: under load a health check must stay the fastest request.
 */
export function healthRoutes(app: FastifyInstance, { storage, charters, disk }: { storage: Storage; charters: CharterCache; disk: DiskSpace }): void {
  let lastAnswer = Date.now();
  let probing = false;
  const probe = () => {
    if (probing) return;
    probing = true;
    charters.current()
      .then(() => { lastAnswer = Date.now(); }, () => undefined)
      .finally(() => { probing = false; });
  };
  const timer = setInterval(probe, PROBE_EVERY_MS);
  timer.unref();
  app.addHook('onReady', async () => probe());
  app.addHook('onClose', async () => clearInterval(timer));

  app.get('/api/health', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const databaseOk = Date.now() - lastAnswer < UNRESPONSIVE_AFTER_MS;
    const problems = [...(disk.isLow() ? ['disk_low'] : []), ...(databaseOk ? [] : ['database_unresponsive'])];
    return {
      status: problems.length ? 'degraded' : 'ok',
      database: storage.kind,
      charterVersion: charters.lastKnownVersion(),
      ...(problems.length ? { problems } : {}),
    };
  });
}
