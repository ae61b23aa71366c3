/**
 * "Avise-me quando houver novidade" (Web Push, an opt-in). The phone subscribes with its browser's push
 * service and tells the server which of its requests to follow, by their ids; the server then sends a
 * notice, end-to-end encrypted, naming only which request changed. iOS gives Web Push only to an app
 * installed on the home screen; elsewhere, without it, news still shows in the app.
 */
import { PushKeySchema } from '../../../shared/contract/push.ts';
import { callApi } from '../../../sync/api.ts';
import { getOutboxDb, isFollowingByPush, noteNamedTraffic, setFollowingByPush } from '../../../sync/outbox/db.ts';
import { followedRequestIds } from '../../../sync/status/status-reader.ts';

export type PushState = 'unsupported' | 'blocked' | 'off' | 'on';

export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  return (await isFollowingByPush(getOutboxDb())) ? 'on' : 'off';
}

function keyBytes(base64url: string): Uint8Array {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** The ids this phone follows: every sent named request (a denúncia of the integrity channel never). */
function followedIds(): Promise<string[]> {
  return followedRequestIds(getOutboxDb());
}

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

async function sendSubscription(subscription: PushSubscription): Promise<boolean> {
  const json = subscription.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
  const ids = await followedIds();
  await noteNamedTraffic(getOutboxDb());
  return (await callApi('/api/push/subscription', null, { method: 'PUT', body: { endpoint: json.endpoint, keys: json.keys, ids } })).ok;
}

/** Turns the notices on; the message says what happened, in words. */
export async function enablePush(): Promise<{ ok: boolean; message: string }> {
  if (!pushSupported()) return { ok: false, message: 'Este navegador não mostra avisos. As novidades aparecem aqui no aplicativo.' };
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { ok: false, message: 'Os avisos não foram permitidos. As novidades continuam aparecendo aqui no aplicativo.' };
  try {
    const answer = await callApi('/api/push/key', PushKeySchema);
    if (!answer.ok) throw new Error('no key');
    const key = answer.value;
    const registration = await navigator.serviceWorker.ready;
    const subscription = (await registration.pushManager.getSubscription())
      ?? await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.publicKey) as BufferSource });
    if (!(await sendSubscription(subscription))) throw new Error('not saved');
    await setFollowingByPush(getOutboxDb(), true);
    return { ok: true, message: 'Pronto: você será avisado quando a Prefeitura responder.' };
  } catch {
    return { ok: false, message: 'Não foi possível ativar os avisos agora (é preciso estar com internet). As novidades continuam aparecendo aqui.' };
  }
}

export async function disablePush(): Promise<void> {
  await setFollowingByPush(getOutboxDb(), false);
  const subscription = await currentSubscription().catch(() => null);
  if (!subscription) return;
  await callApi('/api/push/subscription', null, { method: 'DELETE', body: { endpoint: subscription.endpoint } });
  await subscription.unsubscribe().catch(() => undefined);
}

/** After new records were sent: the server learns to follow them too (a no-op when notices are off). */
export async function updateFollowedRequests(): Promise<void> {
  if ((await pushState()) !== 'on') return;
  const subscription = await currentSubscription().catch(() => null);
  if (subscription) await sendSubscription(subscription).catch(() => undefined);
}
