/**
 * The public panel of how the city keeps its promises (Law 13.460, arts. 14, 15 and 23): per secretariat
 * and per service, over the last 30 days, the last 12 months and each year. No figure ever exposes a
 * person: a count below 5 is published as null ("menos de 5"), and so is anything worked out from it, a
 * share, average or median without 5 on each side, and any count that would let someone subtract their way
 * to a hidden one (server/transparency/publish.ts); no free text is published;
 * integrity reports count only as totals per month.
 */
import * as v from 'valibot';

/** Below this, a count is published as null ("menos de 5"). */
export const SMALL_COUNT = 5;
export const LESS_THAN_FIVE = 'menos de 5';

const count = v.nullable(v.number());
const share = v.nullable(v.number());

const MetricsSchema = v.object({
  /** Requests received in the period. */
  received: count,
  /** Requests closed in the period (concluded or "não atendido"). */
  closed: count,
  /** Of those, the share closed by their deadline (0–1). */
  onTimeShare: share,
  /** Of those, the share closed as "não atendido" (0–1). */
  declinedShare: share,
  /** Calendar days from arrival to closing, without the time spent waiting for the citizen. */
  medianDays: share,
  p90Days: share,
  evaluations: count,
  /** The 1–5 average of the evaluations received in the period. */
  evaluationAverage: share,
  /** Per criterion (the evaluation form's options): the share of evaluations that ticked it as good, and as bad. */
  criteria: v.record(v.string(), v.object({ good: share, bad: share })),
});
export type Metrics = v.InferOutput<typeof MetricsSchema>;

const TrendPointSchema = v.object({ month: v.string(), received: count, closed: count, onTimeShare: share });

const PanelEntrySchema = v.object({
  id: v.string(),
  name: v.string(),
  /** Keys: "ultimos-30-dias", "ultimos-12-meses" and each year ("2026"). */
  periods: v.record(v.string(), MetricsSchema),
  /** Today: open requests and those past their deadline. */
  open: count,
  overdue: count,
  /** The last 12 months, oldest first. */
  trend: v.array(TrendPointSchema),
});
export type PanelEntry = v.InferOutput<typeof PanelEntrySchema>;

const ServiceEntrySchema = v.object({
  ...PanelEntrySchema.entries,
  secretariatId: v.string(),
  /** The promise in the charter: "até 15 dias úteis". */
  promise: v.string(),
});
export type ServiceEntry = v.InferOutput<typeof ServiceEntrySchema>;

const PeriodSchema = v.object({ key: v.string(), label: v.string(), from: v.string(), to: v.string() });

/** A service's promise beside what was done in the last 12 months: the line on its charter page. */
const PromiseLineSchema = v.object({
  serviceId: v.string(),
  secretariatId: v.string(),
  promise: v.string(),
  closed: count,
  onTimeShare: share,
  medianDays: share,
});
type PromiseLine = v.InferOutput<typeof PromiseLineSchema>;

const panelCommon = {
  computedAt: v.string(),
  periods: v.array(PeriodSchema),
  secretariats: v.array(PanelEntrySchema),
  /** Manifestações to the Ouvidoria by type, per period, for the whole city. */
  manifestations: v.record(v.string(), v.record(v.string(), count)),
  /** Art. 23: the bodies with the most complaints (reclamações) in the last 12 months, most first. */
  complaintsRanking: v.array(v.object({ secretariatId: v.string(), name: v.string(), complaints: count })),
  /** Complaints the Ouvidoria has not yet forwarded to a secretariat (so not yet in the ranking). */
  complaintsNotForwarded: count,
  /** Integrity reports: totals per month only. */
  integrityReports: v.array(v.object({ month: v.string(), reports: count })),
};

/** Everything computed at once: what is stored, and what the open data is made of. */
const PanelSnapshotSchema = v.object({ ...panelCommon, services: v.array(ServiceEntrySchema) });
export type PanelSnapshot = v.InferOutput<typeof PanelSnapshotSchema>;

/** GET /api/transparencia: the panel's first screen (secretariats) and every service's promise line. */
export const PanelSummarySchema = v.object({ ...panelCommon, promises: v.array(PromiseLineSchema) });
export type PanelSummary = v.InferOutput<typeof PanelSummarySchema>;

/** GET /api/transparencia/servicos: every service's figures, read when someone opens a secretariat. */
export const PanelServicesSchema = v.object({ computedAt: v.string(), services: v.array(ServiceEntrySchema) });
export type PanelServices = v.InferOutput<typeof PanelServicesSchema>;

export function summaryOf(snapshot: PanelSnapshot): PanelSummary {
  const { services, ...rest } = snapshot;
  return {
    ...rest,
    promises: services.map((service) => {
      const last12 = service.periods['ultimos-12-meses'];
      return {
        serviceId: service.id,
        secretariatId: service.secretariatId,
        promise: service.promise,
        closed: last12?.closed ?? null,
        onTimeShare: last12?.onTimeShare ?? null,
        medianDays: last12?.medianDays ?? null,
      };
    }),
  };
}

export function servicesOf(snapshot: PanelSnapshot): PanelServices {
  return { computedAt: snapshot.computedAt, services: snapshot.services };
}

const percent = (value: number) => `${Math.round(value * 100)}%`;
const days = (value: number) => `${value.toLocaleString('pt-BR', { maximumFractionDigits: 1 })} ${value === 1 ? 'dia' : 'dias'}`;

/** "Prazo prometido: até 15 dias úteis. Cumprido em 87% dos pedidos nos últimos 12 meses (mediana: 9 dias)." */
export function promiseKeptText(line: Pick<PromiseLine, 'promise' | 'closed' | 'onTimeShare' | 'medianDays'>): string {
  const promised = `Prazo prometido: ${line.promise}.`;
  if (line.onTimeShare === null) {
    // A hidden count is not always a small one (it may be hidden to protect another service's): say only
    // that there is not enough to publish.
    if (line.closed === null) return `${promised} Nos últimos 12 meses, ainda não há pedidos encerrados em número suficiente para publicar quantos foram no prazo.`;
    return `${promised} Nos últimos 12 meses, a parte cumprida no prazo não é publicada, para não expor ninguém (há menos de 5 pedidos no prazo ou fora dele, ou o número deixaria calcular outro assim).`;
  }
  const median = line.medianDays === null ? '' : ` (mediana: ${days(line.medianDays)})`;
  return `${promised} Cumprido em ${percent(line.onTimeShare)} dos pedidos nos últimos 12 meses${median}.`;
}

/** The panel's figures as rows (open data): one per secretariat, service, period and metric. */
export interface OpenDataRow {
  secretaria: string;
  servico: string;
  periodo: string;
  metrica: string;
  valor: number | null;
}

export const DATA_DICTIONARY: Record<string, string> = {
  secretaria: 'Identificador da secretaria (ver a Carta de Serviços em /api/charter); "cidade" para o total do município.',
  servico: 'Identificador do serviço; vazio quando a linha é da secretaria inteira.',
  periodo: '"ultimos-30-dias", "ultimos-12-meses", um ano ("2026"), um mês ("2026-03") ou um dia ("2026-11-29", para o que está em aberto naquele dia), no horário da Bahia.',
  metrica: 'O que a linha mede (ver abaixo).',
  valor: 'O número. Vazio (null) quando a contagem é menor que 5 ("menos de 5"); quando é uma proporção e os que têm a característica ou os que não têm são menos de 5 (por isso 0% e 100% não aparecem); quando é uma nota média e as notas somam menos de 5 pontos acima de 1 ou abaixo de 5; quando é uma mediana com menos de 5 pedidos de cada lado (ou um p90 com menos de 50 pedidos); ou quando, publicado, deixaria alguém descobrir uma contagem menor que 5 por subtração, mesmo entre períodos e meses: nenhum dado expõe uma pessoa.',
  recebidos: 'Pedidos recebidos no período.',
  encerrados: 'Pedidos encerrados no período (concluídos ou não atendidos).',
  no_prazo: 'Proporção (0 a 1) dos pedidos encerrados no período que foram encerrados dentro do prazo prometido na Carta de Serviços (o prazo conta dias úteis quando a Carta diz "dias úteis", sem fins de semana nem feriados, e para enquanto o pedido espera uma resposta do cidadão).',
  nao_atendidos: 'Proporção (0 a 1) dos pedidos encerrados no período como "não atendido".',
  mediana_dias: 'Mediana, em dias corridos, do tempo entre a chegada e o encerramento, sem contar o tempo em que o pedido esperou uma resposta do cidadão.',
  p90_dias: 'O tempo, em dias corridos, dentro do qual foram encerrados 90% dos pedidos do período.',
  em_aberto: 'Pedidos em aberto no dia.',
  atrasados: 'Pedidos em aberto no dia que já passaram do prazo (sem contar os que esperam uma resposta do cidadão).',
  avaliacoes: 'Avaliações recebidas no período.',
  nota_media: 'Média das notas das avaliações (1 a 5).',
  'criterio_bom:<criterio>': 'Proporção das avaliações que marcaram o critério como ponto positivo.',
  'criterio_ruim:<criterio>': 'Proporção das avaliações que marcaram o critério como ponto negativo.',
  'manifestacoes:<tipo>': 'Manifestações à Ouvidoria recebidas no período, por tipo (reclamacao, denuncia, sugestao, elogio, solicitacao, simplifique).',
  reclamacoes: 'Reclamações encaminhadas a cada secretaria nos últimos 12 meses (ranking do art. 23 da Lei 13.460); secretaria "ouvidoria-sem-encaminhamento" para as que a Ouvidoria ainda não encaminhou.',
  relatos_integridade: 'Relatos recebidos pelo Canal de Integridade no mês (só o total, sem nenhum detalhe).',
};
