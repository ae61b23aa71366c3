/**
 * The Carta de Serviços as the server publishes it and the PWA keeps it offline: secretariats, services
 * (Law 13.460 art. 7), districts, municipal holidays and the forms (forms.ts).
 */
import * as v from 'valibot';
import { isValidIsoDate } from '../documents.ts';
import { FormDefinitionSchema } from './forms.ts';
import { boundedNumber, longText, shortText, slug, textList } from './primitives.ts';

const SecretariatSchema = v.strictObject({
  id: slug,
  name: shortText(),
  acronym: v.optional(shortText(20)),
  description: v.optional(longText(600)),
  address: v.optional(shortText(300)),
  hours: v.optional(shortText()),
  phone: v.optional(shortText(40)),
  email: v.optional(shortText(120)),
});
export type Secretariat = v.InferOutput<typeof SecretariatSchema>;

const CategorySchema = v.strictObject({
  id: slug,
  name: shortText(),
  description: v.optional(longText(600)),
});
export type Category = v.InferOutput<typeof CategorySchema>;

/** A life event ("Tive um filho", "Vou abrir um negócio") groups services across secretariats. */
const LifeEventSchema = CategorySchema;
export type LifeEvent = Category;

const DistrictSchema = v.strictObject({
  id: slug,
  name: shortText(),
  /** The urban seat is the district "sede". */
  rural: v.boolean(),
  villages: textList(120),
});
export type District = v.InferOutput<typeof DistrictSchema>;

/**
 * A day the city hall is closed beyond the national and Bahia holidays: a municipal holiday every year
 * ("MM-DD") or a closure of one year only ("YYYY-MM-DD": a moveable feast, a ponto facultativo decree).
 * Business-day deadlines skip these days (src/shared/deadlines.ts).
 */
export const MunicipalHolidaySchema = v.strictObject({
  date: v.pipe(
    v.string(),
    v.regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'Use MM-DD (todo ano) ou AAAA-MM-DD (um ano só).'),
    // 2000 is a leap year, so "02-29" is accepted as a yearly date (it then falls only in leap years).
    v.check((date) => isValidIsoDate(date.length === 5 ? `2000-${date}` : date), 'Data inválida.'),
  ),
  name: shortText(120),
});
export type MunicipalHoliday = v.InferOutput<typeof MunicipalHolidaySchema>;

const DEADLINE_UNITS = ['minutes', 'hours', 'business_days', 'calendar_days', 'months'] as const;
export type DeadlineUnit = (typeof DEADLINE_UNITS)[number];

const DeadlineSchema = v.pipe(
  v.strictObject({
    min: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000))),
    max: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)),
    unit: v.picklist(DEADLINE_UNITS),
  }),
  v.check((d) => d.min === undefined || d.min <= d.max, 'O prazo mínimo não pode ser maior que o máximo.'),
);
export type Deadline = v.InferOutput<typeof DeadlineSchema>;

const CHANNEL_TYPES = ['online', 'in_person', 'phone', 'app', 'email', 'whatsapp'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

const ChannelSchema = v.strictObject({
  type: v.picklist(CHANNEL_TYPES),
  description: v.optional(longText(400)),
  /** Place name, e.g. "SAC Municipal" or "UBS do Bairro Brasil". */
  place: v.optional(shortText()),
  address: v.optional(shortText(300)),
  hours: v.optional(shortText()),
  phone: v.optional(shortText(40)),
  email: v.optional(shortText(120)),
  url: v.optional(shortText(300)),
});
export type Channel = v.InferOutput<typeof ChannelSchema>;

const CostSchema = v.pipe(
  v.strictObject({
    free: v.boolean(),
    /** Value in reais when fixed. */
    amount: v.optional(boundedNumber(0, 1e9)),
    description: v.optional(longText(400)),
  }),
  v.check((c) => c.free || c.amount !== undefined || c.description !== undefined, 'Diga o valor ou como ele é calculado.'),
);
export type Cost = v.InferOutput<typeof CostSchema>;

const StepSchema = v.strictObject({ title: shortText(), description: v.optional(longText(800)) });
const DocumentSchema = v.strictObject({ name: shortText(), note: v.optional(shortText(300)), optional: v.optional(v.boolean()) });

const AUDIENCES = ['citizen', 'business', 'public_body'] as const;

/** A service as Law 13.460 art. 7 §2 and §3 require it to be described. */
export const ServiceSchema = v.strictObject({
  id: slug,
  name: shortText(),
  popularNames: textList(),
  keywords: textList(80),
  /** What the service is, in plain language (gov.br: ≤ 500 characters). */
  description: longText(500),
  secretariatId: slug,
  categoryIds: v.array(slug),
  lifeEventIds: v.array(slug),
  audience: v.array(v.picklist(AUDIENCES)),
  whoCanRequest: longText(600),
  requirements: textList(400),
  documents: v.array(DocumentSchema),
  steps: v.pipe(v.array(StepSchema), v.minLength(1, 'Descreva pelo menos uma etapa.')),
  deadline: DeadlineSchema,
  channels: v.pipe(v.array(ChannelSchema), v.minLength(1, 'Diga pelo menos um canal de atendimento.')),
  cost: CostSchema,
  legalBasis: textList(300),
  priority: longText(600),
  expectedWait: longText(300),
  communication: longText(600),
  howToFollow: longText(600),
  complaints: longText(600),
  accessibility: v.optional(longText(600)),
  /** The online form of this service, when it has one. */
  formId: v.optional(slug),
});
export type Service = v.InferOutput<typeof ServiceSchema>;

/**
 * Something people look for that the municipality does not do (RG, aposentadoria, certidão de
 * nascimento): search shows where it is done instead of finding nothing.
 */
const ExternalServiceSchema = v.strictObject({
  id: slug,
  name: shortText(),
  /** Words people use for it; searched like a service's popular names. */
  keywords: textList(80),
  /** Who does it and how to get there, in plain language ("No cartório de registro civil…"). */
  whereToGo: longText(600),
  phone: v.optional(shortText(40)),
  url: v.optional(shortText(300)),
});
export type ExternalService = v.InferOutput<typeof ExternalServiceSchema>;

/** Terms search treats as the same ("BPC", "CRAS"); added to the app's built-in pt-BR list. */
const SynonymGroupSchema = v.strictObject({ terms: v.pipe(textList(80), v.minLength(2, 'Liste pelo menos dois termos.')) });

export const CharterSchema = v.pipe(
  v.strictObject({
    version: shortText(60),
    publishedAt: v.pipe(v.string(), v.isoTimestamp()),
    municipality: v.optional(shortText()),
    municipalHolidays: v.optional(v.pipe(v.array(MunicipalHolidaySchema), v.maxLength(200, 'No máximo 200 feriados municipais.'))),
    secretariats: v.array(SecretariatSchema),
    categories: v.array(CategorySchema),
    lifeEvents: v.array(LifeEventSchema),
    districts: v.array(DistrictSchema),
    services: v.array(ServiceSchema),
    forms: v.array(FormDefinitionSchema),
    externalServices: v.optional(v.array(ExternalServiceSchema)),
    synonyms: v.optional(v.array(SynonymGroupSchema)),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const charter = dataset.value;
    const ids = (items: { id: string }[]) => new Set(items.map((i) => i.id));
    const secretariats = ids(charter.secretariats);
    const categories = ids(charter.categories);
    const lifeEvents = ids(charter.lifeEvents);
    const forms = ids(charter.forms);
    const issue = (message: string, [first, ...rest]: [string, ...(string | number)[]]) => {
      const item = (key: string | number) => ({ type: 'unknown', origin: 'value', input: undefined, key, value: undefined }) as const;
      addIssue({ message, path: [item(first), ...rest.map(item)] });
    };
    for (const [list, name] of [[charter.services, 'services'], [charter.forms, 'forms'], [charter.secretariats, 'secretariats'], [charter.externalServices ?? [], 'externalServices']] as const) {
      if (ids(list).size !== list.length) issue('Há identificadores repetidos.', [name]);
    }
    charter.services.forEach((service, i) => {
      if (!secretariats.has(service.secretariatId)) issue(`Secretaria "${service.secretariatId}" não existe.`, ['services', i, 'secretariatId']);
      service.categoryIds.forEach((id, j) => categories.has(id) || issue(`Categoria "${id}" não existe.`, ['services', i, 'categoryIds', j]));
      service.lifeEventIds.forEach((id, j) => lifeEvents.has(id) || issue(`Evento de vida "${id}" não existe.`, ['services', i, 'lifeEventIds', j]));
      if (service.formId && !forms.has(service.formId)) issue(`Formulário "${service.formId}" não existe.`, ['services', i, 'formId']);
    });
  }),
);
export type Charter = v.InferOutput<typeof CharterSchema>;
