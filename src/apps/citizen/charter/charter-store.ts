/**
 * The charter as the UI sees it. The cache itself (Dexie, download, contract check) runs in a worker
 * started after the shell has painted, so it never weighs on the first screen or blocks a tap.
 */
import { createStore } from 'zustand/vanilla';
import type { Charter } from '../../../shared/contract/charter.ts';
import { whenShellSafe } from '../pwa/offline-copy.ts';
import { setOnline } from '../state/app-store.ts';
import type { RefreshOutcome } from './charter-cache.ts';
import type { StoredCharter } from './charter-db.ts';
import type { CharterWorkerReply, CharterWorkerRequest } from './charter-worker-protocol.ts';

export interface CharterState {
  charter: Charter | undefined;
  loading: boolean;
  /** When the stored version was last confirmed by the server. */
  updatedAt?: string;
  /** When this version was written on the phone. */
  storedAt?: string;
  bytes?: number;
  error?: string;
  refreshing: boolean;
}

export const charterStore = createStore<CharterState>()(() => ({ charter: undefined, loading: true, refreshing: false }));

/** A refresh costs one 304 when nothing changed; still, no more than once a minute. */
const MIN_REFRESH_INTERVAL_MS = 60_000;
let lastRefresh = 0;
let worker: Worker | undefined;
let started: Promise<void> | undefined;
let firstRefreshDone: (() => void) | undefined;

type SearchReply = Extract<CharterWorkerReply, { type: 'searched' }>;
const searchListeners = new Set<(reply: SearchReply) => void>();

/** Search runs in the charter worker (see search/search-client.ts): its answers go to these listeners. */
export function onSearchReply(listener: (reply: SearchReply) => void): () => void {
  searchListeners.add(listener);
  return () => searchListeners.delete(listener);
}

export function sendToCharterWorker(request: CharterWorkerRequest): void {
  if (!worker) {
    worker = new Worker(new URL('./charter-worker.ts', import.meta.url), { type: 'module', name: 'carta-de-servicos' });
    worker.addEventListener('message', (event: MessageEvent<CharterWorkerReply>) => receive(event.data));
  }
  worker.postMessage(request);
}

function showStored(stored: StoredCharter): void {
  charterStore.setState({ charter: stored.charter, updatedAt: stored.checkedAt, storedAt: stored.storedAt, bytes: stored.bytes, error: undefined, loading: false });
}

function receive(reply: CharterWorkerReply): void {
  if (reply.type === 'searched') {
    searchListeners.forEach((listener) => listener(reply));
    return;
  }
  if (reply.type === 'stored') {
    if (reply.stored) showStored(reply.stored);
    else if (reply.error) charterStore.setState({ error: 'Não foi possível ler os dados salvos no aparelho.' });
    return;
  }
  if (reply.type === 'confirmed') {
    charterStore.setState({ refreshing: false, updatedAt: reply.checkedAt });
    setOnline(true);
  } else {
    applyOutcome(reply.outcome);
  }
  firstRefreshDone?.();
  firstRefreshDone = undefined;
}

function applyOutcome(outcome: RefreshOutcome): void {
  charterStore.setState({ refreshing: false });
  if (outcome.status === 'updated' || outcome.status === 'unchanged') {
    setOnline(true);
    showStored(outcome.stored);
    return;
  }
  if (outcome.status === 'unreachable') setOnline(false);
  const hasCharter = charterStore.getState().charter !== undefined;
  charterStore.setState({
    loading: false,
    error: hasCharter
      ? undefined
      : outcome.status === 'unreachable'
        ? 'Sem internet. Conecte-se uma vez para baixar os serviços; depois eles ficam guardados no aparelho.'
        : 'Não foi possível baixar a Carta de Serviços agora. Tente de novo mais tarde.',
  });
}

/**
 * Shows the stored charter, then asks the server whether there is a newer one. Resolves after that answer.
 * On a first visit it starts once the app shell is saved: the shell gets the bandwidth first.
 */
export function ensureCharterLoaded(): Promise<void> {
  if (started) return started;
  // Counts as refreshing while it waits, so a refresh asked for meanwhile does not jump the queue.
  charterStore.setState({ refreshing: true });
  started = whenShellSafe().then(
    () =>
      new Promise<void>((resolve) => {
        firstRefreshDone = resolve;
        sendToCharterWorker({ type: 'load' });
        lastRefresh = Date.now();
        sendToCharterWorker({ type: 'refresh' });
      }),
  );
  return started;
}

export function refreshCharterNow(options: { force?: boolean } = {}): void {
  if (!started) {
    void ensureCharterLoaded();
    return;
  }
  if (charterStore.getState().refreshing) return;
  if (!options.force && Date.now() - lastRefresh < MIN_REFRESH_INTERVAL_MS) return;
  lastRefresh = Date.now();
  charterStore.setState({ refreshing: true });
  sendToCharterWorker({ type: 'refresh' });
}
