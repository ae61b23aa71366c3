import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const BUILD_MISSING_PAGE = `<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conecta Conquista</title></head>
<body><h1>Conecta Conquista</h1>
<p>O aplicativo ainda não foi construído. Rode <code>npm run build</code> (ou <code>npm start</code>, que constrói sozinho) e recarregue esta página.</p>
<p>A API já funciona: <a href="/api/health">/api/health</a>.</p></body></html>
`;

export interface StaticSite {
  /**
   * Answers a deep link with the shell of the app that owns the path: the back office's
   * gestao/index.html under /gestao, the citizen's index.html elsewhere (or the "build first" page when
   * there is no build). Undefined when the path belongs to an app that is not in the build.
   */
  sendShell(reply: FastifyReply, path: string): FastifyReply | undefined;
}

/** The back office's pages: /gestao and below. */
export function isBackOfficePath(path: string): boolean {
  return path === '/gestao' || path.startsWith('/gestao/');
}

const BACK_OFFICE_SHELL = 'gestao/index.html';

/**
 * Serves the built PWA from dist/: content-hashed files under /assets/ are cached for a year, everything
 * else (index.html, sw.js, the manifest, icons) is revalidated on every use so an update is seen at once.
 */
export async function registerStatic(app: FastifyInstance, staticDir: string | undefined): Promise<StaticSite> {
  const root = staticDir ? resolve(staticDir) : undefined;
  if (!root || !existsSync(join(root, 'index.html'))) {
    app.get('/', async (_request, reply) => reply.header('cache-control', REVALIDATE).type('text/html; charset=utf-8').send(BUILD_MISSING_PAGE));
    return { sendShell: (reply) => reply.header('cache-control', REVALIDATE).type('text/html; charset=utf-8').send(BUILD_MISSING_PAGE) };
  }
  const hasBackOffice = existsSync(join(root, BACK_OFFICE_SHELL));
  const assetsDir = join(root, 'assets') + sep;
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    cacheControl: false,
    index: ['index.html'],
    // Build by-products such as .vite/manifest.json, and any other dot path, are not part of the site.
    allowedPath: (pathName) => !pathName.split('/').some((segment) => segment.startsWith('.')),
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.startsWith(assetsDir) ? IMMUTABLE : REVALIDATE);
    },
  });
  return {
    sendShell: (reply, path) => {
      // Never the citizen's shell for a back-office address: a build without it answers 404.
      if (isBackOfficePath(path)) return hasBackOffice ? reply.header('cache-control', REVALIDATE).sendFile(BACK_OFFICE_SHELL) : undefined;
      return reply.header('cache-control', REVALIDATE).sendFile('index.html');
    },
  };
}
