/**
 * The integrity channel under /api/integridade: reports, follow-up by receipt, more information from the
 * reporter. Its own plugin, with limits of its own: a receipt guess costs a slow hash and counts against a
 * per-address limit kept only in memory; many wrong receipts in a short time raise an alarm in the audit log
 * (with no address: nothing of the guesser is stored either). Nothing here logs or stores an IP address,
 * a user agent or a time finer than the day.
 */
import type { FastifyInstance } from 'fastify';
import { FollowUpRequestSchema } from '../../../shared/contract/integrity.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { HttpError, apiError } from '../../http/api-errors.ts';
import { limitRequestsPerClient } from '../../http/rate-limit.ts';
import { etagMatches } from '../../http/versioned-file.ts';
import { guessAlarm } from '../../domain/guess-alarm.ts';
import { servedContent } from '../../domain/integrity/content.ts';
import { acceptReport, acceptReporterMessage, findByReceipt, followUp, type IntegrityDeps } from '../../domain/integrity/reports.ts';

const notFound = () => new HttpError(404, apiError('not_found', 'Recibo não encontrado. Confira os 16 números.'));

export async function integrityApi(app: FastifyInstance, deps: IntegrityDeps & { receiptLookupsPerMinute?: number }): Promise<void> {
  await limitRequestsPerClient(app, { max: 30, timeWindow: '1 minute' });
  const lookupLimit = { rateLimit: { max: deps.receiptLookupsPerMinute ?? 10, timeWindow: '1 minute' } };

  const wrongReceipt = guessAlarm(deps.storage, 'receipt_guessing_alarm', (n) => `${n} recibos errados em 10 minutos`);

  // The Code of Ethics and the Integrity Plan: public, cached on the phone, revalidated with If-None-Match.
  app.get('/conteudo', async (request, reply) => {
    const served = await servedContent(deps.storage);
    if (!served) throw new HttpError(503, apiError('no_content', 'O Código de Ética e o Plano de Integridade ainda não foram publicados.'));
    reply.header('etag', served.etag).header('cache-control', 'no-cache').header('content-type', 'application/json; charset=utf-8');
    if (etagMatches(request.headers['if-none-match'], served.etag)) return reply.code(304).send();
    return reply.send(served.body);
  });

  app.post('/relatos', { bodyLimit: 12 * 1024 * 1024 }, async (request, reply) => {
    const outcome = await acceptReport(deps, request.body);
    reply.header('cache-control', 'no-store');
    if ('error' in outcome) return reply.code(outcome.status).send(outcome.error);
    return reply.code(outcome.status).send({ receipt: outcome.receipt, receivedDay: outcome.receivedDay });
  });

  app.post('/acompanhar', { config: lookupLimit, bodyLimit: 1024 }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const parsed = parseContract(FollowUpRequestSchema, request.body);
    // A malformed receipt costs the same slow hash as a wrong one: the answer's time says nothing.
    const reportId = await findByReceipt(deps, parsed.ok ? parsed.value.receipt : '0000000000000000');
    if (!parsed.ok || !reportId) {
      await wrongReceipt();
      throw notFound();
    }
    return followUp(deps, reportId);
  });

  app.post('/mensagens', { config: lookupLimit, bodyLimit: 12 * 1024 * 1024 }, async (request, reply) => {
    const outcome = await acceptReporterMessage(deps, request.body);
    reply.header('cache-control', 'no-store');
    if ('error' in outcome) {
      if (outcome.status === 404) await wrongReceipt();
      return reply.code(outcome.status).send(outcome.error);
    }
    return reply.code(outcome.status).send({ ok: true });
  });
}
