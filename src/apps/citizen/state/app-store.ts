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
}

export const appStore = createStore<AppState>()(() => ({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  updateAvailable: false,
  installPrompt: null,
  standalone: false,
}));

export function setOnline(online: boolean): void {
  if (appStore.getState().online !== online) appStore.setState({ online });
}

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}
