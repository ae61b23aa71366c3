/**
 * GET /api/transparencia/auditoria.json: the audit log's final chain hash of each of the last 90 days that
 * are over (Bahia), so anyone can keep a copy and later see whether the city's audit history was rewritten
 * (`npm run audit:verify -- --publicado FILE` compares a kept copy with the log). Only days, entry ids,
 * counts and hashes: nothing about who did what. Today is never published (its count would time the staff's
 * work as it happens, and its hash is not final).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bahiaDay } from '../../../shared/dates.ts';
import { compressOnce, type CompressedBodies } from '../../domain/current-charter.ts';
import { dayHashes } from '../../storage/audit-chain.ts';
import type { Storage } from '../../storage/types.ts';
import { sendVersioned, type VersionedFile } from '../../http/versioned-file.ts';

export interface AuditChainRouteOptions {
  storage: Storage;
  now?: () => Date;
}

/** How many days that are over the file lists. */
export const PUBLISHED_DAYS = 90;
/** Past days' hashes are recomputed at most this often, so a rewrite shows within minutes, not only tomorrow. */
const RECOMPUTE_MS = 10 * 60_000;

function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function versioned(text: string): VersionedFile {
  const body = Buffer.from(text, 'utf8');
  let compressed: Promise<CompressedBodies> | undefined;
  return {
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url')}"`,
    contentType: 'application/json; charset=utf-8',
    compressed: () => (compressed ??= compressOnce(body)),
  };
}

export async function auditChainRoute(app: FastifyInstance, options: AuditChainRouteOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  let cached: { today: string; at: number; file: VersionedFile } | null = null;
  let computing: Promise<VersionedFile> | null = null;

  const compute = async (today: string): Promise<VersionedFile> => {
    const days = await dayHashes(options.storage, shiftDay(today, -PUBLISHED_DAYS), shiftDay(today, -1));
    const file = versioned(JSON.stringify(days));
    cached = { today, at: Date.now(), file };
    return file;
  };

  app.get('/auditoria.json', { compress: false }, async (request, reply) => {
    const today = bahiaDay(now());
    let file = cached && cached.today === today && Date.now() - cached.at < RECOMPUTE_MS ? cached.file : null;
    if (!file) {
      // One computation at a time, however many requests arrive together.
      computing ??= compute(today).finally(() => { computing = null; });
      file = await computing;
    }
    return sendVersioned(request, reply, file);
  });
}
