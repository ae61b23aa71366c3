/**
 * Registers the service worker right after the first screen has painted (main.tsx): the sooner it
 * installs, the sooner an address opened with no signal works. Plain service worker calls keep the code
 * the registration waits for small.
 * - A first install saves the app shell and takes control (src/sw/offline-copy.ts). If it cannot (no
 *   signal), the registration is tried again when the signal returns; the files saved so far stay.
 * - A new version waits until the person taps "Atualizar agora"; only then does the page reload, once
 *   the new worker has taken control.
 */
import { appStore, setOnline } from '../state/app-store.ts';
import { markOfflineCopySaving, markOfflineCopyStalled, markOfflineCopyUnavailable, watchOfflineCopy } from './offline-copy.ts';

const SCRIPT_URL = '/sw.js';

/** Checking on every return to the app would be wasteful on 2G; once every 10 minutes is plenty. */
const MIN_UPDATE_CHECK_INTERVAL_MS = 10 * 60_000;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) {
    markOfflineCopyUnavailable();
    return;
  }
  const container = navigator.serviceWorker;
  watchOfflineCopy();
  let registration: ServiceWorkerRegistration | undefined;
  let registering = false;
  let lastCheck = Date.now();
  const followed = new WeakSet<ServiceWorker>();

  const offerUpdate = (worker: ServiceWorker) => {
    // A first install has nothing to replace: it takes control by itself.
    if (!container.controller) return;
    appStore.setState({
      updateAvailable: true,
      applyUpdate: () => {
        container.addEventListener('controllerchange', () => window.location.reload(), { once: true });
        worker.postMessage({ type: 'SKIP_WAITING' });
      },
    });
  };

  const follow = (worker: ServiceWorker | null) => {
    if (!worker || followed.has(worker)) return;
    followed.add(worker);
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed') offerUpdate(worker);
      // A failed first install leaves no registration behind: register again when the signal returns.
      if (worker.state === 'redundant' && !registration?.active) {
        registration = undefined;
        markOfflineCopyStalled();
      }
    });
  };

  const register = async () => {
    if (registration || registering) return;
    registering = true;
    if (!container.controller) markOfflineCopySaving();
    try {
      const registered = await container.register(SCRIPT_URL, { scope: '/' });
      // Test tools that block service workers resolve with nothing.
      if (!registered) {
        markOfflineCopyUnavailable();
        return;
      }
      registration = registered;
      if (registered.waiting) offerUpdate(registered.waiting);
      follow(registered.installing);
      registered.addEventListener('updatefound', () => follow(registered.installing));
    } catch (error) {
      // Refused for good (a browser policy) or the script did not arrive (no signal: tried again later).
      if (error instanceof DOMException && error.name === 'SecurityError') markOfflineCopyUnavailable();
      else markOfflineCopyStalled();
    } finally {
      registering = false;
    }
  };

  window.addEventListener('online', () => void register());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    void import('../charter/charter-store.ts').then((m) => m.refreshCharterNow());
    if (!registration) {
      void register();
      return;
    }
    if (Date.now() - lastCheck < MIN_UPDATE_CHECK_INTERVAL_MS) return;
    lastCheck = Date.now();
    registration.update().then(
      () => setOnline(true),
      () => undefined,
    );
  });
  void register();
}
