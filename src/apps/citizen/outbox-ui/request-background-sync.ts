/** Asks Chromium to wake the service worker when signal returns (tag 'conecta-outbox'). A bonus, never relied on. */
import { BACKGROUND_SYNC_TAG } from '../../../sync/drain/sync-engine.ts';

interface SyncCapableRegistration extends ServiceWorkerRegistration {
  sync?: { register(tag: string): Promise<void> };
}

export async function requestBackgroundSync(): Promise<void> {
  if (!('serviceWorker' in navigator) || !('SyncManager' in window)) return;
  try {
    const registration = (await Promise.race([
      navigator.serviceWorker.ready,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000)),
    ])) as SyncCapableRegistration | undefined;
    await registration?.sync?.register(BACKGROUND_SYNC_TAG);
  } catch {
    // Permission refused or not supported: the page's own triggers still send.
  }
}
