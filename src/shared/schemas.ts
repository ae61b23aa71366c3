/**
 * The wire contract shared by the PWA, its service worker and the server (docs/API.md).
 * Objects are strict: an unknown key is an error, never silently kept.
 */
import * as v from 'valibot';
import { isValidIsoDate } from './documents.ts';
import { UNSTORABLE_TEXT_MESSAGE, isStorableText } from './text.ts';

const MAX_ID = 80;
/**
 * Every number the contract accepts fits where it is stored: versions in a PostgreSQL integer column,
 * answers as exact JSON numbers. A value past these is a 422 for that item, never a database error.
 */
export const MAX_FORM_VERSION = 1_000_000;
export const MAX_ANSWER_NUMBER = 1e15;
const boundedNumber = (min = -MAX_ANSWER_NUMBER, max = MAX_ANSWER_NUMBER) =>
  v.pipe(v.number(), v.finite(), v.minValue(min), v.maxValue(max));
/** A form field's id; answers and attachments cite fields by it. */
export const FIELD_ID_REGEX = /^[a-zA-Z][a-zA-Z0-9_]{0,59}$/;
const slug = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'Use letras minúsculas, números e hífens.'));
const shortText = (max = 200) => v.pipe(v.string(), v.trim(), v.minLength(1, 'Não pode ficar vazio.'), v.maxLength(max, `Use no máximo ${max} caracteres.`));
const longText = (max = 2000) => shortText(max);
const textList = (max = 200) => v.array(shortText(max));

// ---------------------------------------------------------------- charter

export const SecretariatSchema = v.strictObject({
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

export const CategorySchema = v.strictObject({
  id: slug,
  name: shortText(),
  description: v.optional(longText(600)),
});
export type Category = v.InferOutput<typeof CategorySchema>;

/** A life event ("Tive um filho", "Vou abrir um negócio") groups services across secretariats. */
export const LifeEventSchema = CategorySchema;
export type LifeEvent = Category;

export const DistrictSchema = v.strictObject({
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

export const DEADLINE_UNITS = ['minutes', 'hours', 'business_days', 'calendar_days', 'months'] as const;
export type DeadlineUnit = (typeof DEADLINE_UNITS)[number];

export const DeadlineSchema = v.pipe(
  v.strictObject({
    min: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000))),
    max: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)),
    unit: v.picklist(DEADLINE_UNITS),
  }),
  v.check((d) => d.min === undefined || d.min <= d.max, 'O prazo mínimo não pode ser maior que o máximo.'),
);
export type Deadline = v.InferOutput<typeof DeadlineSchema>;

export const CHANNEL_TYPES = ['online', 'in_person', 'phone', 'app', 'email', 'whatsapp'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const ChannelSchema = v.strictObject({
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

export const CostSchema = v.pipe(
  v.strictObject({
    free: v.boolean(),
    /** Value in reais when fixed. */
    amount: v.optional(boundedNumber(0, 1e9)),
    description: v.optional(longText(400)),
  }),
  v.check((c) => c.free || c.amount !== undefined || c.description !== undefined, 'Diga o valor ou como ele é calculado.'),
);
export type Cost = v.InferOutput<typeof CostSchema>;

export const StepSchema = v.strictObject({ title: shortText(), description: v.optional(longText(800)) });
export const DocumentSchema = v.strictObject({ name: shortText(), note: v.optional(shortText(300)), optional: v.optional(v.boolean()) });

export const AUDIENCES = ['citizen', 'business', 'public_body'] as const;

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
export const ExternalServiceSchema = v.strictObject({
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
export const SynonymGroupSchema = v.strictObject({ terms: v.pipe(textList(80), v.minLength(2, 'Liste pelo menos dois termos.')) });
export type SynonymGroup = v.InferOutput<typeof SynonymGroupSchema>;

// ---------------------------------------------------------------- forms

export const FIELD_TYPES = [
  'text', 'textarea', 'number', 'date', 'select', 'multiselect', 'radio', 'checkbox',
  'cpf', 'phone', 'cep', 'email', 'photo', 'location', 'consent',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const CHOICE_TYPES: readonly FieldType[] = ['select', 'multiselect', 'radio'];

const OptionSchema = v.strictObject({ value: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID)), label: shortText() });
export type FieldOption = v.InferOutput<typeof OptionSchema>;

/** A date bound: a calendar date or "today" (the day the form was filled in). */
const DateBound = v.union([v.literal('today'), v.pipe(v.string(), v.isoDate())]);

export const FieldSchema = v.pipe(
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

// ---------------------------------------------------------------- submissions

export const SHA256_REGEX = /^[a-f0-9]{64}$/;
/**
 * A file's address is the SHA-256 of a per-device salt followed by its bytes, so no one who merely holds
 * a copy of a document can ask the server whether it was filed. The salt (32 random bytes, hex) travels
 * with the upload in this header so the server can still check the bytes against the address.
 */
export const ATTACHMENT_SALT_HEADER = 'x-attachment-salt';
export const SALT_REGEX = /^[a-f0-9]{64}$/;
export const Sha256Schema = v.pipe(v.string(), v.regex(SHA256_REGEX, 'Identificador de arquivo inválido.'));

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
/** Photos are shrunk on the phone to about 400 KB; this is the hard ceiling for any file. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export const AttachmentSchema = v.strictObject({
  sha256: Sha256Schema,
  type: v.picklist(ATTACHMENT_TYPES, 'Tipo de arquivo não aceito: use JPEG, PNG, WebP ou PDF.'),
  size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_ATTACHMENT_BYTES, 'Arquivo grande demais (máximo de 5 MB).')),
  fieldId: v.pipe(v.string(), v.regex(FIELD_ID_REGEX, 'Campo desconhecido.')),
});
export type Attachment = v.InferOutput<typeof AttachmentSchema>;

export const LocationAnswerSchema = v.pipe(
  v.strictObject({
    lat: v.optional(boundedNumber(-90, 90)),
    lng: v.optional(boundedNumber(-180, 180)),
    accuracy: v.optional(boundedNumber(0, 100000)),
    district: v.optional(v.pipe(v.string(), v.maxLength(120))),
    village: v.optional(v.pipe(v.string(), v.maxLength(120))),
  }),
);
export type LocationAnswer = v.InferOutput<typeof LocationAnswerSchema>;

export type AnswerValue = string | number | boolean | string[] | LocationAnswer;
export type Answers = Record<string, AnswerValue>;

const storableText = (max: number) => v.pipe(v.string(), v.maxLength(max), v.check(isStorableText, UNSTORABLE_TEXT_MESSAGE));

/** Shape only; the values are checked against the form by validateAnswers. */
const AnswerValueSchema = v.union([
  storableText(5000),
  boundedNumber(),
  v.boolean(),
  v.pipe(v.array(storableText(MAX_ID)), v.maxLength(50)),
  LocationAnswerSchema,
]);

/** Keys that valibot's record silently drops; an answer named so must be refused, not lost. */
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

/** An instant written in ISO 8601 that is a real calendar date, from 2000 on. */
const InstantSchema = v.pipe(
  v.string(),
  v.isoTimestamp('Data e hora inválidas (use ISO 8601).'),
  v.check((text) => {
    const ms = Date.parse(text);
    return Number.isFinite(ms) && ms >= Date.UTC(2000, 0, 1) && isValidIsoDate(text.slice(0, 10));
  }, 'Data e hora inválidas.'),
);

/** No form has more fields than this (FormDefinitionSchema), so no submission has more answers. */
export const MAX_ANSWERS = 100;

// Lowercase only: PostgreSQL answers uuids in lowercase, and a client matches its receipts by id.
export const UuidSchema = v.pipe(v.string(), v.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'O identificador precisa ser um UUID em letras minúsculas.'));

export const SubmissionSchema = v.strictObject({
  id: UuidSchema,
  kind: v.picklist(SUBMISSION_KINDS),
  serviceId: slug,
  formId: slug,
  formVersion: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_FORM_VERSION)),
  answers: v.pipe(
    v.unknown(),
    v.check((input) => typeof input !== 'object' || input === null || !RESERVED_KEYS.some((key) => Object.hasOwn(input, key)), 'Campo com nome reservado.'),
    // Counted before any value is checked: 7,000 keys cost one message, not 7,000.
    v.check((input) => typeof input !== 'object' || input === null || Object.keys(input).length <= MAX_ANSWERS, 'Respostas demais.'),
    v.record(v.pipe(v.string(), v.regex(FIELD_ID_REGEX, 'Campo desconhecido.')), AnswerValueSchema),
  ),
  attachments: v.pipe(v.array(AttachmentSchema), v.maxLength(20, 'No máximo 20 arquivos por envio.')),
  createdAt: InstantSchema,
});
export type Submission = v.InferOutput<typeof SubmissionSchema>;

/**
 * The citizen's answer to a question from the city ("Aguardando a sua resposta"), sent through the outbox like a
 * submission: the client-made id makes it exactly once.
 */
export const ReplySchema = v.strictObject({
  id: UuidSchema,
  submissionId: UuidSchema,
  text: v.pipe(storableText(2000), v.trim(), v.minLength(1, 'Escreva a sua resposta.')),
  createdAt: InstantSchema,
});
export type Reply = v.InferOutput<typeof ReplySchema>;
export const MAX_REPLIES = 20;
export const RepliesRequestSchema = v.strictObject({
  replies: v.pipe(v.array(v.unknown()), v.minLength(1, 'Nenhuma resposta.'), v.maxLength(MAX_REPLIES, `No máximo ${MAX_REPLIES} respostas por vez.`)),
});

export const MAX_BATCH = 100;
export const SyncRequestSchema = v.strictObject({
  submissions: v.pipe(v.array(v.unknown()), v.minLength(1, 'O lote está vazio.'), v.maxLength(MAX_BATCH, `No máximo ${MAX_BATCH} envios por lote.`)),
});

// ---------------------------------------------------------------- responses

/** waiting_citizen: the city asked the person a question (the event's note); the deadline's clock is paused. */
export const SUBMISSION_STATUSES = ['received', 'in_review', 'in_progress', 'waiting_citizen', 'answered', 'done', 'declined'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const STATUS_LABELS: Record<SubmissionStatus, string> = {
  received: 'Recebido pela Prefeitura',
  in_review: 'Em análise',
  in_progress: 'Em andamento',
  waiting_citizen: 'Aguardando a sua resposta',
  answered: 'Respondido',
  done: 'Concluído',
  declined: 'Não atendido (veja o motivo)',
};

/*
 * Answers the browser reads are parsed with these schemas, not cast: a captive portal, a proxy or a
 * newer server must never put an unexpected shape into the phone's database. Unknown keys are ignored
 * here (v.object), so the server may add fields without breaking older apps.
 */
export const ReceiptSchema = v.object({
  id: UuidSchema,
  protocol: v.string(),
  status: v.picklist(SUBMISSION_STATUSES),
  receivedAt: v.string(),
});
export type Receipt = v.InferOutput<typeof ReceiptSchema>;

export const StatusEventSchema = v.object({
  status: v.picklist(SUBMISSION_STATUSES),
  at: v.string(),
  note: v.optional(v.string()),
});
export type StatusEvent = v.InferOutput<typeof StatusEventSchema>;

export const SubmissionStatusResponseSchema = v.object({
  ...ReceiptSchema.entries,
  kind: v.picklist(SUBMISSION_KINDS),
  serviceId: v.string(),
  history: v.array(StatusEventSchema),
  /** The promised deadline (end of the due day, Bahia), when the request has one. */
  dueAt: v.optional(v.nullable(v.string())),
});
export type SubmissionStatusResponse = v.InferOutput<typeof SubmissionStatusResponseSchema>;

/** POST /api/submissions/status: the status of many records in one request (refresh and confirmation). */
export const MAX_STATUS_IDS = 100;
export const StatusRequestSchema = v.strictObject({
  ids: v.pipe(v.array(UuidSchema), v.minLength(1, 'Informe pelo menos um identificador.'), v.maxLength(MAX_STATUS_IDS, `No máximo ${MAX_STATUS_IDS} identificadores.`)),
});
export const StatusBatchResponseSchema = v.object({
  found: v.array(SubmissionStatusResponseSchema),
  /** Ids the server does not hold (never stored, or lost): the phone sends them again. */
  missing: v.array(v.string()),
});
export type StatusBatchResponse = v.InferOutput<typeof StatusBatchResponseSchema>;

/** PUT /api/push/subscription: a browser's push subscription and the submissions it follows. */
const base64url = (max: number) => v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+=*$/, 'Chave inválida.'), v.maxLength(max));
export const PushSubscriptionRequestSchema = v.strictObject({
  endpoint: v.pipe(v.string(), v.url('Endereço inválido.'), v.maxLength(1000)),
  keys: v.strictObject({ p256dh: base64url(200), auth: base64url(64) }),
  ids: v.pipe(v.array(UuidSchema), v.maxLength(200, 'No máximo 200 identificadores.')),
});
export type PushSubscriptionRequest = v.InferOutput<typeof PushSubscriptionRequestSchema>;
export const PushUnsubscribeSchema = v.strictObject({ endpoint: v.pipe(v.string(), v.maxLength(1000)) });
export const PushKeySchema = v.object({ publicKey: v.string() });

/** What the service worker receives in a push (encrypted end to end): which request changed, never a person. */
export const PushMessageSchema = v.object({ type: v.literal('status'), id: UuidSchema });

export const ApiErrorSchema = v.object({
  error: v.string(),
  message: v.string(),
  fields: v.optional(v.record(v.string(), v.string())),
});
/** Every error the API answers: a code for programs, a pt-BR message for people. */
export interface ApiError {
  error: string;
  message: string;
  /** Per answer field (validation), or per JSON path (malformed body). */
  fields?: Record<string, string>;
}

/**
 * accepted: stored now; duplicate: stored before under this id with the same body (same receipt);
 * rejected: the answers or the shape are wrong, the person must correct them;
 * conflict: this id was stored with a different body;
 * missing_attachments: a named file has not been uploaded yet; upload it and send again;
 * retry_later: the server failed on this item (nothing was stored); send it again later, unchanged.
 */
export type SyncOutcome = 'accepted' | 'duplicate' | 'rejected' | 'conflict' | 'missing_attachments' | 'retry_later';

export const SYNC_OUTCOMES = ['accepted', 'duplicate', 'rejected', 'conflict', 'missing_attachments', 'retry_later'] as const satisfies readonly SyncOutcome[];

export interface SyncItemResult {
  /** Null when the item was too malformed to carry an id. */
  id: string | null;
  outcome: SyncOutcome;
  receipt?: Receipt;
  error?: ApiError;
}

export interface SyncResponse {
  results: SyncItemResult[];
}

export const SyncResponseSchema = v.object({
  results: v.array(v.object({
    id: v.nullable(v.string()),
    outcome: v.picklist(SYNC_OUTCOMES),
    receipt: v.optional(ReceiptSchema),
    error: v.optional(ApiErrorSchema),
  })),
});

/** Parses an answer the browser received; null when it is not of the expected shape. */
export function parseAnswer<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> | null {
  const result = v.safeParse(schema, input);
  return result.success ? result.output : null;
}

/**
 * "Salvar cópia": unsent records with their files, exported from a phone that cannot get signal and
 * imported on the server with `npm run outbox:import -- FILE` (idempotently, by submission id).
 */
export const OUTBOX_EXPORT_FORMAT = 'conecta-conquista-outbox';
export const OutboxExportSchema = v.strictObject({
  format: v.literal(OUTBOX_EXPORT_FORMAT),
  /** 1: files addressed by plain SHA-256; 2: by SHA-256(salt ‖ bytes), each file with its salt. */
  version: v.picklist([1, 2]),
  exportedAt: v.pipe(v.string(), v.isoTimestamp()),
  submissions: v.array(v.unknown()),
  attachments: v.array(v.strictObject({
    sha256: Sha256Schema,
    type: v.picklist(ATTACHMENT_TYPES),
    size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_ATTACHMENT_BYTES)),
    salt: v.optional(v.pipe(v.string(), v.regex(SALT_REGEX, 'Sal inválido.'))),
    base64: v.string(),
  })),
});
export type OutboxExport = v.InferOutput<typeof OutboxExportSchema>;

/** At most this many field messages in one error: a hostile body cannot make the answer huge. */
export const MAX_FIELD_ERRORS = 20;
/** The key under which a capped error says how many messages were left out. */
export const MORE_ERRORS_KEY = '(mais)';

function setField(fields: Record<string, string>, path: string, message: string): void {
  // defineProperty: a path such as "constructor" or "__proto__" is reported like any other.
  Object.defineProperty(fields, path, { value: message, enumerable: true, writable: true, configurable: true });
}

function moreErrorsMessage(count: number): string {
  return `… e mais ${count.toLocaleString('pt-BR')} erro(s).`;
}

/** How many messages an already capped list says it left out. */
function omittedCount(fields: Record<string, string>): number {
  const more = Object.hasOwn(fields, MORE_ERRORS_KEY) ? fields[MORE_ERRORS_KEY]! : '';
  return Number(/\d[\d.]*/.exec(more)?.[0].replace(/\./g, '') ?? 0);
}

/** Keeps the first `max` messages and says how many more there were ("… e mais 6.980 erro(s)."). */
export function capFieldErrors(fields: Record<string, string>, max = MAX_FIELD_ERRORS): Record<string, string> {
  const keys = Object.keys(fields).filter((key) => key !== MORE_ERRORS_KEY);
  const omitted = omittedCount(fields) + Math.max(0, keys.length - max);
  const kept: Record<string, string> = {};
  for (const key of keys.slice(0, max)) setField(kept, key, fields[key]!);
  if (omitted) setField(kept, MORE_ERRORS_KEY, moreErrorsMessage(omitted));
  return kept;
}

/** Turns valibot issues into { "a.b.0": "message" } for an ApiError, capped at MAX_FIELD_ERRORS. */
export function issuesToFields(issues: readonly v.BaseIssue<unknown>[], max = MAX_FIELD_ERRORS): Record<string, string> {
  const fields: Record<string, string> = {};
  let count = 0;
  let extra = 0;
  for (const issue of issues) {
    const path = issue.path?.map((p) => String(p.key)).join('.') || '(raiz)';
    if (Object.hasOwn(fields, path)) continue;
    if (count >= max) {
      extra++;
      continue;
    }
    setField(fields, path, issue.message);
    count++;
  }
  if (extra) setField(fields, MORE_ERRORS_KEY, moreErrorsMessage(extra));
  return fields;
}

/** pt-BR text for valibot's own checks, used where a schema gives no message of its own. */
function ptBrMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.received === 'undefined') return 'Campo obrigatório ausente.';
  switch (issue.type) {
    case 'string': return 'Deveria ser um texto.';
    case 'number': return 'Deveria ser um número.';
    case 'boolean': return 'Deveria ser verdadeiro ou falso.';
    case 'array': return 'Deveria ser uma lista.';
    case 'object': case 'strict_object': return issue.expected === 'never' ? 'Campo não previsto.' : 'Deveria ser um objeto.';
    case 'record': return 'Deveria ser um objeto.';
    case 'picklist': return `Valor não aceito: ${issue.expected ?? ''}.`;
    case 'union': case 'variant': return 'Valor em formato não aceito.';
    case 'literal': return 'Valor não aceito.';
    case 'min_length': return `Precisa ter pelo menos ${issue.requirement as number} item(ns) ou caractere(s).`;
    case 'max_length': return `Pode ter no máximo ${issue.requirement as number} item(ns) ou caractere(s).`;
    case 'min_value': return `Precisa ser no mínimo ${String(issue.requirement)}.`;
    case 'max_value': return `Pode ser no máximo ${String(issue.requirement)}.`;
    case 'integer': return 'Deveria ser um número inteiro.';
    case 'iso_date': return 'Data inválida (use AAAA-MM-DD).';
    case 'iso_timestamp': return 'Data e hora inválidas (use ISO 8601).';
    case 'regex': return 'Formato inválido.';
    case 'uuid': return 'Deveria ser um UUID.';
    default: return 'Valor inválido.';
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; fields: Record<string, string> };

/**
 * Parses untrusted input with pt-BR messages; the one entry point for validating the contract. Errors
 * are capped (MAX_FIELD_ERRORS) unless the caller wants them all, as the charter import does; with
 * abortEarly the parse stops at the first problem (cheap, for input already known to be hostile).
 */
export function parseContract<S extends v.GenericSchema>(schema: S, input: unknown, options: { maxErrors?: number; abortEarly?: boolean } = {}): ParseResult<v.InferOutput<S>> {
  const result = v.safeParse(schema, input, { message: ptBrMessage, abortPipeEarly: true, abortEarly: options.abortEarly ?? false });
  return result.success ? { ok: true, value: result.output } : { ok: false, fields: issuesToFields(result.issues, options.maxErrors) };
}
