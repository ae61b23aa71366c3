/**
 * The controladoria's risk radar, its weekly digest and the yearly report (Law 13.460, arts. 14 and 15):
 * the wire contract of /api/gestao/radar, /api/gestao/radar/limiares and /api/gestao/relatorio-anual.
 *
 * The radar is internal (no small-count rule), but it carries no free text and no citizen's personal data:
 * only kinds, the charter's names of services and secretariats, numbers, and links (ids, protocols and
 * queue filters) to the records behind each signal.
 */
import * as v from 'valibot';

// ---------------------------------------------------------------- thresholds

const limits = (label: string, min: number, max: number) => [
  v.minValue<number, number, string>(min, `${label}: o mínimo é ${String(min).replace('.', ',')}.`),
  v.maxValue<number, number, string>(max, `${label}: o máximo é ${String(max).replace('.', ',')}.`),
] as const;
const whole = (label: string, min: number, max: number) => v.pipe(v.number(`${label}: informe um número.`), v.integer(`${label}: use um número inteiro.`), ...limits(label, min, max));
const decimal = (label: string, min: number, max: number) => v.pipe(v.number(`${label}: informe um número.`), ...limits(label, min, max));
const bounded = (label: string, min: number, max: number, integer = true) => (integer ? whole(label, min, max) : decimal(label, min, max));

/** What the controladoria may set (PUT /api/gestao/radar/limiares); every one is required. */
export const RadarThresholdsSchema = v.strictObject({
  /** Overdue share rising: last 30 days vs the previous 30, in percentage points. */
  overdueRisePoints: bounded('Alta de atrasos (pontos percentuais)', 1, 100),
  /** "Não atendido" share: last 30 days vs the 12 months before, in percentage points. */
  declinedRisePoints: bounded('Alta de "não atendido" (pontos percentuais)', 1, 100),
  /** Fewer requests than this in the last 30 days: no share signal (too few to say). */
  minRequests: bounded('Mínimo de pedidos', 1, 10_000),
  /** Evaluations falling: the 1–5 average dropping by at least this much. */
  evaluationDrop: bounded('Queda da nota média', 0.1, 4, false),
  /** Evaluations needed in each 30-day window. */
  minEvaluations: bounded('Mínimo de avaliações', 1, 10_000),
  /** Complaint spike: the last 7 days at least this many times the weekly average of the 8 weeks before. */
  complaintFactor: bounded('Fator de pico de reclamações', 1, 50, false),
  /** …and at least this many complaints in the last 7 days. */
  minComplaints: bounded('Mínimo de reclamações na semana', 1, 10_000),
  /** Reopenings plus transfers (and forwards) of one request. */
  repeatedChanges: bounded('Reaberturas e transferências', 2, 100),
  /** Open manifestações this many days (or fewer) from their legal deadline. */
  deadlineDays: bounded('Dias até o prazo legal', 1, 30),
  /** Integrity reports linked to one secretariat or one service in 30 days. */
  integrityCluster: bounded('Relatos de integridade no mesmo órgão ou processo', 2, 1_000),
});
export type RadarThresholds = v.InferOutput<typeof RadarThresholdsSchema>;

export const DEFAULT_THRESHOLDS: RadarThresholds = {
  overdueRisePoints: 10,
  declinedRisePoints: 15,
  minRequests: 5,
  evaluationDrop: 0.5,
  minEvaluations: 5,
  complaintFactor: 2,
  minComplaints: 3,
  repeatedChanges: 3,
  deadlineDays: 5,
  integrityCluster: 3,
};

export const THRESHOLD_LABELS: Record<keyof RadarThresholds, string> = {
  overdueRisePoints: 'Alta de atrasos, em pontos percentuais (30 dias contra os 30 anteriores)',
  declinedRisePoints: 'Alta de “não atendido”, em pontos percentuais (30 dias contra os 12 meses anteriores)',
  minRequests: 'Mínimo de pedidos nos 30 dias para comparar proporções',
  evaluationDrop: 'Queda da nota média (de 1 a 5) que acende o sinal',
  minEvaluations: 'Mínimo de avaliações em cada período de 30 dias',
  complaintFactor: 'Pico de reclamações: vezes a média semanal das 8 semanas anteriores',
  minComplaints: 'Mínimo de reclamações na semana para um pico',
  repeatedChanges: 'Reaberturas e transferências de um mesmo pedido',
  deadlineDays: 'Manifestações a quantos dias (ou menos) do prazo legal',
  integrityCluster: 'Relatos de integridade sobre o mesmo órgão ou processo em 30 dias',
};

// ---------------------------------------------------------------- signals

export const SIGNAL_KINDS = [
  'overdue_rising', 'evaluations_falling', 'complaints_spike', 'declined_rising', 'repeated_changes', 'manifestation_deadline', 'integrity_cluster',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export const SIGNAL_TITLES: Record<SignalKind, string> = {
  overdue_rising: 'Atrasos em alta',
  evaluations_falling: 'Avaliações em queda',
  complaints_spike: 'Pico de reclamações',
  declined_rising: '“Não atendido” acima do normal',
  repeated_changes: 'Pedidos reabertos ou transferidos várias vezes',
  manifestation_deadline: 'Manifestações perto do prazo legal',
  integrity_cluster: 'Relatos de integridade concentrados',
};

const figure = v.nullable(v.number());

const RadarSignalSchema = v.object({
  /** Stable for a kind and subject: "overdue_rising:service:tapa-buraco". */
  id: v.string(),
  kind: v.picklist(SIGNAL_KINDS),
  subject: v.object({
    type: v.picklist(['service', 'secretariat']),
    id: v.string(),
    name: v.string(),
    /** The secretariat of a service (or the secretariat itself). */
    secretariatId: v.nullable(v.string()),
  }),
  /** The numbers that lit the signal (shares 0–1, averages 1–5, counts). */
  figures: v.record(v.string(), figure),
  /** The thresholds it was compared with (names of RadarThresholds). */
  threshold: v.record(v.string(), v.number()),
  links: v.object({
    /** The requests or manifestações behind it, by id and protocol. */
    requests: v.array(v.object({ id: v.string(), protocol: v.nullable(v.string()) })),
    /** A filter of the back office's queue that lists them. */
    queue: v.nullable(v.string()),
    /** Integrity reports (ids only, for whoever may open them). */
    integrityReports: v.array(v.string()),
  }),
});
export type RadarSignal = v.InferOutput<typeof RadarSignalSchema>;

export const RadarAnswerSchema = v.object({
  computedAt: v.string(),
  thresholds: RadarThresholdsSchema,
  thresholdsUpdatedAt: v.nullable(v.string()),
  signals: v.array(RadarSignalSchema),
});
export type RadarAnswer = v.InferOutput<typeof RadarAnswerSchema>;

// ---------------------------------------------------------------- the yearly report

const count = v.nullable(v.number());

export const YearlyReportSchema = v.object({
  year: v.number(),
  computedAt: v.string(),
  /** The year so far when it is the current one. */
  from: v.string(),
  to: v.string(),
  /** Manifestações by type (reclamacao, denuncia, …) in the year; null = "menos de 5". */
  manifestationsByType: v.array(v.object({ tipo: v.string(), label: v.string(), count })),
  /** Manifestações received in the year, by where they stand now. */
  manifestationsByOutcome: v.array(v.object({ outcome: v.picklist(['open', 'answered', 'declined']), count })),
  manifestationsTotal: count,
  /** Manifestações closed in the year, and of those closed within their legal deadline. */
  manifestationsClosed: count,
  manifestationsOnTimeShare: v.nullable(v.number()),
  /** Requests and evaluations per secretariat in the year (the published panel's figures). */
  secretariats: v.array(v.object({
    id: v.string(),
    name: v.string(),
    received: count,
    closed: count,
    onTimeShare: v.nullable(v.number()),
    declinedShare: v.nullable(v.number()),
    medianDays: v.nullable(v.number()),
    evaluations: count,
    evaluationAverage: v.nullable(v.number()),
  })),
  /** Art. 23: complaints forwarded to each secretariat in the year, most first. */
  complaintsRanking: v.array(v.object({ secretariatId: v.string(), name: v.string(), complaints: count })),
  complaintsNotForwarded: count,
  integrityReports: count,
  /** The Integrity Plan's actions with their status and progress (null before a plan is installed). */
  plan: v.nullable(v.object({
    title: v.string(),
    period: v.string(),
    actions: v.array(v.object({ id: v.string(), title: v.string(), responsible: v.string(), deadline: v.string(), status: v.string(), statusLabel: v.string(), progress: v.number() })),
  })),
});
export type YearlyReport = v.InferOutput<typeof YearlyReportSchema>;
