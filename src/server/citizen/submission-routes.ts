import type { FastifyInstance } from 'fastify';
import { acceptSubmission, STATUS_BY_OUTCOME, type AcceptDeps } from './accept-submission.ts';
import { HttpError, MESSAGES, apiError } from '../api-errors.ts';
import { getSubmissionStatus } from '../storage/submission-store.ts';

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
    return 'receipt' in result ? result.receipt : result.error;
  });

  app.get<{ Params: { id: string } }>('/submissions/:id', async (request) => {
    const { id } = request.params;
    if (!UUID.test(id)) throw new HttpError(400, apiError('invalid_id', 'O identificador precisa ser um UUID.'));
    const status = await getSubmissionStatus(deps.storage, id);
    if (!status) throw new HttpError(404, apiError('not_found', 'Não encontramos um envio com este identificador.'));
    return status;
  });
}

