/**
 * Background Sync (Chromium only): when the browser sees signal again it wakes the service worker,
 * which drains the outbox with the same engine as the page. The page never relies on this.
 */
import { BACKGROUND_SYNC_TAG, defaultSyncDeps, drainOutbox } from '../sync/sync-engine.ts';

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

export function registerBackgroundSync(self: ServiceWorkerGlobalScope): void {
  self.addEventListener('sync', (event) => {
    const sync = event as SyncEvent;
    if (sync.tag !== BACKGROUND_SYNC_TAG) return;
    sync.waitUntil(
      drainOutbox(defaultSyncDeps(), { resetBackoff: true }).then((report) => {
        // Failing the event makes the browser try again later, with its own backoff.
        if (report.offline && !sync.lastChance) throw new Error('outbox still waiting for the network');
      }),
    );
  });
}
