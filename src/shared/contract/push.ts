/** Web push: the subscription a browser gives the server and the message its service worker receives. */
import * as v from 'valibot';
import { UuidSchema } from './primitives.ts';

/** PUT /api/push/subscription: a browser's push subscription and the submissions it follows. */
const base64url = (max: number) => v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+=*$/, 'Chave inválida.'), v.maxLength(max));
export const PushSubscriptionRequestSchema = v.strictObject({
  endpoint: v.pipe(v.string(), v.url('Endereço inválido.'), v.maxLength(1000)),
  keys: v.strictObject({ p256dh: base64url(200), auth: base64url(64) }),
  ids: v.pipe(v.array(UuidSchema), v.maxLength(200, 'No máximo 200 identificadores.')),
});
export const PushUnsubscribeSchema = v.strictObject({ endpoint: v.pipe(v.string(), v.maxLength(1000)) });
export const PushKeySchema = v.object({ publicKey: v.string() });

/** What the service worker receives in a push (encrypted end to end): which request changed, never a person. */
export const PushMessageSchema = v.object({ type: v.literal('status'), id: UuidSchema });
