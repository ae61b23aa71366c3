/**
 * Service worker registration with workbox-window. A new version waits until the person taps
 * "Atualizar agora"; only then does the page reload, once the new worker has taken control.
 */
import { Workbox } from 'workbox-window';
import { appStore, setOnline } from '../state/app-store.ts';

/** Checking on every return to the app would be wasteful on 2G; once every 10 minutes is plenty. */
const MIN_UPDATE_CHECK_INTERVAL_MS = 10 * 60_000;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  const workbox = new Workbox('/sw.js', { scope: '/' });
  let lastCheck = Date.now();

  workbox.addEventListener('waiting', () => {
    appStore.setState({
      updateAvailable: true,
      applyUpdate: () => {
        workbox.addEventListener('controlling', () => window.location.reload());
        workbox.messageSkipWaiting();
      },
    });
  });

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    void import('../charter/charter-store.ts').then((m) => m.refreshCharterNow());
    if (Date.now() - lastCheck < MIN_UPDATE_CHECK_INTERVAL_MS) return;
    lastCheck = Date.now();
    workbox.update().then(
      () => setOnline(true),
      () => undefined,
    );
  });

  void workbox.register().catch(() => undefined);
}
