/**
 * The Integrity Plan in every pocket: the Code of Ethics of the municipality's public servants (each
 * article in plain pt-BR with a one-line summary) and the Integrity Plan's actions (responsible unit,
 * deadline, status, progress). A document of its own, with its own schema and import
 * (`npm run integrity:import -- FILE.json`), served at /api/integridade/conteudo and kept on the phone.
 * The controladoria updates each action's status and progress from the back office; the served document
 * carries the latest.
 */
import * as v from 'valibot';
import { slug, storableShortText } from './primitives.ts';


export const PLAN_STATUSES = ['planejada', 'em_andamento', 'concluida', 'suspensa'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = {
  planejada: 'Planejada',
  em_andamento: 'Em andamento',
  concluida: 'Concluída',
  suspensa: 'Suspensa',
};

const EthicsArticleSchema = v.strictObject({
  number: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(999)),
  title: storableShortText(200),
  /** One line, the article in a sentence anyone understands. */
  summary: storableShortText(200),
  text: storableShortText(4000),
});

const PlanActionSchema = v.strictObject({
  id: slug,
  title: storableShortText(200),
  description: storableShortText(1000),
  /** The unit in charge: a secretariat id of the charter, or a unit's name. */
  responsible: storableShortText(120),
  deadline: v.pipe(v.string(), v.isoDate('Data no formato AAAA-MM-DD.')),
  status: v.picklist(PLAN_STATUSES),
  progress: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
});

export const IntegrityContentSchema = v.pipe(
  v.strictObject({
    version: storableShortText(60),
    publishedAt: v.pipe(v.string(), v.isoTimestamp()),
    ethicsCode: v.strictObject({
      title: storableShortText(200),
      /** The act that made it (decree, law). */
      legalBasis: storableShortText(300),
      articles: v.pipe(v.array(EthicsArticleSchema), v.minLength(1, 'O código precisa de pelo menos um artigo.')),
    }),
    plan: v.strictObject({
      title: storableShortText(200),
      period: storableShortText(60),
      description: storableShortText(1500),
      actions: v.pipe(v.array(PlanActionSchema), v.minLength(1, 'O plano precisa de pelo menos uma ação.')),
    }),
  }),
  v.check((content) => new Set(content.ethicsCode.articles.map((a) => a.number)).size === content.ethicsCode.articles.length, 'Há artigos com o mesmo número.'),
  v.check((content) => new Set(content.plan.actions.map((a) => a.id)).size === content.plan.actions.length, 'Há ações com o mesmo identificador.'),
  v.check((content) => content.plan.actions.every((a) => a.status !== 'concluida' || a.progress === 100), 'Uma ação concluída tem 100% de avanço.'),
);
export type IntegrityContent = v.InferOutput<typeof IntegrityContentSchema>;

/** The controladoria's update of one action (back office). */
export const PlanUpdateSchema = v.pipe(
  v.strictObject({
    status: v.picklist(PLAN_STATUSES),
    progress: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
    note: v.optional(storableShortText(500)),
  }),
  v.check((update) => update.status !== 'concluida' || update.progress === 100, 'Uma ação concluída tem 100% de avanço.'),
);

/** What the phone reads: the document with the latest status of each action and when it changed. */
export const ServedIntegrityContentSchema = v.object({
  ...v.object(IntegrityContentSchema.pipe[0].entries).entries,
  plan: v.object({
    ...IntegrityContentSchema.pipe[0].entries.plan.entries,
    actions: v.array(v.object({ ...PlanActionSchema.entries, updatedAt: v.nullable(v.string()), note: v.nullable(v.string()) })),
  }),
});
export type ServedIntegrityContent = v.InferOutput<typeof ServedIntegrityContentSchema>;
