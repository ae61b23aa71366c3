/**
 * The back office's wire contract (`/api/gestao`): roles, the request queue, a request's page, accounts.
 * The server answers these shapes and the back office parses them with these schemas (never casts).
 */
import * as v from 'valibot';
import { SUBMISSION_KINDS } from './forms.ts';
import { UuidSchema, storableShortText, storableText } from './primitives.ts';
import { SUBMISSION_STATUSES } from './status.ts';
import { isRealDay, isSaneDay } from '../dates.ts';
import { isStorableText } from '../text.ts';

export const STAFF_ROLES = ['atendente', 'gestor', 'ouvidoria', 'controladoria', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const ROLE_LABELS: Record<StaffRole, string> = {
  atendente: 'Atendente',
  gestor: 'Gestor(a) da secretaria',
  ouvidoria: 'Ouvidoria',
  controladoria: 'Controladoria',
  admin: 'Administração do sistema',
};

/**
 * Roles whose grant takes two people: one admin proposes, another approves (or the server's command line,
 * while the city has a single admin). They open accounts, the manifestações or the integrity channel.
 */
export const ROLES_NEEDING_APPROVAL: readonly StaffRole[] = ['admin', 'controladoria', 'ouvidoria'];

/** Roles that must sign in with a second factor: they manage accounts or read manifestações. */
export const ROLES_NEEDING_TOTP: readonly StaffRole[] = ['admin', 'ouvidoria', 'controladoria'];

/** What the staff may do; which role may do it lives in one place, src/server/staff/permissions.ts. */
const PERMISSIONS = [
  'requests.read', 'requests.answer', 'requests.assign', 'requests.transfer', 'requests.export',
  'templates.manage', 'figures.read', 'manifestations.read', 'audit.read', 'accounts.manage', 'charter.import',
  'integrity.read', 'integrity.answer', 'integrity.reveal', 'manifestations.forward', 'manifestations.internal_answer', 'plan.update',
  'radar.read', 'radar.configure', 'report.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.email('E-mail inválido.'), v.maxLength(200));
const password = v.pipe(v.string(), v.minLength(12, 'A senha precisa ter pelo menos 12 caracteres.'), v.maxLength(200, 'Senha longa demais.'));
const name = v.pipe(v.string(), v.trim(), v.minLength(2, 'Diga o nome.'), v.maxLength(120), v.check(isStorableText, 'O nome contém um caractere inválido.'));
const secretariatId = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'Secretaria inválida.'));
const totpCode = v.pipe(v.string(), v.trim(), v.regex(/^\d{6}$/, 'O código tem 6 números.'));
/** A filter's day: a real day from 2000 to 2100 (the database's own range is wider and answers far-off years with an error). */
const filterDay = v.pipe(
  v.string(),
  v.check(isRealDay, 'Data inválida: use AAAA-MM-DD.'),
  v.check(isSaneDay, 'Use uma data entre 2000 e 2100.'),
);

// ---------------------------------------------------------------- sign-in

export const LoginRequestSchema = v.strictObject({ email, password: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) });
export const TotpRequestSchema = v.strictObject({ code: totpCode });
export const PasswordResetRequestSchema = v.strictObject({ token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{20,100}$/)), password });

const StaffAccountSchema = v.object({
  id: UuidSchema,
  email: v.string(),
  name: v.string(),
  roles: v.array(v.picklist(STAFF_ROLES)),
  secretariats: v.array(v.string()),
  totpEnabled: v.boolean(),
  disabled: v.boolean(),
});
export type StaffAccount = v.InferOutput<typeof StaffAccountSchema>;

/**
 * The sign-in state. `password_ok`: the password was right and a second factor is still due (`totp` to
 * type a code, `enrol` to set one up first). `signed_in`: every staff route is open, as far as the role goes.
 */
export const SessionResponseSchema = v.object({
  stage: v.picklist(['totp', 'enrol', 'signed_in']),
  csrfToken: v.string(),
  account: v.optional(StaffAccountSchema),
  permissions: v.optional(v.array(v.picklist(PERMISSIONS))),
});
export type SessionResponse = v.InferOutput<typeof SessionResponseSchema>;

export const TotpEnrolmentSchema = v.object({ otpauthUri: v.string(), qrSvg: v.string(), secret: v.string() });
/** Setting up (or setting up again) the second factor asks for the password again, in the same request. */
export const TotpEnrolmentRequestSchema = v.strictObject({ password: v.pipe(v.string(), v.minLength(1, 'Digite a sua senha.'), v.maxLength(200)) });

// ---------------------------------------------------------------- accounts (admin)

export const NewAccountSchema = v.strictObject({
  email,
  name,
  roles: v.pipe(v.array(v.picklist(STAFF_ROLES, 'Papel desconhecido.')), v.minLength(1, 'Escolha pelo menos um papel.')),
  secretariats: v.array(secretariatId),
});
export const AccountChangeSchema = v.strictObject({
  name: v.optional(name),
  roles: v.optional(v.pipe(v.array(v.picklist(STAFF_ROLES, 'Papel desconhecido.')), v.minLength(1, 'Escolha pelo menos um papel.'))),
  secretariats: v.optional(v.array(secretariatId)),
  disabled: v.optional(v.boolean()),
});
export const ResetLinkSchema = v.object({ link: v.string(), expiresAt: v.string() });

/** Granting admin, controladoria or ouvidoria: proposed by one admin, decided by another. */
const PendingGrantSchema = v.object({
  id: UuidSchema,
  account: v.object({ id: UuidSchema, name: v.string(), email: v.string() }),
  roles: v.array(v.picklist(STAFF_ROLES)),
  secretariats: v.array(v.string()),
  proposedBy: v.object({ id: UuidSchema, name: v.string() }),
  proposedAt: v.string(),
});
export type PendingGrant = v.InferOutput<typeof PendingGrantSchema>;
export const GrantDecisionSchema = v.strictObject({ decision: v.picklist(['approved', 'refused']) });

/** "O que mudou nas contas": account events since the admin's previous sign-in, and the grants waiting. */
export const AccountChangesSchema = v.object({
  since: v.nullable(v.string()),
  changes: v.array(v.object({
    id: v.string(),
    at: v.string(),
    action: v.string(),
    by: v.nullable(v.object({ id: UuidSchema, name: v.string() })),
    target: v.nullable(v.object({ id: UuidSchema, name: v.string() })),
  })),
  pending: v.array(PendingGrantSchema),
});
export type AccountChanges = v.InferOutput<typeof AccountChangesSchema>;
export const ACCOUNT_CHANGE_LABELS: Record<string, string> = {
  account_created: 'Conta criada',
  account_created_cli: 'Conta criada pela linha de comando do servidor',
  account_changed: 'Conta alterada',
  roles_changed: 'Papéis ou secretarias alterados',
  account_disabled: 'Conta desativada',
  reset_link_created: 'Link de senha criado',
  password_set: 'Senha definida',
  grant_proposed: 'Papel proposto (espera aprovação)',
  grant_approved: 'Papel aprovado',
  grant_refused: 'Papel recusado',
  cli_grant: 'Papel dado pela linha de comando do servidor',
  totp_reset: 'Segundo fator redefinido',
  totp_enrolled: 'Segundo fator ativado',
  login_lockout: 'Conta protegida: muitas senhas erradas de muitos endereços',
};

// ---------------------------------------------------------------- the work queue

/** The deadline flag a request shows in the back office: its due date's flag (DueDateFlag, deadlines.ts) or paused while the city waits for the citizen. */
const REQUEST_DEADLINE_FLAGS = ['overdue', 'due_soon', 'on_time', 'met', 'missed', 'paused'] as const;
export type RequestDeadlineFlag = (typeof REQUEST_DEADLINE_FLAGS)[number];

export const QueueFilterSchema = v.strictObject({
  secretariat: v.optional(secretariatId),
  service: v.optional(storableText(80)),
  status: v.optional(v.picklist(SUBMISSION_STATUSES)),
  kind: v.optional(v.picklist(SUBMISSION_KINDS)),
  district: v.optional(storableText(120)),
  village: v.optional(storableText(120)),
  overdue: v.optional(v.picklist(['1'])),
  mine: v.optional(v.picklist(['1'])),
  from: v.optional(filterDay),
  to: v.optional(filterDay),
  protocol: v.optional(v.pipe(v.string(), v.regex(/^\d{4}-\d{1,7}$/, 'Protocolo no formato 2026-000123.'))),
  after: v.optional(storableText(200)),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/))),
});
export type QueueFilter = v.InferOutput<typeof QueueFilterSchema>;

const QueueItemSchema = v.object({
  id: UuidSchema,
  /** Null for a secretariat reading a manifestação without its author's identity (the number is sequential). */
  protocol: v.nullable(v.string()),
  kind: v.picklist(SUBMISSION_KINDS),
  serviceId: v.string(),
  serviceName: v.string(),
  secretariatId: v.string(),
  status: v.picklist(SUBMISSION_STATUSES),
  /** An instant; only its day (YYYY-MM-DD) where the protocol is null. */
  receivedAt: v.string(),
  dueAt: v.nullable(v.string()),
  flag: v.nullable(v.picklist(REQUEST_DEADLINE_FLAGS)),
  district: v.nullable(v.string()),
  village: v.nullable(v.string()),
  assignedTo: v.nullable(v.object({ id: UuidSchema, name: v.string() })),
  /** Manifestações: the secretariat the Ouvidoria forwarded it to, and whether its deadline was extended. */
  forwardedTo: v.optional(v.nullable(v.string())),
  extended: v.optional(v.boolean()),
});
export type QueueItem = v.InferOutput<typeof QueueItemSchema>;

export const QueuePageSchema = v.object({
  items: v.array(QueueItemSchema),
  /** Opaque: pass as `after` for the next page; null on the last page. */
  nextCursor: v.nullable(v.string()),
  /** Per status, for the same filter without the status filter. */
  counts: v.record(v.string(), v.number()),
});
export type QueuePage = v.InferOutput<typeof QueuePageSchema>;

const RequestEventSchema = v.object({
  at: v.string(),
  /** status: a status change (with a note to the citizen); question / reply: the "aguardando o cidadão" exchange; transfer, assign, note (internal). */
  type: v.picklist(['status', 'question', 'reply', 'transfer', 'assign', 'note', 'forward', 'internal_answer']),
  status: v.optional(v.picklist(SUBMISSION_STATUSES)),
  text: v.optional(v.string()),
  /** Public events are what the citizen reads; internal notes, assignments and transfer reasons are not. */
  public: v.boolean(),
  by: v.nullable(v.string()),
});
export type RequestEvent = v.InferOutput<typeof RequestEventSchema>;

export const RequestDetailSchema = v.object({
  ...QueueItemSchema.entries,
  formId: v.string(),
  formVersion: v.number(),
  formTitle: v.string(),
  createdAt: v.string(),
  /** Every answer under the label of the form version the citizen filled in, in the form's order. */
  answers: v.array(v.object({ fieldId: v.string(), label: v.string(), type: v.string(), value: v.string() })),
  attachments: v.array(v.object({ sha256: v.string(), type: v.string(), size: v.number(), fieldId: v.string(), label: v.string() })),
  location: v.nullable(v.object({ lat: v.optional(v.number()), lng: v.optional(v.number()), accuracy: v.optional(v.number()), district: v.optional(v.string()), village: v.optional(v.string()), mapUrl: v.nullable(v.string()) })),
  events: v.array(RequestEventSchema),
  templates: v.array(v.object({ id: UuidSchema, title: v.string(), text: v.string() })),
  /** A manifestação's identification left out for this reader (a secretariat, without the citizen's consent). */
  identityWithheld: v.optional(v.literal(true)),
});
export type RequestDetail = v.InferOutput<typeof RequestDetailSchema>;

/** A status change; `declined` ("não atendido") always states its reason in the note. */
export const StatusChangeSchema = v.pipe(
  v.strictObject({ status: v.picklist(SUBMISSION_STATUSES), note: v.optional(storableShortText(2000)) }),
  v.check((change) => change.status !== 'declined' || (change.note?.length ?? 0) > 0, 'Diga o motivo de "não atendido".'),
  v.check((change) => change.status !== 'waiting_citizen', 'Para esperar o cidadão, faça uma pergunta.'),
);
export const QuestionSchema = v.strictObject({ question: storableShortText(2000) });
export const NoteSchema = v.strictObject({ text: storableShortText(4000) });
export const AssignSchema = v.strictObject({ accountId: v.nullable(UuidSchema) });
export const TransferSchema = v.strictObject({ secretariatId, reason: storableShortText(1000) });
export const ForwardSchema = v.strictObject({ secretariatId, note: v.optional(storableShortText(2000)) });
export const InternalAnswerSchema = v.strictObject({ text: storableShortText(4000) });
export const ExtensionSchema = v.strictObject({ justification: v.pipe(storableShortText(1000), v.minLength(20, 'Explique a prorrogação em pelo menos 20 caracteres.')) });
export const TemplateSchema = v.strictObject({ serviceId: storableText(80), title: storableShortText(120), text: storableShortText(2000) });

const AuditEntrySchema = v.object({
  id: v.string(),
  at: v.string(),
  account: v.nullable(v.object({ id: UuidSchema, name: v.string() })),
  sessionId: v.nullable(v.string()),
  action: v.string(),
  submissionId: v.nullable(v.string()),
  target: v.nullable(v.string()),
});
export type AuditEntry = v.InferOutput<typeof AuditEntrySchema>;

// ---------------------------------------------------------------- answers the back office reads (parsed, never cast)

export const OkSchema = v.object({ ok: v.literal(true) });
export const AccountListSchema = v.object({ accounts: v.array(StaffAccountSchema) });
/** PATCH /accounts/:id: the account as it is now, and the grant waiting for a second admin, if the change needs one. */
export const AccountAnswerSchema = v.object({ account: StaffAccountSchema, pendingGrant: v.optional(PendingGrantSchema) });
/** POST /accounts: the new account and its one-time link to choose a password (shown once). */
export const AccountCreatedSchema = v.object({ account: StaffAccountSchema, ...ResetLinkSchema.entries, pendingGrant: v.optional(PendingGrantSchema) });
export const ColleaguesSchema = v.object({ colleagues: v.array(v.object({ id: UuidSchema, name: v.string(), secretariats: v.array(v.string()) })) });
export type Colleague = v.InferOutput<typeof ColleaguesSchema>['colleagues'][number];
export const CharterImportResultSchema = v.object({ version: v.string(), installed: v.boolean(), newFormVersions: v.number(), services: v.number() });
export const AuditPageSchema = v.object({ entries: v.array(AuditEntrySchema), nextBefore: v.nullable(v.string()) });
/** What the back office reads of GET /api/charter: names for the filters, the transfer list and the rows. */
export const CharterDirectorySchema = v.object({
  version: v.string(),
  secretariats: v.array(v.object({ id: v.string(), name: v.string() })),
  services: v.array(v.object({ id: v.string(), name: v.string(), secretariatId: v.string() })),
  districts: v.array(v.object({ id: v.string(), name: v.string(), villages: v.array(v.string()) })),
});
export type CharterDirectory = v.InferOutput<typeof CharterDirectorySchema>;
