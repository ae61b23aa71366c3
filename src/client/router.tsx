/**
 * A small History-API router: real pt-BR URLs, pages loaded on demand, links intercepted once at the
 * document so plain <a href> in the static shell and in pages behave the same.
 */
import type { AnchorHTMLAttributes, ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

type PageModule = { default: ComponentType<PageProps> };

interface RouteDefinition {
  pattern: string;
  load: () => Promise<PageModule>;
}

export const routes: RouteDefinition[] = [
  { pattern: '/', load: () => import('./pages/home-page.tsx') },
  { pattern: '/buscar', load: () => import('./pages/search-page.tsx') },
  { pattern: '/secretarias/:id', load: () => import('./pages/secretariat-page.tsx') },
  { pattern: '/categorias/:id', load: () => import('./pages/category-page.tsx') },
  { pattern: '/momentos/:id', load: () => import('./pages/life-event-page.tsx') },
  { pattern: '/servicos/:id', load: () => import('./pages/service-page.tsx') },
  { pattern: '/servicos/:id/solicitar', load: () => import('./pages/form-page.tsx') },
  { pattern: '/servicos/:id/avaliar', load: () => import('./pages/evaluate-page.tsx') },
  { pattern: '/minhas-solicitacoes', load: () => import('./pages/my-requests-page.tsx') },
  { pattern: '/minhas-solicitacoes/:id', load: () => import('./pages/request-detail-page.tsx') },
  { pattern: '/sobre', load: () => import('./pages/about-page.tsx') },
];
const notFound = (): Promise<PageModule> => import('./pages/not-found-page.tsx');

export interface Location {
  path: string;
  query: URLSearchParams;
}

export interface RouteMatch {
  params: Record<string, string>;
  load: () => Promise<PageModule>;
  pattern: string | null;
}

export function matchRoute(path: string): RouteMatch {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const patternParts = route.pattern.split('/').filter(Boolean);
    if (patternParts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = patternParts.every((segment, i) => {
      if (segment.startsWith(':')) {
        try {
          params[segment.slice(1)] = decodeURIComponent(parts[i]!);
        } catch {
          return false;
        }
        return true;
      }
      return segment === parts[i];
    });
    if (matches) return { params, load: route.load, pattern: route.pattern };
  }
  return { params: {}, load: notFound, pattern: null };
}

function readLocation(): Location {
  return { path: window.location.pathname.replace(/\/+$/, '') || '/', query: new URLSearchParams(window.location.search) };
}

type Listener = (location: Location, kind: 'push' | 'replace' | 'pop') => void;
const listeners = new Set<Listener>();
let current: Location = typeof window === 'undefined' ? { path: '/', query: new URLSearchParams() } : readLocation();

function notify(kind: 'push' | 'replace' | 'pop'): void {
  current = readLocation();
  for (const listener of listeners) listener(current, kind);
}

export function currentLocation(): Location {
  return current;
}

export function onNavigate(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = new URL(path, window.location.origin);
  const target = url.pathname + url.search + url.hash;
  if (target === window.location.pathname + window.location.search + window.location.hash && !options.replace) return;
  if (options.replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  notify(options.replace ? 'replace' : 'push');
}

/** Only same-document navigations are handled here; files, the API and new tabs go to the browser. */
function isAppUrl(url: URL): boolean {
  return url.origin === window.location.origin && !url.pathname.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(url.pathname);
}

export function startRouter(): void {
  window.addEventListener('popstate', () => notify('pop'));
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download') || !anchor.href) return;
    const url = new URL(anchor.href);
    if (!isAppUrl(url)) return;
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => onNavigate((next) => setLocation(next)), []);
  return location;
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return <a {...props} />;
}
