/**
 * Every trigger that sends the outbox from a page: start-up, the browser's `online` event, coming
 * back to the foreground, and (inside requestSync) a timer while work waits. "Enviar agora" calls
 * requestSync('manual') itself; the service worker's Background Sync is src/sw/background-sync.ts.
 */
import { setOnline } from '../state/app-store.ts';
import { configureSync, requestSync } from '../../../sync/sync-engine.ts';

let started = false;

export function startSyncTriggers(): void {
  if (started) return;
  started = true;
  configureSync({ onNetwork: setOnline });
  void requestSync('startup');
  window.addEventListener('online', () => void requestSync('online'));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void requestSync('visible');
  });
}
