/**
 * Where filling a form starts: a new session, a draft to resume, or the correction of a rejected record,
 * read from the outbox through its queries, with the draft's photos loaded back.
 */
import type { AttachmentType } from '../../../shared/contract/submissions.ts';
import type { District, Service } from '../../../shared/contract/charter.ts';
import type { FormDefinition } from '../../../shared/contract/forms.ts';
import { INTEGRITY_SERVICE_ID } from '../../../shared/contract/integrity-service.ts';
import { type IdentificationMode } from '../../../shared/contract/integrity.ts';
import { getOutboxDb, type Draft } from '../../../sync/outbox/db.ts';
import { correctionDraftId, findResumableDraft } from '../../../sync/outbox/drafts.ts';
import { findDraft, findFiles, findRecord } from '../../../sync/outbox/queries.ts';
import type { PhotoItem } from './field-parts.tsx';
import { IDENTIFY_FIELD } from './identification-choice.tsx';

export interface PhotoFile extends PhotoItem {
  blob: Blob;
  type: AttachmentType;
}

export interface Session {
  /**
   * The form and district list as they were when filling started: a charter refreshed in the
   * background must not reset what the person typed (the submission names the version it was filled in).
   */
  form: FormDefinition;
  districts: readonly District[];
  draftId: string;
  /** The submission id: new, the draft's, or the rejected record's being corrected. */
  recordId: string;
  correctsRecordId?: string;
  createdAt: number;
  answers: Draft['answers'];
  serverErrors: Record<string, string>;
  serverMessage?: string;
  photos: Map<string, PhotoFile>;
  /** The integrity channel's form only: how the person chose to be identified. */
  identification?: IdentificationMode;
}

export type Phase =
  | { name: 'loading' }
  | { name: 'choose'; draft: Draft }
  | { name: 'filling'; session: Session }
  | { name: 'gone'; message: string }
  | { name: 'failed' };

export function newSession(service: Service, form: FormDefinition, districts: readonly District[]): Session {
  const id = crypto.randomUUID();
  return {
    form, districts, draftId: id, recordId: id, createdAt: Date.now(), answers: {}, serverErrors: {}, photos: new Map(),
    ...(service.id === INTEGRITY_SERVICE_ID ? { identification: 'anonimo' as const } : {}),
  };
}

/**
 * The integrity channel's identification, as the draft or the record to correct left it; anonymous unless the
 * person chose otherwise. The form's "identificar" checkbox follows the choice (it shows the identity fields).
 */
function identificationOf(service: Service, draft: Draft, recorded?: IdentificationMode): IdentificationMode | undefined {
  if (service.id !== INTEGRITY_SERVICE_ID) return undefined;
  return recorded ?? draft.identification ?? (draft.answers[IDENTIFY_FIELD] === true ? 'preservada' : 'anonimo');
}

function withIdentification(form: FormDefinition, answers: Draft['answers'], mode: IdentificationMode | undefined): Draft['answers'] {
  if (mode === undefined || !form.fields.some((f) => f.id === IDENTIFY_FIELD)) return answers;
  const { [IDENTIFY_FIELD]: _old, ...rest } = answers;
  return mode === 'anonimo' ? rest : { ...rest, [IDENTIFY_FIELD]: true };
}

async function loadPhotos(hashes: string[]): Promise<Map<string, PhotoFile>> {
  const rows = await findFiles(getOutboxDb(), hashes);
  const photos = new Map<string, PhotoFile>();
  for (const row of rows) {
    photos.set(row.sha256, { sha256: row.sha256, blob: row.blob, type: row.type, size: row.size, url: URL.createObjectURL(row.blob) });
  }
  return photos;
}

function photoHashes(form: FormDefinition, answers: Draft['answers']): string[] {
  return form.fields.filter((f) => f.type === 'photo').flatMap((f) => {
    const value = answers[f.id];
    return Array.isArray(value) ? value : [];
  });
}

/** A photo gone from the phone is dropped from the answers, so its field asks for it again before sending. */
function withoutMissingPhotos(form: FormDefinition, answers: Draft['answers'], photos: Map<string, PhotoFile>): Draft['answers'] {
  const kept = { ...answers };
  for (const field of form.fields) {
    const value = kept[field.id];
    if (field.type !== 'photo' || !Array.isArray(value)) continue;
    const present = value.filter((hash) => photos.has(hash));
    if (present.length) kept[field.id] = present;
    else delete kept[field.id];
  }
  return kept;
}

export async function sessionFromDraft(
  service: Service, form: FormDefinition, districts: readonly District[], draft: Draft,
  serverErrors: Record<string, string> = {}, serverMessage?: string, recorded?: IdentificationMode,
): Promise<Session> {
  const photos = await loadPhotos(photoHashes(form, draft.answers));
  const identification = identificationOf(service, draft, recorded);
  return {
    form,
    districts,
    draftId: draft.id,
    recordId: draft.correctsRecordId ?? draft.id,
    ...(draft.correctsRecordId ? { correctsRecordId: draft.correctsRecordId } : {}),
    createdAt: draft.createdAt,
    answers: withIdentification(form, withoutMissingPhotos(form, draft.answers, photos), identification),
    serverErrors,
    ...(serverMessage ? { serverMessage } : {}),
    photos,
    ...(identification ? { identification } : {}),
  };
}

export async function resolvePhase(service: Service, form: FormDefinition, districts: readonly District[], query: URLSearchParams): Promise<Phase> {
  const db = getOutboxDb();
  const correct = query.get('corrigir');
  if (correct) {
    const record = await findRecord(db, correct);
    if (!record || record.state !== 'rejected' || !record.answers) {
      return { name: 'gone', message: 'Este pedido não precisa de correção (ou não está mais neste aparelho). Veja em "Minhas solicitações".' };
    }
    const draftId = correctionDraftId(record.id);
    const saved = await findDraft(db, draftId);
    const draft: Draft = saved ?? {
      id: draftId, serviceId: record.serviceId, formId: record.formId, formVersion: form.version, kind: form.kind,
      answers: record.answers, attachments: record.attachments, correctsRecordId: record.id, createdAt: Date.now(), updatedAt: Date.now(),
      summary: { serviceName: service.name, formTitle: form.title },
    };
    return { name: 'filling', session: await sessionFromDraft(service, form, districts, draft, record.fieldErrors ?? {}, record.lastError, saved ? undefined : record.integrity?.identification) };
  }
  const draftId = query.get('rascunho');
  if (draftId) {
    const draft = await findDraft(db, draftId);
    if (!draft) return { name: 'gone', message: 'Este rascunho não está mais neste aparelho. Talvez já tenha sido enviado: veja em "Minhas solicitações".' };
    return { name: 'filling', session: await sessionFromDraft(service, form, districts, draft) };
  }
  const resumable = await findResumableDraft(db, form.id, service.id);
  if (resumable && Object.keys(resumable.answers).length > 0) return { name: 'choose', draft: resumable };
  return { name: 'filling', session: newSession(service, form, districts) };
}
