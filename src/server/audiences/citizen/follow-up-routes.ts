/**
 * POST /api/pedidos/acompanhar: a request's course, from any device, by protocol and follow-up code. Its
 * own encapsulated plugin, so its limit holds even where the citizen API runs without one: the same
 * per-address limit, guess alarm and identical refusals as the integrity channel's receipts.
 */
import type { FastifyInstance } from 'fastify';
import { RequestFollowUpRequestSchema, normalizeFollowUpCode, type RequestFollowUp } from '../../../shared/contract/request-follow-up.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { HttpError, apiError } from '../../http/api-errors.ts';
import { limitRequestsPerClient } from '../../http/rate-limit.ts';
import { followUpByCode } from '../../domain/follow-up-codes.ts';
import { guessAlarm } from '../../domain/guess-alarm.ts';
import type { Storage } from '../../storage/types.ts';

export interface FollowUpRouteOptions {
  storage: Storage;
  /** Lookups per address per minute (default 10, as receipts). */
  lookupsPerMinute?: number;
}

const NOT_FOUND = 'Não encontramos um pedido com este protocolo e este código. Confira os dois e tente de novo.';

export async function followUpRoutes(app: FastifyInstance, { storage, lookupsPerMinute = 10 }: FollowUpRouteOptions): Promise<void> {
  await limitRequestsPerClient(app, { max: lookupsPerMinute, timeWindow: '1 minute' });
  const wrongCode = guessAlarm(storage, 'follow_up_guessing_alarm', (n) => `${n} códigos de acompanhamento errados em 10 minutos`);

  app.post('/pedidos/acompanhar', { bodyLimit: 1024 }, async (request, reply): Promise<RequestFollowUp> => {
    reply.header('cache-control', 'no-store');
    const parsed = parseContract(RequestFollowUpRequestSchema, request.body);
    const protocol = parsed.ok ? parsed.value.protocol : null;
    const code = parsed.ok ? normalizeFollowUpCode(parsed.value.code) : null;
    // A malformed protocol or code costs the same hash as a wrong one: the time of the answer says nothing.
    const found = await followUpByCode(storage, protocol, code);
    if (!found) {
      await wrongCode();
      throw new HttpError(404, apiError('not_found', NOT_FOUND));
    }
    return found;
  });
}
