import type { FastifyInstance } from 'fastify';
import { acceptSubmission, STATUS_BY_OUTCOME, type AcceptDeps } from '../../domain/accept-submission.ts';
import { HttpError, MESSAGES, apiError } from '../../http/api-errors.ts';
import { StatusRequestSchema, type StatusBatchResponse } from '../../../shared/contract/status.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { getSubmissionStatus, getSubmissionStatuses } from '../../storage/submission-store.ts';

export const SUBMISSION_BODY_LIMIT = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A request without any body reaches the handler as undefined; it deserves the same answer as "{}"-less JSON. */
export function requireBody(body: unknown): void {
  if (body === undefined) throw new HttpError(400, apiError('empty_body', MESSAGES.emptyJson));
}

export function submissionRoutes(app: FastifyInstance, deps: AcceptDeps): void {
  app.post('/submissions', { bodyLimit: SUBMISSION_BODY_LIMIT }, async (request, reply) => {
    requireBody(request.body);
    const result = await acceptSubmission(deps, request.body);
    reply.code(STATUS_BY_OUTCOME[result.outcome]);
    if (result.outcome === 'retry_later') reply.header('retry-after', '30');
    return 'receipt' in result ? result.receipt : result.error;
  });

  // Many at once: one request refreshes every open record of a phone (and confirms the ones just sent).
  app.post('/submissions/status', { bodyLimit: 16 * 1024 }, async (request, reply): Promise<StatusBatchResponse> => {
    reply.header('cache-control', 'no-store');
    requireBody(request.body);
    const parsed = parseContract(StatusRequestSchema, request.body);
    if (!parsed.ok) throw new HttpError(422, apiError('invalid_status_request', 'A consulta está em um formato que o servidor não aceita.', parsed.fields));
    const found = await getSubmissionStatuses(deps.storage, parsed.value.ids);
    const known = new Set(found.map((status) => status.id));
    return { found, missing: [...new Set(parsed.value.ids)].filter((id) => !known.has(id)) };
  });

  app.get<{ Params: { id: string } }>('/submissions/:id', async (request, reply) => {
    // The status of one person's request: never kept by a shared cache or the browser's HTTP cache.
    reply.header('cache-control', 'no-store');
    const { id } = request.params;
    if (!UUID.test(id)) throw new HttpError(400, apiError('invalid_id', 'O identificador precisa ser um UUID.'));
    const status = await getSubmissionStatus(deps.storage, id.toLowerCase());
    if (!status) throw new HttpError(404, apiError('not_found', 'Não encontramos um envio com este identificador.'));
    return status;
  });
}
