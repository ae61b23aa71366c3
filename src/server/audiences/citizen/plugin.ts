/**
 * The citizen API under /api: the charter, submissions and their status, the sync batch and photo
 * uploads. Anyone may call it (the phone has no account); what protects it is the contract, the limits
 * registered here for every route of this plugin (per-address rate limit, the free-space floor for writes),
 * and ids that are capabilities (random UUIDs, salted file addresses).
 */
import type { FastifyInstance } from 'fastify';
import { MESSAGES, apiError } from '../../http/api-errors.ts';
import { limitRequestsPerClient } from '../../http/rate-limit.ts';
import { closeUnlessDrainable } from '../../http/connection-guard.ts';
import type { CharterCache } from '../../domain/current-charter.ts';
import type { DiskSpace } from '../../http/disk-space.ts';
import type { Storage } from '../../storage/types.ts';
import type { PushOptions } from '../../domain/push.ts';
import type { DueDateFn } from '../../domain/accept-submission.ts';
import { attachmentRoutes } from './attachment-routes.ts';
import { charterRoutes } from './charter-routes.ts';
import { followUpRoutes } from './follow-up-routes.ts';
import { pushRoutes } from './push-routes.ts';
import { replyRoutes } from './reply-routes.ts';
import { submissionRoutes } from './submission-routes.ts';
import { syncRoutes } from './sync-routes.ts';

export interface CitizenApiOptions {
  storage: Storage;
  charters: CharterCache;
  disk: DiskSpace;
  rateLimit: { max: number; timeWindow: number | string } | false;
  uploadsPerClient: number;
  push: PushOptions;
  onItemFailure?: (error: unknown) => void;
  dueDate?: DueDateFn;
  /** A reply resumed a request that waited for the citizen: its due date moves on. */
  onResumed?: (id: string) => Promise<void>;
  /** Follow-up lookups (protocol and code) per address per minute; default 10. */
  followUpLookupsPerMinute?: number;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function citizenApi(app: FastifyInstance, options: CitizenApiOptions): Promise<void> {
  const { storage, charters, disk } = options;
  if (options.rateLimit) {
    await limitRequestsPerClient(app, options.rateLimit);
  }
  // Before the body is read and before the database is touched: a full disk answers "later", never hangs.
  app.addHook('onRequest', async (request, reply) => {
    if (!WRITES.has(request.method) || !disk.isLow()) return;
    closeUnlessDrainable(request, reply);
    return reply.code(507).header('retry-after', '60').send(apiError('insufficient_storage', MESSAGES.diskFull));
  });

  const deps = { storage, charters, onItemFailure: options.onItemFailure, ...(options.dueDate ? { dueDate: options.dueDate } : {}) };
  charterRoutes(app, charters);
  submissionRoutes(app, deps);
  syncRoutes(app, deps);
  pushRoutes(app, { storage, push: options.push });
  replyRoutes(app, { storage, onResumed: options.onResumed ?? (async () => undefined) });
  await app.register(attachmentRoutes, { storage, uploadsPerClient: options.uploadsPerClient });
  await app.register(followUpRoutes, { storage, ...(options.followUpLookupsPerMinute ? { lookupsPerMinute: options.followUpLookupsPerMinute } : {}) });
}
