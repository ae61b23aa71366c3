import type { FastifyInstance } from 'fastify';
import { MAX_BATCH, SyncRequestSchema, type SyncItemResult, type SyncResponse } from '../../../shared/contract/sync.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { acceptBatch, type AcceptDeps, type AcceptResult } from '../../domain/accept-submission.ts';
import { HttpError, apiError } from '../../http/api-errors.ts';
import { requireBody } from './submission-routes.ts';

/**
 * 100 ordinary submissions take well under 1 MB; a bigger batch is split by the phone on 413. Kept small
 * because parsing a body is synchronous work on the one thread that answers everyone.
 */
export const SYNC_BODY_LIMIT = 2 * 1024 * 1024;

function toItem(result: AcceptResult): SyncItemResult {
  return 'receipt' in result
    ? { id: result.id, outcome: result.outcome, receipt: result.receipt }
    : { id: result.id, outcome: result.outcome, error: result.error };
}

export function syncRoutes(app: FastifyInstance, deps: AcceptDeps): void {
  app.post('/sync', { bodyLimit: SYNC_BODY_LIMIT }, async (request): Promise<SyncResponse> => {
    requireBody(request.body);
    const items = (request.body as { submissions?: unknown } | null)?.submissions;
    if (Array.isArray(items) && items.length > MAX_BATCH) {
      throw new HttpError(413, apiError('batch_too_large', `No máximo ${MAX_BATCH} envios por lote. Divida o lote e envie de novo.`));
    }
    const parsed = parseContract(SyncRequestSchema, request.body);
    if (!parsed.ok) throw new HttpError(422, apiError('invalid_batch', 'O lote está em um formato que o servidor não aceita.', parsed.fields));
    // Each item gets its own outcome; one item the database refuses is retry_later, the others are stored.
    return { results: (await acceptBatch(deps, parsed.value.submissions)).map(toItem) };
  });
}
