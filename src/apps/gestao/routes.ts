/**
 * The back office's route table (every page its own lazy chunk) and who may open each page. Only the
 * layout imports this file, so pages never import the router. The server checks every request anyway:
 * this only keeps a person from landing on a page whose every request would be refused.
 */
import type { Permission } from '../../shared/contract/staff.ts';
import { matchRoute as matchIn, type PageModule, type RouteDefinition, type RouteMatch } from '../common/navigation.tsx';
import { HOME_PATH, SIGN_IN_PATH } from './paths.ts';

/** public: no session needed · signed_in: any full session · a Permission: a session whose roles grant it. */
export type PageAccess = 'public' | 'signed_in' | Permission;

interface GestaoRoute extends RouteDefinition {
  access: PageAccess;
}

export const routes: GestaoRoute[] = [
  { pattern: HOME_PATH, access: 'signed_in', load: () => import('./pages/home-page.tsx') },
  { pattern: SIGN_IN_PATH, access: 'public', load: () => import('./pages/sign-in-page.tsx') },
  { pattern: '/gestao/senha', access: 'public', load: () => import('./pages/password-page.tsx') },
  { pattern: '/gestao/pedidos', access: 'requests.read', load: () => import('./pages/queue-page.tsx') },
  { pattern: '/gestao/pedidos/:id', access: 'requests.read', load: () => import('./pages/request/request-page.tsx') },
  { pattern: '/gestao/contas', access: 'accounts.manage', load: () => import('./pages/accounts-page.tsx') },
  { pattern: '/gestao/carta', access: 'charter.import', load: () => import('./pages/charter-page.tsx') },
  { pattern: '/gestao/auditoria', access: 'audit.read', load: () => import('./pages/audit-page.tsx') },
  { pattern: '/gestao/integridade', access: 'integrity.read', load: () => import('./pages/integrity-list-page.tsx') },
  { pattern: '/gestao/integridade/:id', access: 'integrity.read', load: () => import('./pages/integrity-report-page.tsx') },
  { pattern: '/gestao/plano', access: 'plan.update', load: () => import('./pages/plan-page.tsx') },
  { pattern: '/gestao/radar', access: 'radar.read', load: () => import('./pages/radar-page.tsx') },
  { pattern: '/gestao/radar/semanal', access: 'radar.read', load: () => import('./pages/radar-week-page.tsx') },
  { pattern: '/gestao/relatorio', access: 'report.read', load: () => import('./pages/report-page.tsx') },
];

const notFound = (): Promise<PageModule> => import('./pages/not-found-page.tsx');

export function matchRoute(path: string): RouteMatch & { access: PageAccess } {
  const match = matchIn(routes, notFound, path);
  return { ...match, access: routes.find((route) => route.pattern === match.pattern)?.access ?? 'public' };
}
