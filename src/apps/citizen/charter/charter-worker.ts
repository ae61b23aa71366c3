/**
 * Runs the charter cache off the main thread: reading IndexedDB, downloading, parsing and checking a
 * charter of hundreds of kilobytes would otherwise block taps on a slow phone. The page receives the
 * charter object ready to use.
 */
import { loadStoredCharter, refreshCharter } from './charter-cache.ts';
import { charterDatabase } from './charter-db.ts';
import type { CharterWorkerReply, CharterWorkerRequest } from './charter-worker-protocol.ts';

const scope = self as unknown as {
  postMessage(message: CharterWorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<CharterWorkerRequest>) => void): void;
};

scope.addEventListener('message', (event) => {
  void handle(event.data);
});

async function handle(request: CharterWorkerRequest): Promise<void> {
  const db = charterDatabase();
  if (request.type === 'load') {
    try {
      scope.postMessage({ type: 'stored', stored: await loadStoredCharter(db) });
    } catch (error) {
      scope.postMessage({ type: 'stored', stored: undefined, error: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  const outcome = await refreshCharter(db, (url, init) => fetch(url, init)).catch((error: unknown) => ({
    status: 'failed' as const,
    error: error instanceof Error ? error.message : String(error),
  }));
  scope.postMessage({ type: 'refreshed', outcome });
}
