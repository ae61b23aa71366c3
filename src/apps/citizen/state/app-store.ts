import { createStore } from 'zustand/vanilla';
import { useStore } from './use-store.ts';

/** Chromium's install event; not in the DOM typings. */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export interface AppState {
  /** Whether the last contact with the server worked (navigator.onLine is only a hint). */
  online: boolean;
  /** A new version of the app is installed and waiting for the person to accept it. */
  updateAvailable: boolean;
  /** Accepts the waiting version; set by the service worker registration. */
  applyUpdate?: () => void;
  installPrompt: BeforeInstallPromptEvent | null;
  /** Running from the home screen. */
  standalone: boolean;
  /** The app's own copy on the phone, as the service worker reports it (pwa/offline-copy.ts). */
  offlineCopy: OfflineCopyState;
}

export interface OfflineCopyState {
  /**
   * checking: not known yet; saving: files still to arrive; saved: every file of this version is on the
   * phone; unavailable: no service worker here (an old or private browser, or registration failed).
   */
  phase: 'checking' | 'saving' | 'saved' | 'unavailable';
  /** A service worker controls this page: a reload with no signal is answered from the phone. */
  controlled: boolean;
  /** Share of this version's files on the phone, 0 to 1. */
  progress: number;
  /** Saving stopped for lack of signal; it resumes when the signal returns or on the next visit. */
  stalled: boolean;
}

export const appStore = createStore<AppState>()(() => ({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  updateAvailable: false,
  installPrompt: null,
  standalone: false,
  offlineCopy: {
    phase: 'checking',
    // Known at once: a repeat visit is controlled from its first request.
    controlled: typeof navigator !== 'undefined' && Boolean(navigator.serviceWorker?.controller),
    progress: 0,
    stalled: false,
  },
}));

export function setOnline(online: boolean): void {
  if (appStore.getState().online !== online) appStore.setState({ online });
}

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}
