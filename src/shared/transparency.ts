/**
 * The public panel of how the city keeps its promises (Law 13.460, arts. 14, 15 and 23): per secretariat
 * and per service, over the last 30 days, the last 12 months and each year. No figure ever exposes a
 * person: a count below 5 is published as null ("menos de 5"), and so is anything worked out from it; no
 * free text is published; integrity reports count only as totals per month.
 */
import * as v from 'valibot';

/** Below this, a count is published as null ("menos de 5"). */
export const SMALL_COUNT = 5;
export const LESS_THAN_FIVE = 'menos de 5';

const count = v.nullable(v.number());
const share = v.nullable(v.number());

export const MetricsSchema = v.object({
  /** Requests received in the period. */
  received: count,
  /** Requests closed in the period (concluded or declined). */
  closed: count,
  /** Of those, the share closed by their deadline (0–1). */
  onTimeShare: share,
  /** Days from arrival to closing, without the time spent waiting for the citizen. */
  medianDays: share,
  p90Days: share,
  evaluations: count,
  /** The 1–5 average of the evaluations received in the period. */
  evaluationAverage: share,
  /** Per criterion (the evaluation form's options): the share of evaluations that ticked it as good, and as bad. */
  criteria: v.record(v.string(), v.object({ good: share, bad: share })),
});
export type Metrics = v.InferOutput<typeof MetricsSchema>;

export const TrendPointSchema = v.object({ month: v.string(), received: count, closed: count, onTimeShare: share });
export type TrendPoint = v.InferOutput<typeof TrendPointSchema>;

const Periods = v.record(v.string(), MetricsSchema);

export const PanelEntrySchema = v.object({
  id: v.string(),
  name: v.string(),
  /** Keys: "ultimos-30-dias", "ultimos-12-meses" and each year ("2026"). */
  periods: Periods,
  /** Today: open requests and those past their deadline. */
  open: count,
  overdue: count,
  /** The last 12 months, oldest first. */
  trend: v.array(TrendPointSchema),
});

export const PanelSnapshotSchema = v.object({
  computedAt: v.string(),
  periods: v.array(v.object({ key: v.string(), label: v.string(), from: v.string(), to: v.string() })),
  secretariats: v.array(PanelEntrySchema),
  services: v.array(v.object({
    ...PanelEntrySchema.entries,
    secretariatId: v.string(),
    /** The promise in the charter: "até 15 dias úteis". */
    promise: v.string(),
  })),
  /** Manifestações by type, per period, for the whole city. */
  manifestations: v.record(v.string(), v.record(v.string(), count)),
  /** Art. 23: the bodies with the most complaints (reclamações), last 12 months, most first. */
  complaintsRanking: v.array(v.object({ secretariatId: v.string(), name: v.string(), complaints: count })),
  /** Integrity reports: totals per month only. */
  integrityReports: v.array(v.object({ month: v.string(), reports: count })),
});
export type PanelSnapshot = v.InferOutput<typeof PanelSnapshotSchema>;

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
  periodo: '"ultimos-30-dias", "ultimos-12-meses", um ano ("2026") ou um mês ("2026-03"), contados no horário da Bahia.',
  metrica: 'O que a linha mede (ver abaixo).',
  valor: 'O número. Vazio (null) quando a contagem é menor que 5 ("menos de 5"), ou quando o número sai de uma contagem menor que 5: nenhum dado expõe uma pessoa.',
  recebidos: 'Pedidos recebidos no período.',
  encerrados: 'Pedidos encerrados no período (concluídos ou não atendidos).',
  no_prazo: 'Proporção (0 a 1) dos pedidos encerrados no período que foram encerrados dentro do prazo prometido na Carta de Serviços.',
  mediana_dias: 'Mediana, em dias, do tempo entre a chegada e o encerramento, sem contar o tempo em que o pedido esperou uma resposta do cidadão.',
  p90_dias: 'O tempo, em dias, dentro do qual foram encerrados 90% dos pedidos do período.',
  em_aberto: 'Pedidos em aberto hoje.',
  atrasados: 'Pedidos em aberto hoje que já passaram do prazo.',
  avaliacoes: 'Avaliações recebidas no período.',
  nota_media: 'Média das notas das avaliações (1 a 5).',
  'criterio_bom:<criterio>': 'Proporção das avaliações que marcaram o critério como ponto positivo.',
  'criterio_ruim:<criterio>': 'Proporção das avaliações que marcaram o critério como ponto negativo.',
  'manifestacoes:<tipo>': 'Manifestações à Ouvidoria recebidas no período, por tipo (reclamação, denúncia, sugestão, elogio, solicitação, simplifique).',
  reclamacoes: 'Reclamações sobre a secretaria nos últimos 12 meses (ranking do art. 23 da Lei 13.460).',
  relatos_integridade: 'Relatos recebidos pelo Canal de Integridade no mês (só o total, sem nenhum detalhe).',
};
