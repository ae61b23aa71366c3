/**
 * Every trigger that sends the outbox and asks for news from a page: start-up, the browser's `online`
 * event, coming back to the foreground, and (inside requestSync) a timer while work waits. "Enviar agora"
 * calls requestSync('manual') itself; the service worker's Background Sync is src/sw/background-sync.ts.
 */
import { setOnline } from '../state/app-store.ts';
import { configureSync, onSyncReport, requestSync } from '../../../sync/drain/sync-engine.ts';
import { getOutboxDb } from '../../../sync/outbox/db.ts';
import { refreshOpenStatuses } from '../../../sync/status/status-reader.ts';

let started = false;
/** News is asked for at most this often by the automatic triggers (opening the list always asks). */
const NEWS_EVERY_MS = 60_000;
let newsAskedAt = 0;

function askForNews(): void {
  if (Date.now() - newsAskedAt < NEWS_EVERY_MS) return;
  newsAskedAt = Date.now();
  void refreshOpenStatuses(getOutboxDb(), (input, init) => fetch(input, init));
}

export function startSyncTriggers(): void {
  if (started) return;
  started = true;
  configureSync({ onNetwork: setOnline });
  onSyncReport((report) => {
    // Newly sent requests are followed by the push subscription too, when the person asked for notices.
    if (report.sent > 0) void import('./push-subscription.ts').then((m) => m.updateFollowedRequests());
  });
  void requestSync('startup');
  askForNews();
  window.addEventListener('online', () => {
    void requestSync('online');
    newsAskedAt = 0;
    askForNews();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    void requestSync('visible');
    askForNews();
  });
}
