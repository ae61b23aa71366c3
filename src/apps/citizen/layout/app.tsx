import type { ComponentType } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useLocation, type Location, type PageProps } from '../../common/navigation.tsx';
import { matchRoute } from '../routes.ts';

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
 * Renders the page for the current URL into <main id="conteudo">. The previous page stays on screen
 * while the next one's code loads, and focus moves to the new page's heading so screen readers announce it.
 */
export function App({ first }: { first?: LoadedPage }) {
  const location = useLocation();
  const [loaded, setLoaded] = useState<LoadedPage | null>(first ?? null);
  const [failed, setFailed] = useState(false);
  const firstRender = useRef(true);
  const skipFirstLoad = useRef(first !== undefined);

  useEffect(() => {
    // The boot code already loaded the first page before rendering (see loadPage in main.tsx).
    if (skipFirstLoad.current) {
      skipFirstLoad.current = false;
      return;
    }
    let cancelled = false;
    loadPage(location)
      .then((page) => {
        if (cancelled) return;
        setFailed(false);
        setLoaded(page);
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
    };
  }, [location]);

  useLayoutEffect(() => {
    if (!loaded) return;
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    moveFocusToPage();
  }, [loaded?.key]);

  if (failed) {
    return (
      <div class="page stack">
        <h1>Não foi possível abrir esta página</h1>
        <p class="notice notice-error">Esta parte do aplicativo ainda não foi salva no aparelho. Conecte-se à internet e tente de novo.</p>
      </div>
    );
  }
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

function moveFocusToPage(): void {
  window.scrollTo(0, 0);
  const main = document.getElementById('conteudo');
  const heading = main?.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  } else {
    main?.focus();
  }
}
