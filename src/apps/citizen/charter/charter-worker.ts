/**
 * Runs the charter cache off the main thread: reading IndexedDB, downloading, parsing and checking a
 * charter of hundreds of kilobytes would otherwise block taps on a slow phone. The page receives the
 * charter object ready to use.
 *
 * Search runs here too: building the index of a 5,000-service charter takes hundreds of milliseconds
 * on a slow phone, and each query then a millisecond or two. The page sends the query and gets back
 * which entries match, in order.
 */
import type { Charter } from '../../../shared/contract/charter.ts';
import { buildSearchIndex, searchCharter, type SearchIndex } from '../search/search-index.ts';
import { loadStoredCharter, refreshCharter } from './charter-cache.ts';
import { charterDatabase, type StoredCharter } from './charter-db.ts';
import type { CharterWorkerReply, CharterWorkerRequest } from './charter-worker-protocol.ts';

const scope = self as unknown as {
  postMessage(message: CharterWorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<CharterWorkerRequest>) => void): void;
};

/** The charter the page was last given, and its search index once a search needed it. */
let current: { version: string; charter: Charter; index?: SearchIndex } | undefined;
let firstCharter: (() => void) | undefined;
const charterKnown = new Promise<void>((resolve) => (firstCharter = resolve));

const versionOf = (stored: StoredCharter) => `${stored.etag ?? ''} ${stored.storedAt}`;

/** Remembers the charter handed to the page, keeping the index when it is the same version. */
function keep(stored: StoredCharter | undefined): void {
  if (!stored || current?.version === versionOf(stored)) return;
  current = { version: versionOf(stored), charter: stored.charter };
  firstCharter?.();
}

scope.addEventListener('message', (event) => {
  void handle(event.data);
});

async function handle(request: CharterWorkerRequest): Promise<void> {
  if (request.type === 'search') {
    // The page searches only a charter it was given, so one is on its way if not here yet.
    await charterKnown;
    const searched = current!;
    searched.index ??= buildSearchIndex(searched.charter);
    const hits = request.query.trim() ? searchCharter(searched.index, request.query, request.limit) : [];
    scope.postMessage({ type: 'searched', id: request.id, hits: hits.map(({ kind, id, position }) => ({ kind, id, position })) });
    return;
  }
  const db = charterDatabase();
  if (request.type === 'load') {
    try {
      const stored = await loadStoredCharter(db);
      keep(stored);
      scope.postMessage({ type: 'stored', stored });
    } catch (error) {
      scope.postMessage({ type: 'stored', stored: undefined, error: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  const outcome = await refreshCharter(db, (url, init) => fetch(url, init)).catch((error: unknown) => ({
    status: 'failed' as const,
    error: error instanceof Error ? error.message : String(error),
  }));
  if (outcome.status === 'unchanged' && current?.version === versionOf(outcome.stored)) {
    // Copying a 5,000-service charter to the page again would block it for hundreds of milliseconds.
    scope.postMessage({ type: 'confirmed', checkedAt: outcome.stored.checkedAt });
    return;
  }
  if (outcome.status === 'updated' || outcome.status === 'unchanged') keep(outcome.stored);
  scope.postMessage({ type: 'refreshed', outcome });
}
