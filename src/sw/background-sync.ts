/**
 * Background Sync (Chromium only): when the browser sees signal again it wakes the service worker,
 * which drains the outbox with the same engine as the page. The page never relies on this.
 */
import type { DrainReport } from '../sync/drain/deps.ts';
import { drainOutbox } from '../sync/drain/loop.ts';
import { BACKGROUND_SYNC_TAG, defaultSyncDeps } from '../sync/drain/sync-engine.ts';

/** A denúncia of the integrity channel waits a few seconds after the rest: the worker stays up for it. */
const INTEGRITY_WAIT_MS = 35_000;

async function drainWaitingForIntegrity(): Promise<DrainReport> {
  let report = await drainOutbox(defaultSyncDeps(), { resetBackoff: true });
  for (let i = 0; i < 3 && !report.offline && report.integrityAt !== undefined && report.integrityAt - Date.now() < INTEGRITY_WAIT_MS; i++) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, report.integrityAt! - Date.now()) + 50));
    report = await drainOutbox(defaultSyncDeps());
  }
  return report;
}

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

export function drainOnBackgroundSync(self: ServiceWorkerGlobalScope): void {
  self.addEventListener('sync', (event) => {
    const sync = event as SyncEvent;
    if (sync.tag !== BACKGROUND_SYNC_TAG) return;
    sync.waitUntil(
      drainWaitingForIntegrity().then((report) => {
        // Failing the event makes the browser try again later, with its own backoff.
        if (report.offline && !sync.lastChance) throw new Error('outbox still waiting for the network');
      }),
    );
  });
}
