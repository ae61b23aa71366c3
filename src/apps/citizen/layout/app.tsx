import type { ComponentType } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useLocation, type Location, type PageProps } from '../../common/navigation.tsx';
import { matchRoute } from '../routes.ts';
import { setOnline, useAppStore } from '../state/app-store.ts';
import { moveFocusToPage } from '../../common/focus.ts';

/** Loads the code of the page for a location. */
export async function loadPage(location: Location): Promise<LoadedPage> {
  const match = matchRoute(location.path);
  const module = await match.load();
  return { key: location.path, Page: module.default, props: { params: match.params, query: location.query } };
}

export interface LoadedPage {
  key: string;
  Page: ComponentType<PageProps>;
  props: PageProps;
}

/**
 * Whether the server answers at all. A failed chunk says nothing about why (no signal, a dropped
 * connection, a file gone after an update), and the page must not tell someone online to connect.
 */
async function serverAnswers(): Promise<boolean> {
  try {
    // AbortSignal.timeout is missing on iPhones before iOS 16: there the fetch simply has no deadline.
    const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(10_000) : undefined;
    await fetch('/api/health', { cache: 'no-store', signal });
    return true;
  } catch {
    return false;
  }
}

interface Failure {
  /** The server did not answer when the page failed: the page opens by itself when the signal returns. */
  offline: boolean;
  /** Failed again after "Tentar de novo". */
  again: boolean;
}

/**
 * Renders the page for the current URL into <main id="conteudo">. The previous page stays on screen
 * while the next one's code loads, and focus moves to the new page's heading so screen readers announce it.
 * A page whose code does not arrive shows why and "Tentar de novo", never a dead end.
 */
export function App({ first }: { first?: LoadedPage }) {
  const location = useLocation();
  const online = useAppStore((s) => s.online);
  const [loaded, setLoaded] = useState<LoadedPage | null>(first ?? null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [retrying, setRetrying] = useState(false);
  const retryAsked = useRef(false);
  const shownOnce = useRef(false);
  const skipFirstLoad = useRef(first !== undefined);

  useEffect(() => {
    // The boot code already loaded the first page before rendering (see loadPage in main.tsx).
    if (skipFirstLoad.current) {
      skipFirstLoad.current = false;
      return;
    }
    const retry = retryAsked.current;
    retryAsked.current = false;
    let cancelled = false;
    loadPage(location).then(
      (page) => {
        if (cancelled) return;
        setFailure(null);
        setRetrying(false);
        setLoaded(page);
      },
      async () => {
        const reachable = await serverAnswers();
        if (cancelled) return;
        setOnline(reachable);
        // Chromium retries a failed import by itself; a browser that keeps the failure in its module
        // map, or a chunk gone after an update, only recovers with a fresh load of this address.
        if (retry && reachable) {
          window.location.reload();
          return;
        }
        setRetrying(false);
        setFailure({ offline: !reachable, again: retry });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [location, attempt]);

  const tryAgain = () => {
    if (retrying) return;
    retryAsked.current = true;
    setRetrying(true);
    setAttempt((n) => n + 1);
  };

  // A page that failed for lack of signal opens by itself when the signal returns.
  useEffect(() => {
    if (online && failure?.offline) tryAgain();
  }, [online]);

  useLayoutEffect(() => {
    if (!loaded && !failure) return;
    if (!shownOnce.current) {
      shownOnce.current = true;
      return;
    }
    moveFocusToPage();
  }, [loaded?.key, failure !== null]);

  if (failure) return <PageLoadFailed online={online} again={failure.again} retrying={retrying} onRetry={tryAgain} />;
  if (!loaded) {
    return (
      <div class="page stack">
        <p class="muted">Carregando…</p>
      </div>
    );
  }
  const { Page, props } = loaded;
  return <Page key={loaded.key} {...props} />;
}

/** What went wrong in words that match the header's connection line (both read the same store). */
function PageLoadFailed({ online, again, retrying, onRetry }: { online: boolean; again: boolean; retrying: boolean; onRetry: () => void }) {
  return (
    <div class="page stack" data-testid="page-load-failed">
      <h1>Não foi possível abrir esta página</h1>
      <div class="notice notice-error stack">
        {online ? (
          <p>Esta página não chegou inteira ao aparelho. A internet está funcionando: toque em “Tentar de novo”.</p>
        ) : (
          <p>Você está sem internet, e esta página ainda não foi guardada no aparelho. Ela abre sozinha quando a conexão voltar, ou toque em “Tentar de novo”.</p>
        )}
        {again && !retrying ? <p role="status">Tentamos de novo e ainda não deu certo.</p> : null}
      </div>
      <div class="button-row">
        <button type="button" class="button button-primary" aria-disabled={retrying ? 'true' : undefined} onClick={onRetry}>
          {retrying ? 'Tentando…' : 'Tentar de novo'}
        </button>
        <a class="button button-secondary" href="/">Ir para o início</a>
      </div>
    </div>
  );
}

