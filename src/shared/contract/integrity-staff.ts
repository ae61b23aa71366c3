/**
 * The integrity channel's back-office contract (`/api/gestao/integridade`, controladoria only): what the
 * server answers and what the back office sends. Apart from contract/integrity.ts so the citizen's app
 * never carries these schemas.
 */
import * as v from 'valibot';
import { FollowUpSchema, IDENTIFICATION_MODES, INTEGRITY_STATUSES } from './integrity.ts';
import { UuidSchema, storableShortText } from './primitives.ts';

// ---------------------------------------------------------------- the controladoria's side (`/api/gestao/integridade`)

/**
 * The Integrity Plan's risk categories ("Mapear os riscos de integridade"): how the controladoria files a
 * report. Stored as the id; the server accepts any short text, the back office offers these.
 */
export const INTEGRITY_RISK_CATEGORIES = [
  'compras-e-contratos', 'obras', 'licencas-e-fiscalizacao', 'conflito-de-interesses', 'nepotismo',
  'desvio-de-recursos', 'propina', 'uso-indevido-de-bens', 'assedio', 'outro',
] as const;
type IntegrityRiskCategory = (typeof INTEGRITY_RISK_CATEGORIES)[number];
export const INTEGRITY_RISK_LABELS: Record<IntegrityRiskCategory, string> = {
  'compras-e-contratos': 'Compras e contratos (licitação, dispensa, pagamento)',
  obras: 'Obras e medições',
  'licencas-e-fiscalizacao': 'Licenças, concessões e fiscalização',
  'conflito-de-interesses': 'Conflito de interesses',
  nepotismo: 'Nepotismo',
  'desvio-de-recursos': 'Desvio de recursos ou de bens',
  propina: 'Propina ou vantagem indevida',
  'uso-indevido-de-bens': 'Uso indevido de veículos, prédios ou equipamentos',
  assedio: 'Assédio moral ou sexual',
  outro: 'Outro risco',
};


/** The controladoria's message to the reporter (a question: the status becomes `aguardando_voce`). */
export const CityMessageSchema = v.strictObject({ text: storableShortText(3000) });
export const IntegrityStatusChangeSchema = v.strictObject({ status: v.picklist(INTEGRITY_STATUSES, 'Escolha a situação.') });
export const IntegrityClassificationSchema = v.strictObject({
  riskCategory: v.nullable(v.picklist(INTEGRITY_RISK_CATEGORIES, 'Escolha uma categoria de risco do Plano de Integridade.')),
  secretariats: v.pipe(v.array(v.pipe(v.string(), v.maxLength(80))), v.maxLength(20, 'No máximo 20 secretarias.')),
  services: v.pipe(v.array(v.pipe(v.string(), v.maxLength(80))), v.maxLength(20, 'No máximo 20 serviços.')),
});
/** Identity preserved (Decreto 10.153): revealed only with a justification, which is audited with it. */
export const RevealRequestSchema = v.strictObject({ justification: v.pipe(storableShortText(500), v.minLength(20, 'Explique o motivo em pelo menos 20 caracteres.')) });

const IntegritySummarySchema = v.object({
  id: UuidSchema,
  receivedDay: v.string(),
  status: v.picklist(INTEGRITY_STATUSES),
  identification: v.picklist(IDENTIFICATION_MODES),
  readDay: v.nullable(v.string()),
  riskCategory: v.nullable(v.string()),
  tipo: v.nullable(v.string()),
  orgao: v.nullable(v.string()),
  linkedSecretariats: v.array(v.string()),
  linkedServices: v.array(v.string()),
});
export type IntegritySummary = v.InferOutput<typeof IntegritySummarySchema>;
/** One page of the list, newest first; `total` counts every report. */
export const IntegrityListSchema = v.object({
  reports: v.array(IntegritySummarySchema),
  total: v.number(),
  /** Opaque: pass as `after` for the next page; null on the last page. */
  nextCursor: v.nullable(v.string()),
});
export type IntegrityList = v.InferOutput<typeof IntegrityListSchema>;
/** The list's address: `?after=` the cursor of the page before (none for the first page); the server checks the cursor itself. */
export const IntegrityListQuerySchema = v.object({ after: v.optional(v.string()) });

const RevealStateSchema = v.variant('state', [
  v.object({ state: v.literal('none') }),
  v.object({ state: v.picklist(['pending', 'approved', 'refused'] as const), requestId: UuidSchema }),
]);

export const IntegrityDetailSchema = v.object({
  ...IntegritySummarySchema.entries,
  answers: v.record(v.string(), v.unknown()),
  /** Shown when the reporter chose to be identified; null otherwise (a preserved identity needs the reveal). */
  identity: v.nullable(v.record(v.string(), v.unknown())),
  identityHidden: v.boolean(),
  files: v.array(v.object({ id: UuidSchema, fieldId: v.nullable(v.string()), type: v.string(), size: v.number(), fromMessage: v.boolean() })),
  messages: FollowUpSchema.entries.messages,
  /** The reader's own request to reveal a preserved identity, if any. */
  reveal: RevealStateSchema,
});
export type IntegrityDetail = v.InferOutput<typeof IntegrityDetailSchema>;
export const RevealAnswerSchema = v.object({ identity: v.record(v.string(), v.unknown()) });

/** A second controladoria account's decision on a request to reveal (two-person reveal). */
export const RevealDecisionSchema = v.strictObject({ decision: v.picklist(['approved', 'refused'] as const, 'Escolha aprovar ou recusar.') });
export const RevealRequestViewSchema = v.object({
  id: UuidSchema,
  reportId: UuidSchema,
  requestedBy: v.string(),
  justification: v.string(),
  requestedAt: v.string(),
  decision: v.nullable(v.picklist(['approved', 'refused'] as const)),
  decidedBy: v.nullable(v.string()),
});
export type RevealRequestView = v.InferOutput<typeof RevealRequestViewSchema>;
export const RevealRequestsSchema = v.object({ toDecide: v.array(RevealRequestViewSchema), mine: v.array(RevealRequestViewSchema) });
