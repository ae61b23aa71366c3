/** The citizen app's route table: every page is its own lazy chunk. Only the layout imports this file. */
import { matchRoute as matchIn, type PageModule, type RouteDefinition, type RouteMatch } from '../common/navigation.tsx';

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
  { pattern: '/acompanhar', load: () => import('./pages/follow-up-page.tsx') },
  { pattern: '/sobre', load: () => import('./pages/about-page.tsx') },
  { pattern: '/integridade', load: () => import('./pages/integrity-page.tsx') },
  { pattern: '/transparencia', load: () => import('./pages/transparency-page.tsx') },
];

const notFound = (): Promise<PageModule> => import('./pages/not-found-page.tsx');

export function matchRoute(path: string): RouteMatch {
  return matchIn(routes, notFound, path);
}
