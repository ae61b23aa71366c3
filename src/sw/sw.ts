/**
 * The service worker: precaches the app shell (every built file) and answers every navigation with the
 * cached index.html, so a deep link reloads with no network. The charter lives in IndexedDB, not here:
 * /api/* is left to the network, and POST/PUT are never touched.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { registerBackgroundSync } from './background-sync.ts';
import { registerPush } from './push.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api\//, /\/[^/?]+\.[a-z0-9]+$/i],
  }),
);

// The first install takes control at once so lazy pages fetched later come from the precache.
// Later versions wait: they activate only when the page sends SKIP_WAITING after the person agrees.
clientsClaim();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

registerBackgroundSync(self);
registerPush(self);
