/**
 * The service worker: keeps a copy of the citizen app on the phone (offline-copy.ts) and answers every
 * navigation with the saved index.html, so a deep link reloads with no network. The charter lives in
 * IndexedDB, not here: /api/* is left to the network (but for the last copy of the integrity content and
 * of the transparency panel, below), and POST/PUT are never touched.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, PrecacheRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { drainOnBackgroundSync } from './background-sync.ts';
import { registerOfflineCopy } from './offline-copy.ts';
import type { OfflineCopyEntry } from './offline-copy-protocol.ts';
import { registerPush } from './push.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: OfflineCopyEntry[] };

const precache = registerOfflineCopy(self, self.__WB_MANIFEST);
registerRoute(new PrecacheRoute(precache));
cleanupOutdatedCaches();

// The back office (/gestao) is another app with its own page and no offline copy: its navigations always
// go to the network, never to the citizen's index.html.
registerRoute(
  new NavigationRoute(precache.createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api\//, /^\/gestao(?:[/?]|$)/, /\/[^/?]+\.[a-z0-9]+$/i],
  }),
);

// The first install takes control at once so lazy pages fetched later come from the precache.
// Later versions wait: they activate only when the page sends SKIP_WAITING after the person agrees.
clientsClaim();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The Code of Ethics and the Integrity Plan: from the network when it answers in time, else the last copy.
registerRoute(
  ({ url, request }) => url.pathname === '/api/integridade/conteudo' && request.method === 'GET',
  new NetworkFirst({ cacheName: 'conecta-integridade', networkTimeoutSeconds: 4 }),
);

// The transparency panel (its summary, and every service's figures): the same, so that the panel and each
// service's "prometido × cumprido" line read again with no signal. The page writes into this cache itself
// on a first visit, before this worker controls it (src/apps/citizen/transparency/panel-data.ts).
registerRoute(
  ({ url, request }) => (url.pathname === '/api/transparencia' || url.pathname === '/api/transparencia/servicos') && request.method === 'GET',
  new NetworkFirst({ cacheName: 'conecta-transparencia', networkTimeoutSeconds: 4, matchOptions: { ignoreVary: true } }),
);

drainOnBackgroundSync(self);
registerPush(self);
