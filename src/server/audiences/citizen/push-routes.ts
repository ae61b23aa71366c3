import type { FastifyInstance } from 'fastify';
import { PushSubscriptionRequestSchema, PushUnsubscribeSchema } from '../../../shared/contract/push.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { HttpError, apiError } from '../../http/api-errors.ts';
import { isAllowedEndpoint, vapidKeys, type PushOptions } from '../../domain/push.ts';
import { deleteSubscription, saveSubscription } from '../../storage/push-store.ts';
import type { Storage } from '../../storage/types.ts';
import { requireBody } from './submission-routes.ts';

/**
 * "Avise-me quando houver novidade": the phone fetches the server's public key, subscribes with its
 * browser, and sends the subscription with the ids of the requests it follows (replacing the last list).
 */
export function pushRoutes(app: FastifyInstance, { storage, push }: { storage: Storage; push: PushOptions }): void {
  app.get('/push/key', async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return { publicKey: (await vapidKeys(storage)).publicKey };
  });

  app.put('/push/subscription', { bodyLimit: 32 * 1024 }, async (request) => {
    requireBody(request.body);
    const parsed = parseContract(PushSubscriptionRequestSchema, request.body);
    if (!parsed.ok) throw new HttpError(422, apiError('invalid_subscription', 'A inscrição para avisos está em um formato que o servidor não aceita.', parsed.fields));
    const { endpoint, keys, ids } = parsed.value;
    if (!isAllowedEndpoint(endpoint, push.extraOrigins)) {
      throw new HttpError(422, apiError('push_service_not_allowed', 'Este navegador usa um serviço de avisos que a Prefeitura não aceita. Acompanhe pelo aplicativo.'));
    }
    return { following: await saveSubscription(storage, { endpoint, p256dh: keys.p256dh, auth: keys.auth }, ids) };
  });

  app.delete('/push/subscription', { bodyLimit: 4 * 1024 }, async (request, reply) => {
    requireBody(request.body);
    const parsed = parseContract(PushUnsubscribeSchema, request.body);
    if (!parsed.ok) throw new HttpError(422, apiError('invalid_subscription', 'Pedido inválido.', parsed.fields));
    await deleteSubscription(storage, parsed.value.endpoint);
    return reply.code(204).send();
  });
}
