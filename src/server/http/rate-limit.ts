/**
 * The one way an audience limits requests per client address: @fastify/rate-limit keyed by the address
 * (IPv6 by its /64, see client-address.ts) and answering a pt-BR 429 in the API's error shape. Each audience
 * registers it inside its own plugin, so each has its own counters and limit.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { apiError, HttpError, MESSAGES } from './api-errors.ts';
import { clientKey } from './client-address.ts';

export interface RateLimitOptions {
  max: number;
  timeWindow: number | string;
}

export async function limitRequestsPerClient(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, {
    max: options.max,
    timeWindow: options.timeWindow,
    keyGenerator: (request) => clientKey(request.ip),
    errorResponseBuilder: () => new HttpError(429, apiError('rate_limited', MESSAGES.rateLimited)),
  });
}
