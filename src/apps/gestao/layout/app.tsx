import type { ComponentType } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { navigate, useLocation, type Location, type PageProps } from '../../common/navigation.tsx';
import { matchRoute, type PageAccess } from '../routes.ts';
import { useSession, type SessionState } from '../session.ts';
import { moveFocusToPage } from '../../common/focus.ts';
import { HOME_PATH, SIGN_IN_PATH } from '../paths.ts';

interface LoadedPage {
  key: string;
  Page: ComponentType<PageProps>;
  props: PageProps;
}

/** Where a page may not be shown yet: null when it may, else what to do instead. */
function gate(access: PageAccess, session: SessionState): 'wait' | 'sign_in' | 'forbidden' | null {
  if (access === 'public') return null;
  if (session.status === 'unknown') return 'wait';
  if (session.status !== 'signed_in') return 'sign_in';
  if (access !== 'signed_in' && !session.permissions.includes(access)) return 'forbidden';
  return null;
}

export function signInPath(location: Location): string {
  const back = location.path + (location.query.toString() ? `?${location.query.toString()}` : '');
  return `${SIGN_IN_PATH}${back === HOME_PATH ? '' : `?volta=${encodeURIComponent(back)}`}`;
}

/**
 * Renders the page for the current URL into <main id="conteudo">: pages that need a session send the
 * person to sign in (and back afterwards); a page the role may not open says so. The previous page stays
 * while the next one's code loads, and focus moves to the new page's heading so screen readers announce it.
 */
export function App() {
  const location = useLocation();
  const session = useSession();
  const match = matchRoute(location.path);
  const blocked = gate(match.access, session);
  const [loaded, setLoaded] = useState<LoadedPage | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const shownOnce = useRef(false);

  useEffect(() => {
    if (blocked === 'sign_in') navigate(signInPath(location), { replace: true });
  }, [blocked, location]);

  useEffect(() => {
    if (blocked) return;
    let cancelled = false;
    match.load().then(
      (module) => {
        if (cancelled) return;
        setFailed(false);
        setLoaded({ key: location.path, Page: module.default, props: { params: match.params, query: location.query } });
      },
      () => {
        if (!cancelled) setFailed(true);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [location, blocked, attempt]);

  const shownKey = failed ? 'failed' : blocked ?? loaded?.key;
  useLayoutEffect(() => {
    if (!shownKey || shownKey === 'wait' || shownKey === 'sign_in') return;
    if (!shownOnce.current) {
      shownOnce.current = true;
      return;
    }
    moveFocusToPage();
  }, [shownKey]);

  if (blocked === 'forbidden') {
    return (
      <div class="page stack">
        <h1>Sem acesso a esta página</h1>
        <p>O seu perfil não permite abrir esta página. Se precisar dela, fale com a administração do sistema.</p>
        <p><a href="/gestao/">Ir para o início da gestão</a></p>
      </div>
    );
  }
  if (failed) {
    return (
      <div class="page stack">
        <h1>Não foi possível abrir esta página</h1>
        <p class="notice notice-error">O código desta página não chegou. Confira a conexão e tente de novo.</p>
        <p><button type="button" class="button button-primary" onClick={() => setAttempt((n) => n + 1)}>Tentar de novo</button></p>
      </div>
    );
  }
  if (blocked || !loaded) {
    return (
      <div class="page stack">
        <h1>Gestão da Prefeitura</h1>
        <p>Carregando…</p>
      </div>
    );
  }
  const { Page, props } = loaded;
  return <Page key={loaded.key} {...props} />;
}

