/**
 * Web Push for "Avise-me quando houver novidade": the server's VAPID keys (made on first start and kept
 * in the database), and the notice sent when the city changes a request's status. The payload names only
 * the request's random id and what happened, never a person, and is end-to-end encrypted (RFC 8291) by
 * web-push; the request itself goes out through fetch so that only allowed push services are ever called.
 */
import webpush from 'web-push';
import { deleteSubscription, getOrCreateServerKey, subscriptionsFollowing } from '../storage/push-store.ts';
import type { Queryable } from '../storage/types.ts';

/** Sample contact; set PUSH_SUBJECT to the city's own (push services write there about abuse). */
export const DEFAULT_PUSH_SUBJECT = 'mailto:ouvidoria@conecta.example';

export interface PushOptions {
  /** Who runs this server, for push services to reach (VAPID `sub`): a mailto: or https: URL. */
  subject: string;
  /**
   * Extra origins a subscription may point at, besides the browsers' push services (tests run a local
   * one). Anything else is refused: a subscription is a URL the server will POST to (SSRF).
   */
  extraOrigins?: readonly string[];
}

/** How many notices of one change are in flight at once. */
const PUSH_PARALLEL = 8;

/** The push services of Chrome/Android, Firefox, Edge/Windows and Safari/iOS. */
const PUSH_SERVICE_HOSTS = ['fcm.googleapis.com', 'push.services.mozilla.com', 'notify.windows.com', 'push.apple.com'];

export function isAllowedEndpoint(endpoint: string, extraOrigins: readonly string[] = []): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (extraOrigins.includes(url.origin)) return true;
  if (url.protocol !== 'https:' || url.port !== '' || url.username || url.password) return false;
  return PUSH_SERVICE_HOSTS.some((host) => url.hostname === host || url.hostname.endsWith(`.${host}`));
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export async function vapidKeys(db: Queryable): Promise<VapidKeys> {
  const stored = await getOrCreateServerKey(db, 'vapid', () => JSON.stringify(webpush.generateVAPIDKeys()));
  return JSON.parse(stored) as VapidKeys;
}

export interface PushMessage {
  type: 'status';
  id: string;
}

/**
 * Tells every phone following a submission that it changed. Best effort: a phone that is off gets it when
 * it comes back (the push service keeps it a day); a subscription its service says is gone is deleted.
 */
export async function notifyStatusChange(db: Queryable, submissionId: string, options: PushOptions, fetchFn: typeof fetch = fetch): Promise<{ sent: number; removed: number }> {
  const targets = await subscriptionsFollowing(db, submissionId);
  if (targets.length === 0) return { sent: 0, removed: 0 };
  const keys = await vapidKeys(db);
  const message: PushMessage = { type: 'status', id: submissionId };
  let sent = 0;
  let removed = 0;
  const allowed = targets.filter((target) => isAllowedEndpoint(target.endpoint, options.extraOrigins));
  const sendOne = async (target: (typeof allowed)[number]) => {
    const details = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      JSON.stringify(message),
      { vapidDetails: { subject: options.subject, publicKey: keys.publicKey, privateKey: keys.privateKey }, TTL: 24 * 3600, contentEncoding: 'aes128gcm' },
    );
    try {
      const response = await fetchFn(details.endpoint, {
        method: details.method,
        headers: details.headers as Record<string, string>,
        body: details.body ?? undefined,
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 404 || response.status === 410) {
        await deleteSubscription(db, target.endpoint);
        removed++;
      } else if (response.ok) {
        sent++;
      }
    } catch {
      // The push service did not answer: the status is still in the app the next time it looks.
    }
  };
  // A few at a time: a request followed by many phones is told in parallel, without opening hundreds of sockets.
  let next = 0;
  const worker = async () => {
    while (next < allowed.length) await sendOne(allowed[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PUSH_PARALLEL, allowed.length) }, worker));
  return { sent, removed };
}
