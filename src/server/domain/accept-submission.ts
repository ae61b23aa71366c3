/**
 * The one path by which submissions are judged and stored: POST /api/submissions (a batch of one),
 * POST /api/sync and the outbox:import CLI alike. Every item gets its own outcome; nothing one item does
 * (bad shape, a value the database cannot hold, an error nobody foresaw) keeps another from being stored.
 */
import { bahiaDay } from '../../shared/dates.ts';
import { type ApiError, MAX_FIELD_ERRORS, MORE_ERRORS_KEY, capFieldErrors } from '../../shared/contract/errors.ts';
import { type Charter, type Service } from '../../shared/contract/charter.ts';
import { type LocationAnswer, SubmissionSchema, type Submission } from '../../shared/contract/submissions.ts';
import { type ProtocolReceipt } from '../../shared/contract/status.ts';
import { parseContract } from '../../shared/contract/parse.ts';
import { validateAnswers, validateAttachmentRefs } from '../../shared/validate-answers.ts';
import { NoCharterError, apiError } from '../http/api-errors.ts';
import type { CharterCache, CurrentCharter } from './current-charter.ts';
import { inTurn } from '../http/fair-turns.ts';
import { canonicalJson, sha256Hex } from './hashing.ts';
import { findAttachments } from '../storage/attachment-store.ts';
import { hashFollowUpCode } from './follow-up-codes.ts';
import { findSubmissions, insertSubmissions, receiptOf, type NewSubmission, type StoredSubmission } from '../storage/submission-store.ts';
import type { Storage } from '../storage/types.ts';

export type AcceptResult =
  | { outcome: 'accepted' | 'duplicate'; id: string; receipt: ProtocolReceipt }
  | { outcome: 'rejected' | 'conflict' | 'missing_attachments' | 'retry_later'; id: string | null; error: ApiError };

export interface AcceptDeps {
  storage: Storage;
  charters: CharterCache;
  /** Told of an item the database refused unexpectedly (logged without its content). */
  onItemFailure?: (error: unknown) => void;
  /** The "Salvar cópia" import may cite files stored under a plain SHA-256 (exported before salting). */
  includeUnsaltedFiles?: boolean;
  /** The due date of a request received now, from its service's promised time (deadlines). */
  dueDate?: DueDateFn;
}

export type DueDateFn = (service: Service, receivedAt: Date, charter: Charter) => Date | null;

export const STATUS_BY_OUTCOME: Record<AcceptResult['outcome'], number> = {
  accepted: 201,
  duplicate: 200,
  conflict: 409,
  rejected: 422,
  missing_attachments: 422,
  retry_later: 503,
};

/** Items parsed or judged in one go before giving the event loop a turn. */
const SLICE = 20;

/** Field messages in one batch's answer, all items together: a hostile batch cannot make the answer huge. */
export const MAX_BATCH_FIELD_ERRORS = 200;

const MISSING_ATTACHMENT = 'A foto ainda não chegou ao servidor. Ela será enviada de novo automaticamente.';
const RETRY_LATER = 'O servidor não conseguiu guardar este envio agora. Ele será enviado de novo automaticamente.';

function idOf(input: unknown): string | null {
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length <= 64 ? id : null;
}

function rejected(id: string | null, error: ApiError): AcceptResult {
  return { outcome: 'rejected', id, error };
}

function sameOrConflict(stored: StoredSubmission, bodyHash: string): AcceptResult {
  if (stored.bodyHash === bodyHash) return { outcome: 'duplicate', id: stored.id, receipt: receiptOf(stored) };
  return {
    outcome: 'conflict',
    id: stored.id,
    error: apiError('conflict', 'Já existe um envio com este identificador e conteúdo diferente.'),
  };
}

/** Checks a parsed submission against the charter, its form version and the uploaded files. */
async function judge(
  { charters }: AcceptDeps, current: CurrentCharter, submission: Submission, now: Date, files: ReadonlyMap<string, { type: string; size: number }>,
): Promise<AcceptResult | null> {
  const { id } = submission;
  const service = current.services.get(submission.serviceId);
  if (!service) {
    return rejected(id, apiError('unknown_service', 'Serviço não encontrado na Carta de Serviços.', { serviceId: 'Serviço não encontrado.' }));
  }
  const form = await charters.formVersion(submission.formId, submission.formVersion);
  if (!form) {
    return rejected(id, apiError('unknown_form_version', 'Esta versão do formulário não existe no servidor.', { formVersion: 'Versão de formulário desconhecida.' }));
  }
  if (form.kind !== submission.kind) {
    return rejected(id, apiError('form_kind_mismatch', 'O tipo do envio não corresponde ao formulário.', { kind: 'Tipo de envio diferente do formulário.' }));
  }
  if (submission.kind === 'request' && service.formId !== submission.formId) {
    return rejected(id, apiError('form_service_mismatch', 'Este formulário não é o do serviço escolhido.', { formId: 'Formulário de outro serviço.' }));
  }
  const filledAt = Math.min(Date.parse(submission.createdAt), now.getTime());
  const fields = {
    ...validateAttachmentRefs(form, submission.answers, submission.attachments),
    ...validateAnswers(form, submission.answers, { today: bahiaDay(filledAt), districts: current.charter.districts }),
  };
  if (Object.keys(fields).length) return rejected(id, apiError('invalid_answers', 'Algumas respostas precisam ser corrigidas.', fields));

  const missing: Record<string, string> = {};
  for (const attachment of submission.attachments) {
    const file = files.get(attachment.sha256);
    if (!file || file.type !== attachment.type || file.size !== attachment.size) missing[attachment.fieldId] = MISSING_ATTACHMENT;
  }
  if (Object.keys(missing).length) {
    return { outcome: 'missing_attachments', id, error: apiError('missing_attachments', 'Alguns arquivos ainda não chegaram ao servidor.', missing) };
  }
  return null;
}

/** Where an accepted submission goes in the work queue: its service's secretariat, its deadline, its place. */
function queuePlace(current: CurrentCharter, submission: Submission, receivedAt: Date, dueDate?: DueDateFn): Omit<NewSubmission, 'submission' | 'bodyHash'> {
  const service = current.services.get(submission.serviceId)!;
  const location = Object.values(submission.answers).find((value): value is LocationAnswer => typeof value === 'object' && value !== null && !Array.isArray(value));
  return {
    secretariatId: service.secretariatId,
    // Evaluations are not work to do: only requests and manifestações have a deadline.
    dueAt: submission.kind === 'evaluation' || !dueDate ? null : dueDate(service, receivedAt, current.charter),
    district: location?.district ?? null,
    village: location?.village ?? null,
    followUpHash: null,
  };
}

/**
 * Four at a time, as many as libuv's default thread pool runs: a batch of 100 costs about 25 argon2 runs of
 * wall time (~0.3 s on the city's server), 32 MiB of memory at most, and the event loop stays free.
 */
async function hashFollowUpCodes(items: { submission: Submission; followUpHash: string | null }[]): Promise<void> {
  const coded = items.filter((item) => item.submission.followUpCode);
  for (let start = 0; start < coded.length; start += 4) {
    await Promise.all(coded.slice(start, start + 4).map(async (item) => {
      item.followUpHash = await hashFollowUpCode(item.submission.followUpCode!);
    }));
  }
}

/** Caps the field messages of each item (MAX_FIELD_ERRORS) and of the whole answer (MAX_BATCH_FIELD_ERRORS). */
function capErrors(results: AcceptResult[]): AcceptResult[] {
  let budget = MAX_BATCH_FIELD_ERRORS;
  return results.map((result) => {
    if (!('error' in result) || !result.error.fields) return result;
    const fields = capFieldErrors(result.error.fields, Math.max(0, Math.min(MAX_FIELD_ERRORS, budget)));
    budget -= Object.keys(fields).filter((key) => key !== MORE_ERRORS_KEY).length;
    return { ...result, error: { ...result.error, fields } };
  });
}

/**
 * Judges and stores a batch, answering per item in the order given. Steps: parse every item; look up every
 * id at once (an identical retry gets its receipt even if today's charter would judge it differently); judge
 * the rest; store the good ones in one transaction (storage/submission-store.ts); the insert's ON CONFLICT
 * settles a race with another request. A repeated id later in the batch answers like a retry of the first.
 */
export async function acceptBatch(deps: AcceptDeps, inputs: readonly unknown[], now = new Date()): Promise<AcceptResult[]> {
  const results: (AcceptResult | undefined)[] = new Array(inputs.length);
  const parsed: { index: number; submission: Submission; bodyHash: string }[] = [];
  // Once the answer holds as many messages as it may, a bad item is only told its first problem: parsing a
  // hostile batch in full (100 items × 100 malformed answers) would cost every other client its turn.
  let messages = 0;
  const parseOne = (input: unknown, index: number) => {
    const result = parseContract(SubmissionSchema, input, { abortEarly: messages >= MAX_BATCH_FIELD_ERRORS });
    if (!result.ok) {
      messages += Object.keys(result.fields).length;
      results[index] = rejected(idOf(input), apiError('invalid_submission', 'O envio está em um formato que o servidor não aceita.', result.fields));
      return;
    }
    parsed.push({ index, submission: result.value, bodyHash: sha256Hex(canonicalJson(result.value)) });
  };
  // A slice at a time, each in its own turn of the event loop (fair-turns.ts).
  for (let start = 0; start < inputs.length; start += SLICE) {
    const slice = inputs.slice(start, start + SLICE);
    if (inputs.length <= SLICE) slice.forEach((input, i) => parseOne(input, start + i));
    else await inTurn(() => slice.forEach((input, i) => parseOne(input, start + i)));
  }

  // One look at the charter for the whole batch (it is one query per look).
  const current = parsed.length ? await deps.charters.current() : null;
  if (parsed.length && !current) throw new NoCharterError();
  const existing = await findSubmissions(deps.storage, parsed.map((p) => p.submission.id));
  const files = await findAttachments(deps.storage, parsed.flatMap((p) => p.submission.attachments.map((a) => a.sha256)), { includeUnsalted: deps.includeUnsaltedFiles });
  const firstOfId = new Map<string, (typeof parsed)[number]>();
  let judged = 0;
  const toStore: ((typeof parsed)[number] & Omit<NewSubmission, 'submission' | 'bodyHash'>)[] = [];
  const repeats: (typeof parsed)[number][] = [];
  for (const item of parsed) {
    const stored = existing.get(item.submission.id);
    if (stored) {
      results[item.index] = sameOrConflict(stored, item.bodyHash);
      continue;
    }
    if (firstOfId.has(item.submission.id)) {
      repeats.push(item);
      continue;
    }
    firstOfId.set(item.submission.id, item);
    if (++judged % SLICE === 0) await inTurn(() => undefined);
    const refusal = await judge(deps, current!, item.submission, now, files);
    if (refusal) results[item.index] = refusal;
    else toStore.push({ ...item, ...queuePlace(current!, item.submission, now, deps.dueDate) });
  }

  // Hashed only for what is about to be stored: a retry or a refused item costs no argon2 run.
  await hashFollowUpCodes(toStore);
  const inserted = await insertSubmissions(deps.storage, toStore, now);
  const raced: string[] = [];
  inserted.forEach((outcome, i) => {
    const item = toStore[i]!;
    if (outcome.status === 'inserted') {
      results[item.index] = { outcome: 'accepted', id: outcome.id, receipt: receiptOf(outcome.stored) };
    } else if (outcome.status === 'failed') {
      deps.onItemFailure?.(outcome.error);
      results[item.index] = { outcome: 'retry_later', id: outcome.id, error: apiError('retry_later', RETRY_LATER) };
    } else {
      raced.push(outcome.id);
    }
  });

  // Ids stored by another request meanwhile, and repeats within this batch, are answered from what is
  // stored now; a repeat whose first copy was not stored is sent again later, on its own.
  const racedItems = toStore.filter((item) => raced.includes(item.submission.id));
  const lookups = [...racedItems, ...repeats];
  const storedNow = lookups.length ? await findSubmissions(deps.storage, lookups.map((item) => item.submission.id)) : new Map<string, StoredSubmission>();
  for (const item of lookups) {
    const stored = storedNow.get(item.submission.id);
    results[item.index] = stored
      ? sameOrConflict(stored, item.bodyHash)
      : { outcome: 'retry_later', id: item.submission.id, error: apiError('retry_later', RETRY_LATER) };
  }
  return capErrors(results.map((result, index) => result ?? rejected(idOf(inputs[index]), apiError('invalid_submission', 'Envio não avaliado.'))));
}

/** One submission: a batch of one. */
export async function acceptSubmission(deps: AcceptDeps, input: unknown, now = new Date()): Promise<AcceptResult> {
  return (await acceptBatch(deps, [input], now))[0]!;
}
