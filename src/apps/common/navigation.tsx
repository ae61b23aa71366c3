/**
 * History-API navigation shared by the browser apps: real pt-BR URLs, links intercepted once at the
 * document so plain <a href> in a static shell and in pages behave the same. It knows no route table:
 * each app keeps its own (citizen/routes.ts, gestao/routes.ts), so pages import this file and never
 * the table that imports them.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export type PageModule = { default: ComponentType<PageProps> };

export interface RouteDefinition {
  pattern: string;
  load: () => Promise<PageModule>;
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

export interface RouteMatch {
  params: Record<string, string>;
  load: () => Promise<PageModule>;
  pattern: string | null;
}

/** The first route whose pattern ("/servicos/:id") matches the path, else the not-found page. */
export function matchRoute(routes: readonly RouteDefinition[], notFound: () => Promise<PageModule>, path: string): RouteMatch {
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
/** The path prefix this app owns ('' for the citizen app at the root, '/gestao' for the back office). */
let basePath = '';

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

/**
 * A page's redirect made after it renders (in an effect): it replaces the address only while the address is
 * still `from`. The page stays on screen until the next one's code arrives, and by the time its effect runs
 * the person may already have chosen somewhere else; sending them on would undo their choice.
 */
export function redirectFrom(from: string, to: string): void {
  if (current.path === from) navigate(to, { replace: true });
}

/** Only same-document navigations are handled here; files, the API, other apps and new tabs go to the browser. */
function isAppUrl(url: URL): boolean {
  if (url.origin !== window.location.origin || url.pathname.startsWith('/api/') || /\.[a-z0-9]+$/i.test(url.pathname)) return false;
  const insideBase = basePath === '' || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
  // The citizen app at the root never takes over a link into the back office (another app, another page load).
  const otherApp = basePath === '' && (url.pathname === '/gestao' || url.pathname.startsWith('/gestao/'));
  return insideBase && !otherApp;
}

export function startRouter(options: { basePath?: string } = {}): void {
  basePath = options.basePath ?? '';
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
