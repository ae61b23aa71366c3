/**
 * Web Push: the city changed a request ("Avise-me quando houver novidade"). The message names only the
 * request's id; the worker refreshes that request's status into the outbox (so the list shows the news
 * even before the app opens), updates the app badge and shows a notice that opens the request.
 */
import { PushMessageSchema } from '../shared/contract/push.ts';
import { parseAnswer } from '../shared/contract/parse.ts';
import { getOutboxDb } from '../sync/outbox/db.ts';
import { countNews } from '../sync/outbox/queries.ts';
import { refreshStatuses } from '../sync/status/status-reader.ts';

const TITLE = 'Novidade na sua solicitação';
const BODY = 'A Prefeitura atualizou um pedido seu. Toque para ver.';

type BadgeNavigator = WorkerNavigator & { setAppBadge?: (count: number) => Promise<void> };

function readMessage(event: PushEvent): { id: string } | null {
  try {
    return parseAnswer(PushMessageSchema, event.data?.json());
  } catch {
    return null;
  }
}

export function registerPush(self: ServiceWorkerGlobalScope): void {
  self.addEventListener('push', (event) => {
    const message = readMessage(event);
    const url = message ? `/minhas-solicitacoes/${message.id}` : '/minhas-solicitacoes';
    event.waitUntil((async () => {
      const db = getOutboxDb();
      if (message) {
        await refreshStatuses(db, [message.id], (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(10_000) })).catch(() => false);
      }
      await (self.navigator as BadgeNavigator).setAppBadge?.(await countNews(db))?.catch(() => undefined);
      // Every push shows a notice (browsers require it); no personal data is in it.
      await self.registration.showNotification(TITLE, {
        body: BODY,
        lang: 'pt-BR',
        icon: '/icons/icon-192.png',
        tag: message ? `pedido-${message.id}` : 'novidade',
        data: { url },
      });
    })());
  });

  self.addEventListener('notificationclick', (event) => {
    event.notification.close();
    const url = new URL((event.notification.data as { url?: string } | null)?.url ?? '/minhas-solicitacoes', self.location.origin).href;
    event.waitUntil((async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        await open.navigate(url).catch(() => undefined);
      } else {
        await self.clients.openWindow(url);
      }
    })());
  });
}
