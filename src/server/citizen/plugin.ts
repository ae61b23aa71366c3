/**
 * The citizen API under /api: the charter, submissions and their status, the sync batch and photo
 * uploads. Anyone may call it (the phone has no account); what protects it is the contract, the
 * per-address limits registered here, and ids that are capabilities (random UUIDs, salted file addresses).
 */
import type { FastifyInstance } from 'fastify';
import type { CharterCache } from '../current-charter.ts';
import type { Storage } from '../storage/types.ts';
import { attachmentRoutes } from './attachment-routes.ts';
import { charterRoutes } from './charter-routes.ts';
import { submissionRoutes } from './submission-routes.ts';
import { syncRoutes } from './sync-routes.ts';

export interface CitizenApiOptions {
  storage: Storage;
  charters: CharterCache;
}

export async function citizenApi(app: FastifyInstance, { storage, charters }: CitizenApiOptions): Promise<void> {
  const deps = { storage, charters };
  charterRoutes(app, charters);
  submissionRoutes(app, deps);
  syncRoutes(app, deps);
  await app.register(attachmentRoutes, { storage });
}
