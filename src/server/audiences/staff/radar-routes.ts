/**
 * The controladoria's risk radar, its thresholds and weekly digest, and the yearly report (Law 13.460,
 * arts. 14 and 15). The radar's CSV is audited like any export (reading the radar on screen is not: it
 * holds counts, names of services and protocols, no one's data); every change of a threshold is audited
 * with the old and new values.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bahiaDay } from '../../../shared/dates.ts';
import { RadarThresholdsSchema, type RadarAnswer } from '../../../shared/contract/radar.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { HttpError, apiError } from '../../http/api-errors.ts';
import type { CharterCache } from '../../domain/current-charter.ts';
import type { Storage } from '../../storage/types.ts';
import { audit } from '../../domain/audit.ts';
import { can } from '../../domain/permissions.ts';
import { computeRadar, radarCsv, readThresholds, updateThresholds } from '../../domain/radar.ts';
import { parseYear, yearlyReport } from '../../domain/yearly-report.ts';

export interface RadarDeps {
  storage: Storage;
  charters: CharterCache;
}

export function radarRoutes(app: FastifyInstance, { storage, charters }: RadarDeps): void {
  async function radarOf(request: FastifyRequest, now: Date): Promise<RadarAnswer> {
    const [{ thresholds, updatedAt }, current] = await Promise.all([readThresholds(storage), charters.current()]);
    const signals = await computeRadar(storage, current?.charter ?? null, thresholds, now, { integrityIds: can(request.actor.account, 'integrity.read') });
    return { computedAt: now.toISOString(), thresholds, thresholdsUpdatedAt: updatedAt?.toISOString() ?? null, signals };
  }

  app.get('/radar', { config: { access: 'radar.read' } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return radarOf(request, new Date());
  });

  app.get('/radar/semanal.csv', { config: { access: 'radar.read' } }, async (request, reply) => {
    const now = new Date();
    const answer = await radarOf(request, now);
    const to = bahiaDay(now);
    const from = bahiaDay(new Date(now.getTime() - 6 * 86_400_000));
    await audit(storage, request.actor, 'radar_export', { target: `${from}/${to}` });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="radar-semanal-${to}.csv"`)
      .header('cache-control', 'no-store')
      .send(radarCsv(answer.signals, from, to));
  });

  app.put('/radar/limiares', { config: { access: 'radar.configure' } }, async (request) => {
    const parsed = parseContract(RadarThresholdsSchema, request.body);
    if (!parsed.ok) {
      const first = Object.values(parsed.fields)[0];
      throw new HttpError(422, apiError('invalid_thresholds', `Limiares não salvos. ${first ?? 'Confira os valores informados.'}`, parsed.fields));
    }
    return updateThresholds(storage, request.actor, parsed.value);
  });

  app.get('/relatorio-anual', { config: { access: 'report.read' } }, async (request, reply) => {
    const now = new Date();
    const year = parseYear((request.query as Record<string, unknown>).ano, now);
    if (!year.ok) throw new HttpError(400, apiError('invalid_year', year.message));
    const current = await charters.current();
    if (!current) throw new HttpError(503, apiError('no_charter', 'A Carta de Serviços ainda não foi instalada: não há relatório a fazer.'));
    reply.header('cache-control', 'no-store');
    return yearlyReport(storage, current.charter, year.year, now);
  });
}
