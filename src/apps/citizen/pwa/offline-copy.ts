/**
 * The page's side of the app's copy on the phone (src/sw/offline-copy.ts does the saving): reads the
 * service worker's reports into appStore.offlineCopy, asks it to go on whenever this page could help
 * (opening, the signal returning, coming back to the foreground), and holds the charter download until
 * the app shell is safe.
 */
import { OFFLINE_COPY_STATUS, RESUME_OFFLINE_COPY, type OfflineCopyMessage } from '../../../sw/offline-copy-protocol.ts';
import { appStore, type OfflineCopyState } from '../state/app-store.ts';

/**
 * The charter does not wait longer than this for the shell (a registration that never answers, its
 * code lost on the way): on slow 3G the shell is safe about 3 s after the first paint.
 */
const SHELL_WAIT_MS = 10_000;

function update(patch: Partial<OfflineCopyState>): void {
  appStore.setState((state) => ({ offlineCopy: { ...state.offlineCopy, ...patch } }));
}

export function markOfflineCopyUnavailable(): void {
  update({ phase: 'unavailable' });
}

/** A first install is starting: its worker reports once its script has arrived. */
export function markOfflineCopySaving(): void {
  update({ phase: 'saving', stalled: false });
}

/** The worker's script did not arrive, or its install gave up for lack of signal; the registration tries again when the signal returns. */
export function markOfflineCopyStalled(): void {
  update({ stalled: true });
}

/** Asks the controlling worker for its report and to save what is missing (no-op while nothing controls this page). */
export function resumeOfflineCopy(): void {
  navigator.serviceWorker.controller?.postMessage({ type: RESUME_OFFLINE_COPY });
}

/** Starts listening; call once, before registering, so the first install's reports are not missed. */
export function watchOfflineCopy(): void {
  const container = navigator.serviceWorker;
  container.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as OfflineCopyMessage | null;
    if (data?.type !== OFFLINE_COPY_STATUS) return;
    // Once a worker controls this page only its copy counts: a newer version saving in the background
    // does not make this one any less ready.
    if (container.controller && event.source !== container.controller) return;
    const { status } = data;
    update({
      phase: status.complete ? 'saved' : 'saving',
      progress: status.totalBytes > 0 ? status.savedBytes / status.totalBytes : 0,
      stalled: status.stalled,
    });
  });
  container.addEventListener('controllerchange', () => {
    update({ controlled: container.controller !== null });
    resumeOfflineCopy();
  });
  window.addEventListener('online', resumeOfflineCopy);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') resumeOfflineCopy();
  });
  resumeOfflineCopy();
}

/**
 * Resolves when the charter download may start: at once when a worker already controls this page (a
 * repeat visit) or none can (no service worker here); on a first visit once the shell is saved and
 * controls the page, so the files that open the app offline get the bandwidth first, or once that
 * install has given up (no signal: nothing to wait for).
 */
export function whenShellSafe(): Promise<void> {
  const safe = ({ offlineCopy: copy }: { offlineCopy: OfflineCopyState }) => copy.controlled || copy.phase === 'unavailable' || copy.stalled;
  if (safe(appStore.getState())) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stop();
      clearTimeout(timer);
      resolve();
    };
    const stop = appStore.subscribe((state) => {
      if (safe(state)) done();
    });
    const timer = setTimeout(done, SHELL_WAIT_MS);
  });
}
