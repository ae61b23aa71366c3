/**
 * The app's copy on the phone, saved in tiers instead of Workbox's own install. Workbox fetches the
 * precache one file at a time (45 files × a 400 ms round trip is 20 s on slow 3G before any transfer)
 * and one failed request throws the whole install away. Here:
 * - a first install saves only the shell (a handful of files, the scripts already in the HTTP cache from
 *   the page's own load), so the worker activates and controls the page within seconds: an address
 *   opened tomorrow with no signal gets the app, not the browser's error page;
 * - after activation the rest follows, the pages before the install icons, a few files at a time;
 * - an update (an older version is active) saves everything before it may take over: the person keeps
 *   using the old version meanwhile, and switching must not lose pages that opened offline before;
 * - every file is retried; what arrived stays in the cache (nothing is deleted when an attempt fails),
 *   and the next attempt, on the next visit or when the signal returns, fetches only what is missing.
 * Files go into Workbox's cache under Workbox's cache keys, so its PrecacheRoute serves them.
 */
import { copyResponse } from 'workbox-core';
import { PrecacheController } from 'workbox-precaching';
import {
  OFFLINE_COPY_STATUS, RESUME_OFFLINE_COPY, type CopyTier, type OfflineCopyEntry, type OfflineCopyMessage, type OfflineCopyStatus,
} from './offline-copy-protocol.ts';

/** Chromium opens 6 connections per host for the page and its workers together: leave two to the page. */
const PARALLEL_DOWNLOADS = 4;
/** Waits between attempts at one file, about a minute in all; then the copy waits for the next visit or the signal. */
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
/** A stalled connection must not hold the copy: a file that has not arrived by then is tried again. */
const FILE_TIMEOUT_MS = 45_000;

interface CopyFile {
  url: string;
  cacheKey: string;
  /** Files without a hash in their name (index.html, icons) are revalidated with the server; hashed ones may come from the HTTP cache. */
  revisioned: boolean;
  tier: CopyTier;
  bytes: number;
}

/** A failure that another attempt cannot fix (the file is gone from the server, the phone is full). */
class PermanentFailure extends Error {}

/** Waits between attempts; a page saying the signal is back (RESUME_OFFLINE_COPY) ends every wait at once. */
const backoff = {
  waiting: new Set<() => void>(),
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
    });
  },
  wakeAll(): void {
    for (const done of [...this.waiting]) done();
  },
};

/** Sets up the copy and returns the controller that serves it (for the precache and navigation routes). */
export function registerOfflineCopy(self: ServiceWorkerGlobalScope, manifest: OfflineCopyEntry[]): PrecacheController {
  const precache = new PrecacheController();
  precache.addToCacheList(manifest.map(({ url, revision }) => ({ url, revision })));
  const files = copyFilesOf(self, manifest, precache.getURLsToCacheKeys());
  const copy = createCopyRuns(self, () => self.caches.open(precache.strategy.cacheName), files);

  self.addEventListener('install', (event) => {
    const updating = self.registration.active !== null;
    const wanted = updating ? files : files.filter((file) => file.tier === 'shell');
    event.waitUntil(
      copy.saveMissing(wanted).then((saved) => {
        // Failing the install keeps the files saved so far; the next registration resumes from them.
        if (!saved) throw new Error('The app shell could not be saved; trying again on the next visit.');
      }),
    );
  });

  self.addEventListener('activate', (event) => {
    // Drops files of older versions: quick, and fetch events wait for activation to end.
    void precache.activate(event);
    // Not inside waitUntil for the same reason; pages also ask for it (RESUME_OFFLINE_COPY), which keeps this worker alive.
    void copy.continueCopy();
  });

  self.addEventListener('message', (event: ExtendableMessageEvent) => {
    if ((event.data as { type?: string } | null)?.type !== RESUME_OFFLINE_COPY) return;
    const source = event.source as Client | null;
    backoff.wakeAll();
    event.waitUntil(Promise.all([source ? copy.tell([source]) : undefined, copy.continueCopy()]));
  });

  return precache;
}

/** The manifest's files with their cache keys, in the build's order (tier by tier); the one entry without a tier comes last. */
function copyFilesOf(self: ServiceWorkerGlobalScope, manifest: OfflineCopyEntry[], keys: Map<string, string>): CopyFile[] {
  return manifest.map((entry) => {
    const url = new URL(entry.url, self.location.href).href;
    return { url, cacheKey: keys.get(url)!, revisioned: Boolean(entry.revision), tier: entry.tier ?? 'extras', bytes: entry.bytes ?? 0 };
  });
}

/** The runs that save what is missing, and the reports of progress to the pages. */
function createCopyRuns(self: ServiceWorkerGlobalScope, openCache: () => Promise<Cache>, files: CopyFile[]) {
  let stalled = false;
  let running: Promise<void> | undefined;

  async function tell(clients: readonly Pick<Client, 'postMessage'>[]): Promise<void> {
    const message: OfflineCopyMessage = { type: OFFLINE_COPY_STATUS, status: statusOf(files, await savedUrls(await openCache()), stalled) };
    for (const client of clients) client.postMessage(message);
  }

  // Uncontrolled pages too: during the first install no page is controlled yet.
  const tellEveryPage = async () => tell(await self.clients.matchAll({ type: 'window', includeUncontrolled: true }));

  /** Saves what is missing of `wanted`, in order (so tier by tier), a few at a time. Resolves true when all of it is in the cache. */
  async function saveMissing(wanted: CopyFile[]): Promise<boolean> {
    const cache = await openCache();
    const saved = await savedUrls(cache);
    const queue = wanted.filter((file) => !saved.has(file.cacheKey));
    let gaveUp = false;
    const lane = async () => {
      // One file given up means no signal or a server in trouble: start no other, resume later.
      for (let file = queue.shift(); file && !gaveUp; file = queue.shift()) {
        if (await saveWithRetries(cache, file)) await tellEveryPage().catch(() => undefined);
        else gaveUp = true;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_DOWNLOADS }, lane));
    return !gaveUp && queue.length === 0;
  }

  /** One run at a time; a run asked for while another is going joins it. */
  function continueCopy(): Promise<void> {
    running ??= (async () => {
      stalled = false;
      stalled = !(await saveMissing(files));
      await tellEveryPage();
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return { tell, saveMissing, continueCopy };
}

async function savedUrls(cache: Cache): Promise<Set<string>> {
  return new Set((await cache.keys()).map((request) => request.url));
}

function statusOf(files: readonly CopyFile[], saved: ReadonlySet<string>, stalled: boolean): OfflineCopyStatus {
  const status: OfflineCopyStatus = { shellSaved: true, complete: true, savedBytes: 0, totalBytes: 0, stalled };
  for (const file of files) {
    status.totalBytes += file.bytes;
    if (saved.has(file.cacheKey)) {
      status.savedBytes += file.bytes;
    } else {
      status.complete = false;
      if (file.tier === 'shell') status.shellSaved = false;
    }
  }
  return status;
}

async function saveFile(cache: Cache, file: CopyFile): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), FILE_TIMEOUT_MS);
  try {
    const request = new Request(file.url, { cache: file.revisioned ? 'no-cache' : 'default', credentials: 'same-origin', signal: abort.signal });
    const response = await fetch(request);
    if (!response.ok) {
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      throw retryable ? new Error(`HTTP ${response.status}`) : new PermanentFailure(`HTTP ${response.status}`);
    }
    // A redirected response cannot answer a navigation; a copy without the flag can.
    const body = response.redirected ? await copyResponse(response) : response;
    // The body is read here: a connection cut half-way rejects, and the file is tried again.
    await cache.put(file.cacheKey, body);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'QuotaExceededError') throw new PermanentFailure(error.message);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Tries one file until it is saved (true) or there is no point going on (false). */
async function saveWithRetries(cache: Cache, file: CopyFile): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await saveFile(cache, file);
      return true;
    } catch (error) {
      if (error instanceof PermanentFailure || attempt >= RETRY_DELAYS_MS.length) return false;
      await backoff.wait(RETRY_DELAYS_MS[attempt]!);
    }
  }
}
