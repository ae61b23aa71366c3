/**
 * What the page, the service worker and the build agree on about the app's copy on the phone: types,
 * message names and the tier order only, so every runtime imports it without pulling in the others' code.
 */

/**
 * The order files are saved in: `shell` opens any address with no signal (index.html, the entry script,
 * the icons the page shows), `pages` are the lazy chunks and workers, `extras` only matter for installing
 * to the home screen. Set at build time by vite.config.ts.
 */
export type CopyTier = 'shell' | 'pages' | 'extras';

export const COPY_TIERS: readonly CopyTier[] = ['shell', 'pages', 'extras'];

/** A precache manifest entry as vite.config.ts writes it: Workbox's fields plus our tier and size. */
export interface OfflineCopyEntry {
  url: string;
  revision: string | null;
  /** Missing on the entry the PWA plugin adds by itself (the web manifest): treated as `extras`. */
  tier?: CopyTier;
  /** Size on disk; weighs the progress shown to the person. */
  bytes?: number;
}

export interface OfflineCopyStatus {
  /** Every `shell` file of this version is in the cache. */
  shellSaved: boolean;
  /** Every file of this version is in the cache: each page opens with no signal. */
  complete: boolean;
  savedBytes: number;
  totalBytes: number;
  /** The last attempt gave up on a file (no signal, or the server kept failing); it resumes on the next visit or when the signal returns. */
  stalled: boolean;
}

/** Page → service worker: report the copy's state now, and go on saving what is missing. */
export const RESUME_OFFLINE_COPY = 'RESUME_OFFLINE_COPY';

/** Service worker → page, after RESUME_OFFLINE_COPY and after each file saved. */
export const OFFLINE_COPY_STATUS = 'OFFLINE_COPY_STATUS';

export type OfflineCopyMessage = { type: typeof OFFLINE_COPY_STATUS; status: OfflineCopyStatus };
