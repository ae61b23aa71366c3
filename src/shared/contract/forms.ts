/** A service's online form: its fields, their checks and visibility (the answers are checked by validate-answers.ts). */
import * as v from 'valibot';
import { MAX_ID, boundedNumber, longText, shortText, slug } from './primitives.ts';

/** A form's version is stored in a PostgreSQL integer column (see MAX_ANSWER_NUMBER, primitives.ts). */
export const MAX_FORM_VERSION = 1_000_000;
/** A form field's id; answers and attachments cite fields by it. */
export const FIELD_ID_REGEX = /^[a-zA-Z][a-zA-Z0-9_]{0,59}$/;

export const FIELD_TYPES = [
  'text', 'textarea', 'number', 'date', 'select', 'multiselect', 'radio', 'checkbox',
  'cpf', 'phone', 'cep', 'email', 'photo', 'location', 'consent',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
const CHOICE_TYPES: readonly FieldType[] = ['select', 'multiselect', 'radio'];

const OptionSchema = v.strictObject({ value: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID)), label: shortText() });

/** A date bound: a calendar date or "today" (the day the form was filled in). */
const DateBound = v.union([v.literal('today'), v.pipe(v.string(), v.isoDate())]);

const FieldSchema = v.pipe(
  v.strictObject({
    id: v.pipe(v.string(), v.regex(FIELD_ID_REGEX, 'Identificador de campo inválido.')),
    label: shortText(300),
    type: v.picklist(FIELD_TYPES),
    required: v.boolean(),
    help: v.optional(longText(600)),
    options: v.optional(v.pipe(v.array(OptionSchema), v.minLength(1))),
    visibleIf: v.optional(v.strictObject({
      field: v.string(),
      equals: v.union([v.string(), v.number(), v.boolean()]),
    })),
    /** text/textarea length. */
    minLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(5000))),
    maxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5000))),
    /** number bounds. */
    min: v.optional(boundedNumber()),
    max: v.optional(boundedNumber()),
    integer: v.optional(v.boolean()),
    /** date bounds. */
    minDate: v.optional(DateBound),
    maxDate: v.optional(DateBound),
    /** multiselect and photo counts. */
    minItems: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(50))),
    maxItems: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20))),
    /**
     * A manifestação's identification (name, CPF, e-mail, phone, address): the Ouvidoria keeps it and a
     * secretariat it forwards to never reads it (Law 13.460 art. 10 §7), unless the citizen ticked the
     * field marked `sharesIdentity`.
     */
    identifies: v.optional(v.boolean()),
    /** The checkbox by which the citizen lets the Ouvidoria show the identification to the secretariat. */
    sharesIdentity: v.optional(v.boolean()),
  }),
  v.check((f) => !f.sharesIdentity || f.type === 'checkbox', 'Só uma caixa de marcar autoriza mostrar a identificação.'),
  v.check((f) => !CHOICE_TYPES.includes(f.type) || (f.options?.length ?? 0) > 0, 'Campos de escolha precisam de opções.'),
  v.check((f) => CHOICE_TYPES.includes(f.type) || f.options === undefined, 'Só campos de escolha têm opções.'),
);
export type FormField = v.InferOutput<typeof FieldSchema>;

/** A form's kind is the kind of every submission made with it. */
export const SUBMISSION_KINDS = ['request', 'evaluation', 'manifestation'] as const;
export type SubmissionKind = (typeof SUBMISSION_KINDS)[number];

export const FormDefinitionSchema = v.pipe(
  v.strictObject({
    id: slug,
    version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_FORM_VERSION)),
    title: shortText(),
    kind: v.picklist(SUBMISSION_KINDS),
    description: v.optional(longText(800)),
    fields: v.pipe(v.array(FieldSchema), v.minLength(1), v.maxLength(100)),
  }),
  v.check((form) => new Set(form.fields.map((f) => f.id)).size === form.fields.length, 'Há campos com o mesmo identificador.'),
  v.check(
    (form) => form.fields.every((f, i) => !f.visibleIf || form.fields.slice(0, i).some((g) => g.id === f.visibleIf!.field)),
    'Uma condição "visibleIf" precisa citar um campo anterior do mesmo formulário.',
  ),
);
export type FormDefinition = v.InferOutput<typeof FormDefinitionSchema>;
