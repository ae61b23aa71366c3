/**
 * Registers the service worker right after the first screen has painted (main.tsx): the sooner it
 * installs, the sooner an address opened with no signal works. workbox-window's Workbox does the
 * registration, follows new versions and asks the waiting one to take over. It is imported statically
 * (2 KB gzip in the first screen's script) and called after the first paint: importing it on demand cost one
 * more round trip before registering, which delayed the first install by seconds on the slow-3G test.
 * - A first install saves the app shell and takes control (src/sw/offline-copy.ts). If it cannot (no
 *   signal), the registration is tried again when the signal returns; the files saved so far stay.
 * - A new version waits until the person taps "Atualizar agora"; only then does the page reload, once
 *   the new worker has taken control.
 */
import { Workbox } from 'workbox-window';
import { appStore, setOnline } from '../state/app-store.ts';
import { markOfflineCopySaving, markOfflineCopyStalled, markOfflineCopyUnavailable, watchOfflineCopy } from './offline-copy.ts';

const SCRIPT_URL = '/sw.js';

/** Checking on every return to the app would be wasteful on 2G; once every 10 minutes is plenty. */
const MIN_UPDATE_CHECK_INTERVAL_MS = 10 * 60_000;

/** A version waiting to take over: offered to the person, applied only when they tap "Atualizar agora". */
function offerUpdate(workbox: Workbox): void {
  // A first install has nothing to replace: it takes control by itself.
  if (!navigator.serviceWorker.controller) return;
  appStore.setState({
    updateAvailable: true,
    applyUpdate: () => {
      workbox.addEventListener('controlling', () => window.location.reload());
      // To whichever version waits now (a newer one may have replaced the one first offered).
      workbox.messageSkipWaiting();
    },
  });
}

/**
 * Workbox cannot tell a registration the browser refused from one that resolved with nothing (test tools
 * that block service workers do that): ask the browser itself.
 */
async function registrationBlocked(): Promise<boolean> {
  return navigator.serviceWorker.register(SCRIPT_URL, { scope: '/' }).then((registered) => registered === undefined, () => false);
}

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) {
    markOfflineCopyUnavailable();
    return;
  }
  watchOfflineCopy();
  let workbox: Workbox | undefined;
  let registration: ServiceWorkerRegistration | undefined;
  let registering = false;
  let lastCheck = Date.now();

  const register = async () => {
    if (registration || registering) return;
    registering = true;
    if (!navigator.serviceWorker.controller) markOfflineCopySaving();
    try {
      // One instance per attempt: a Workbox cannot register twice.
      const next = new Workbox(SCRIPT_URL, { scope: '/' });
      next.addEventListener('waiting', () => offerUpdate(next));
      next.addEventListener('redundant', () => {
        // A failed first install leaves no registration behind: register again when the signal returns.
        if (registration?.active) return;
        registration = undefined;
        markOfflineCopyStalled();
      });
      // At once, not at the window's load event: on slow 3G the person may leave (or lose the signal) first.
      registration = await next.register({ immediate: true });
      workbox = next;
    } catch (error) {
      // Refused for good (a browser policy, a blocking tool) or the script did not arrive (no signal: tried again later).
      if (error instanceof DOMException && error.name === 'SecurityError') markOfflineCopyUnavailable();
      else if (await registrationBlocked()) markOfflineCopyUnavailable();
      else markOfflineCopyStalled();
    } finally {
      registering = false;
    }
  };

  window.addEventListener('online', () => void register());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    void import('../charter/charter-store.ts').then((m) => m.refreshCharterNow());
    if (!registration || !workbox) {
      void register();
      return;
    }
    if (Date.now() - lastCheck < MIN_UPDATE_CHECK_INTERVAL_MS) return;
    lastCheck = Date.now();
    workbox.update().then(
      () => setOnline(true),
      () => undefined,
    );
  });
  void register();
}
