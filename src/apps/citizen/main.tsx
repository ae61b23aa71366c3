/**
 * Boot: everything here is on the first screen's budget. Dexie, the service worker registration, the
 * outbox and the charter download all load after the first paint.
 */
import { render } from 'preact';
import { App, loadPage } from './layout/app.tsx';
import { Banners } from './layout/banners.tsx';
import { HeaderStatus } from './layout/header-status.tsx';
import { wireShell } from './layout/shell.ts';
import { currentLocation, startRouter } from '../common/navigation.tsx';
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

/** Runs a task once the page has loaded and the main thread is idle, so start-up work never delays a tap. */
// The charter first (it fills the screen), then the rest, each in its own idle slot.
whenIdle(() => void import('./charter/charter-store.ts').then((m) => m.ensureCharterLoaded()), 500);
whenIdle(() => void import('./pwa/register-sw.ts').then((m) => m.registerServiceWorker()), 3000);
whenIdle(() => void import('./outbox-ui/start-sync.ts').then((m) => m.startSyncTriggers()), 4000);
whenIdle(() => void import('./pwa/storage.ts').then((m) => m.requestPersistentStorage()), 5000);
