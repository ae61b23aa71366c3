/**
 * The public panel under /api/transparencia: no sign-in, nothing personal (the snapshot holds only
 * aggregates that passed the small-count rule), every file versioned like the charter. Its own rate
 * limit, so that scraping the open data cannot eat a phone's share of the citizen API.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError, apiError } from '../../http/api-errors.ts';
import { limitRequestsPerClient } from '../../http/rate-limit.ts';
import { sendVersioned } from '../../http/versioned-file.ts';
import { auditChainRoute, type AuditChainRouteOptions } from './audit-chain-route.ts';
import type { PublishedPanel, TransparencyPanel } from '../../domain/transparency/published-panel.ts';

export interface TransparencyApiOptions {
  panel: TransparencyPanel;
  /** The audit log's daily chain hashes (auditoria.json). */
  auditChain: AuditChainRouteOptions;
  rateLimit: { max: number; timeWindow: number | string } | false;
}

const NOT_YET = 'O painel de transparência ainda não foi calculado: a Carta de Serviços ainda não foi publicada. Tente mais tarde.';

export async function transparencyApi(app: FastifyInstance, options: TransparencyApiOptions): Promise<void> {
  if (options.rateLimit) {
    await limitRequestsPerClient(app, options.rateLimit);
  }
  const published = async (): Promise<PublishedPanel> => {
    const panel = await options.panel.current();
    if (!panel) throw new HttpError(503, apiError('no_panel', NOT_YET));
    return panel;
  };
  const file = (path: string, pick: (files: PublishedPanel['files']) => PublishedPanel['files'][keyof PublishedPanel['files']], download?: string) => {
    app.get(path, { compress: false }, async (request, reply) => {
      const panel = await published();
      return sendVersioned(request, reply, pick(panel.files), download ? { 'content-disposition': `attachment; filename="${download}"` } : {});
    });
  };
  file('/', (f) => f.summary);
  file('/servicos', (f) => f.services);
  file('/dados.csv', (f) => f.csv, 'conecta-conquista-transparencia.csv');
  file('/dados.json', (f) => f.json, 'conecta-conquista-transparencia.json');
  file('/dicionario.json', (f) => f.dictionary);
  await auditChainRoute(app, options.auditChain);
}
