/**
 * The one path by which a submission is judged and stored: used by POST /api/submissions, POST /api/sync
 * and the outbox:import CLI alike.
 */
import { bahiaDay } from '../../shared/dates.ts';
import { type ApiError, type Receipt, SubmissionSchema, type Submission, parseContract } from '../../shared/schemas.ts';
import { validateAnswers, validateAttachmentRefs } from '../../shared/validate-answers.ts';
import { NoCharterError, apiError } from '../api-errors.ts';
import type { CharterCache } from '../current-charter.ts';
import { canonicalJson, sha256Hex } from '../hashing.ts';
import { findAttachments } from '../storage/attachment-store.ts';
import { findSubmission, insertSubmission, receiptOf, type StoredSubmission } from '../storage/submission-store.ts';
import type { Storage } from '../storage/types.ts';

export type AcceptResult =
  | { outcome: 'accepted' | 'duplicate'; id: string; receipt: Receipt }
  | { outcome: 'rejected' | 'conflict' | 'missing_attachments'; id: string | null; error: ApiError };

export interface AcceptDeps {
  storage: Storage;
  charters: CharterCache;
}

export const STATUS_BY_OUTCOME: Record<AcceptResult['outcome'], number> = {
  accepted: 201,
  duplicate: 200,
  conflict: 409,
  rejected: 422,
  missing_attachments: 422,
};

const MISSING_ATTACHMENT = 'A foto ainda não chegou ao servidor. Ela será enviada de novo automaticamente.';

function idOf(input: unknown): string | null {
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
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
async function judge({ storage, charters }: AcceptDeps, submission: Submission, now: Date): Promise<AcceptResult | null> {
  const { id } = submission;
  const current = await charters.current();
  if (!current) throw new NoCharterError();
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

  const stored = await findAttachments(storage, submission.attachments.map((a) => a.sha256));
  const missing: Record<string, string> = {};
  for (const attachment of submission.attachments) {
    const file = stored.get(attachment.sha256);
    if (!file || file.type !== attachment.type || file.size !== attachment.size) missing[attachment.fieldId] = MISSING_ATTACHMENT;
  }
  if (Object.keys(missing).length) {
    return { outcome: 'missing_attachments', id, error: apiError('missing_attachments', 'Alguns arquivos ainda não chegaram ao servidor.', missing) };
  }
  return null;
}

/**
 * Parse, then look the id up (an identical retry gets its receipt even if today's charter would judge it
 * differently), then judge, then insert; the insert's ON CONFLICT settles a race between two requests.
 */
export async function acceptSubmission(deps: AcceptDeps, input: unknown, now = new Date()): Promise<AcceptResult> {
  const parsed = parseContract(SubmissionSchema, input);
  if (!parsed.ok) {
    return rejected(idOf(input), apiError('invalid_submission', 'O envio está em um formato que o servidor não aceita.', parsed.fields));
  }
  const submission = parsed.value;
  const bodyHash = sha256Hex(canonicalJson(submission));
  const existing = await findSubmission(deps.storage, submission.id);
  if (existing) return sameOrConflict(existing, bodyHash);

  const refusal = await judge(deps, submission, now);
  if (refusal) return refusal;

  const { inserted, stored } = await insertSubmission(deps.storage, submission, bodyHash, now);
  return inserted ? { outcome: 'accepted', id: stored.id, receipt: receiptOf(stored) } : sameOrConflict(stored, bodyHash);
}
