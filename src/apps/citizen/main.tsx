/**
 * Boot: everything here is on the first screen's budget. Dexie, the outbox and the charter download load
 * after the first paint; the service worker registers right after it, then the charter (on a first visit
 * it waits for the app shell to be saved), the rest after the charter, in idle time.
 */
import { render } from 'preact';
import { App, loadPage } from './layout/app.tsx';
import { Banners } from './layout/banners.tsx';
import { HeaderStatus } from './layout/header-status.tsx';
import { wireShell } from './layout/shell.ts';
import { currentLocation, startRouter } from '../common/navigation.tsx';
import { registerServiceWorker } from './pwa/register-sw.ts';
import { appStore, setOnline, type BeforeInstallPromptEvent } from './state/app-store.ts';
import { whenIdle } from './ui/when-idle.ts';

// Registered before anything else so an early install offer is not missed.
window.addEventListener('beforeinstallprompt', (event) => {
  event.preventDefault();
  appStore.setState({ installPrompt: event as BeforeInstallPromptEvent });
});
window.addEventListener('appinstalled', () => appStore.setState({ installPrompt: null, standalone: true }));
window.addEventListener('online', () => {
  setOnline(true);
  // Signal is back: a good moment to ask (one 304 when nothing changed) for a newer charter.
  void import('./charter/charter-store.ts').then((m) => m.refreshCharterNow());
});
window.addEventListener('offline', () => setOnline(false));
appStore.setState({
  standalone: window.matchMedia('(display-mode: standalone)').matches || (navigator as Navigator & { standalone?: boolean }).standalone === true,
});

startRouter();
wireShell();

// The static shell of index.html is the first screen, usually painted before this script has arrived.
// Once it has, the service worker registers, before the first page's code is asked for: on HTTP/1.1 its
// script would otherwise wait for a free connection behind a dozen small chunks. Not in idle time: on
// slow 3G a person may leave (or lose the signal) seconds after opening a link, and only a worker with
// the shell saved opens the app tomorrow with no signal. The charter starts with it; on a first visit it
// waits for that shell.
afterFirstPaint(() => {
  registerServiceWorker();
  const charterLoaded = import('./charter/charter-store.ts').then((m) => m.ensureCharterLoaded());
  // The outbox must not depend on the charter: a worker that never answers (its chunk failed, a hung
  // refresh) would leave queued records unsent until someone taps "Enviar agora".
  const atMost = new Promise<void>((resolve) => setTimeout(resolve, CHARTER_WAIT_MS));
  void Promise.race([charterLoaded, atMost]).catch(() => undefined).then(startWhatCanWait);
});

// The static shell's content stays on screen until the first page's code has arrived: no blank flash on 2G.
const main = document.getElementById('conteudo')!;
const bootLocation = currentLocation();
loadPage(bootLocation).then(
  // If the person already moved on (a tap on the static nav), the App loads the new page itself.
  (first) => render(<App first={currentLocation() === bootLocation ? first : undefined} />, main),
  () => render(<App />, main),
);
render(<HeaderStatus />, document.getElementById('estado')!);
render(<Banners />, document.getElementById('avisos')!);

/** How long the outbox's start waits for the charter's first answer. */
const CHARTER_WAIT_MS = 20_000;

/** Start-up work that can wait for the charter (on a first visit the line is busy saving the app), then for idle time. */
function startWhatCanWait(): void {
  whenIdle(() => void import('./outbox-ui/start-sync.ts').then((m) => m.startSyncTriggers()), 4000);
  whenIdle(() => void import('./pwa/storage.ts').then((m) => m.requestPersistentStorage()), 5000);
}

/** Runs a task once the page has painted something: at once if it has, else after the next frame (at most a second: a hidden tab paints nothing). */
function afterFirstPaint(task: () => void): void {
  if (performance.getEntriesByType('paint').length > 0) {
    task();
    return;
  }
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    task();
  };
  requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, 1000);
}
