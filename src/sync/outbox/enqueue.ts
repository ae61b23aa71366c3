/**
 * Putting a submission in the outbox: the record, its photos and the end of its draft are one
 * transaction, so a full disk or a closed tab leaves either all of it or none of it.
 */
import type { Answers, Attachment, AttachmentType, Submission } from '../../shared/contract/submissions.ts';
import type { SubmissionKind } from '../../shared/contract/forms.ts';
import { makeFollowUpCode } from './follow-up-code.ts';
import { type IntegrityPart, type OutboxDb, type OutboxRecord, type RecordSummary } from './db.ts';
import { guardQuota } from './storage-errors.ts';
import { deleteUnreferencedBlobs } from './blob-store.ts';

export interface OutboxFile {
  /** Its address on this device (hash.ts fileAddress). */
  sha256: string;
  blob: Blob;
  type: AttachmentType;
}

export interface EnqueueInput {
  id: string;
  kind: SubmissionKind;
  serviceId: string;
  formId: string;
  formVersion: number;
  /** Only the visible answers (visibleAnswers), already validated. */
  answers: Answers;
  attachments: Attachment[];
  files: readonly OutboxFile[];
  summary: Omit<RecordSummary, 'byteSize'>;
  /** The draft this submission came from; removed in the same transaction. */
  draftId?: string;
  /** A denúncia of the integrity channel (sync/outbox/integrity.ts enqueueIntegrityReport): it goes alone, by its own route. */
  integrity?: IntegrityPart;
}

export class MissingFileError extends Error {
  override name = 'MissingFileError';
  constructor() {
    super('Uma das fotos não está mais guardada no celular. Adicione a foto de novo e envie.');
  }
}

export function recordByteSize(answers: Answers | undefined, attachments: readonly Attachment[]): number {
  const answerBytes = answers ? new TextEncoder().encode(JSON.stringify(answers)).length : 0;
  return answerBytes + attachments.reduce((sum, a) => sum + a.size, 0);
}

/** The wire body of an unsent record (its answers are still on the phone). */
export function toSubmission(record: OutboxRecord): Submission {
  if (!record.answers) throw new Error(`Record ${record.id} has no answers left to send`);
  return {
    id: record.id,
    kind: record.kind,
    serviceId: record.serviceId,
    formId: record.formId,
    formVersion: record.formVersion,
    answers: record.answers,
    attachments: record.attachments,
    createdAt: record.createdAt,
    ...(record.followUpCode ? { followUpCode: record.followUpCode } : {}),
  };
}

/** Requests and manifestações are followed; evaluations and the integrity channel (its own receipt) are not. */
function followUpCodeFor(input: EnqueueInput, existing: OutboxRecord | undefined): string | undefined {
  if (input.integrity || input.kind === 'evaluation') return undefined;
  return existing?.followUpCode ?? makeFollowUpCode();
}

/**
 * Queues a submission. Submitting twice (double tap, two tabs) keeps the first record; a rejected
 * record is replaced by its correction under the SAME id, so the server sees one submission.
 */
export async function enqueueSubmission(db: OutboxDb, input: EnqueueInput, now: () => number = Date.now): Promise<OutboxRecord> {
  return guardQuota(() =>
    db.transaction('rw', db.records, db.blobs, db.drafts, async () => {
      const existing = await db.records.get(input.id);
      if (existing && existing.state !== 'rejected') {
        if (input.draftId) await db.drafts.delete(input.draftId);
        return existing;
      }
      const supplied = new Set(input.files.map((f) => f.sha256));
      const needed = input.attachments.filter((a) => !supplied.has(a.sha256)).map((a) => a.sha256);
      const stored = await db.blobs.bulkGet(needed);
      if (stored.some((row) => !row)) throw new MissingFileError();
      const at = now();
      // A correction keeps the code the person may already have noted.
      const followUpCode = followUpCodeFor(input, existing);
      await db.blobs.bulkPut(input.files.map((f) => ({ sha256: f.sha256, blob: f.blob, type: f.type, size: f.blob.size, createdAt: at, salted: true })));
      const record: OutboxRecord = {
        id: input.id,
        state: 'queued',
        kind: input.kind,
        serviceId: input.serviceId,
        formId: input.formId,
        formVersion: input.formVersion,
        answers: input.answers,
        attachments: input.attachments,
        createdAt: existing?.createdAt ?? new Date(at).toISOString(),
        updatedAt: at,
        attempts: 0,
        nextAttemptAt: 0,
        summary: { ...input.summary, byteSize: recordByteSize(input.answers, input.attachments) },
        ...(followUpCode ? { followUpCode } : {}),
        ...(input.integrity ? { channel: 'integrity' as const, integrity: input.integrity } : {}),
      };
      await db.records.put(record);
      if (input.draftId) await db.drafts.delete(input.draftId);
      // Every photo nothing names any more goes: the replaced record's, and those removed while filling in.
      await deleteUnreferencedBlobs(db, await db.blobs.toCollection().primaryKeys());
      return record;
    }),
  );
}
