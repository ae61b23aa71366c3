/**
 * The integrity channel on the phone. A denúncia is an outbox record marked `channel: 'integrity'`: it is
 * never batched with the person's named requests, gets no protocol, is never in a status read, a push
 * subscription or a "Salvar cópia" file, and goes by its own route (POST /api/integridade/relatos) a random
 * 3–30 s after it became due and after any other traffic of the outbox, so that it does not leave next to
 * the person's named requests. Its photos travel inline, without metadata. On acknowledgement its answers
 * and photos are deleted; only the receipt stays, until the person says "Já anotei".
 *
 * More information for a denúncia (from /acompanhar, on any phone) is a record of the same channel,
 * kind 'message', holding the receipt until it is acknowledged; then it is deleted whole.
 *
 * The sending itself is in drain.ts (sendIntegrity), with the same states, retries and lock as the rest.
 */
import { withoutMetadata } from '../../shared/file-metadata.ts';
import {
  IDENTITY_FIELDS,
  type FollowUp,
  type IdentificationMode,
  type IntegrityReport,
  type ReporterMessage,
} from '../../shared/contract/integrity.ts';
import { INTEGRITY_SERVICE_ID } from '../../shared/contract/integrity-service.ts';
import type { Answers, Attachment } from '../../shared/contract/submissions.ts';
import { deleteUnreferencedBlobs } from './blob-store.ts';
import { bytesToBase64 } from './base64.ts';
import { isIntegrity, UNSENT_STATES, type OutboxDb, type OutboxRecord } from './db.ts';
import { correctionDraftId } from './drafts.ts';
import { enqueueSubmission, recordByteSize, type EnqueueInput, type OutboxFile } from './enqueue.ts';
import { keptReceipts } from './queries.ts';
import { guardQuota } from './storage-errors.ts';

/** How long after becoming due (and after any other request of the outbox) a record of the channel waits. */
export const INTEGRITY_DELAY = { minMs: 3_000, maxMs: 30_000 } as const;

export const INTEGRITY_MESSAGE_FORM_ID = 'integridade-mensagem';
/** The field of a message's files (the server keeps the name with each file). */
export const INTEGRITY_MESSAGE_FILES_FIELD = 'arquivos';

/** A random wait in [min, max). */
export function integrityDelay(random: () => number): number {
  return INTEGRITY_DELAY.minMs + Math.floor(random() * (INTEGRITY_DELAY.maxMs - INTEGRITY_DELAY.minMs));
}

/** "1234 5678 9012 3456": how a receipt is shown and written down. */
export function groupReceipt(receipt: string): string {
  return receipt.replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** A receipt as typed (spaces and dashes allowed): its 16 digits, or null. */
export function normalizeReceipt(text: string): string | null {
  const digits = text.replace(/[\s.-]/g, '');
  return /^\d{16}$/.test(digits) ? digits : null;
}

/** Answers that may leave the phone: in anonymous mode, nothing that identifies the person (nor the choice to). */
export function reportAnswers(answers: Answers, identification: IdentificationMode): Answers {
  if (identification !== 'anonimo') return answers;
  const hidden = new Set<string>([...IDENTITY_FIELDS, 'identificar']);
  return Object.fromEntries(Object.entries(answers).filter(([key]) => !hidden.has(key)));
}

/** Queues a denúncia (or the correction of a rejected one, under the same id). */
export function enqueueIntegrityReport(
  db: OutboxDb, input: Omit<EnqueueInput, 'integrity'> & { identification: IdentificationMode }, now: () => number = Date.now,
): Promise<OutboxRecord> {
  const { identification, ...rest } = input;
  return enqueueSubmission(db, {
    ...rest,
    serviceId: INTEGRITY_SERVICE_ID,
    answers: reportAnswers(rest.answers, identification),
    integrity: { kind: 'report', identification },
  }, now);
}

/** Queues more information (text and files) for the denúncia with this receipt, exactly once by its id. */
export async function enqueueIntegrityMessage(
  db: OutboxDb, input: { id: string; receipt: string; text: string; files: readonly OutboxFile[] }, now: () => number = Date.now,
): Promise<OutboxRecord> {
  const attachments: Attachment[] = input.files.map((f) => ({ sha256: f.sha256, type: f.type, size: f.blob.size, fieldId: INTEGRITY_MESSAGE_FILES_FIELD }));
  const answers: Answers = { mensagem: input.text.trim() };
  return guardQuota(() => db.transaction('rw', db.records, db.blobs, async () => {
    const existing = await db.records.get(input.id);
    if (existing) return existing;
    const at = now();
    await db.blobs.bulkPut(input.files.map((f) => ({ sha256: f.sha256, blob: f.blob, type: f.type, size: f.blob.size, createdAt: at, salted: true })));
    const record: OutboxRecord = {
      id: input.id,
      state: 'queued',
      kind: 'manifestation',
      serviceId: INTEGRITY_SERVICE_ID,
      formId: INTEGRITY_MESSAGE_FORM_ID,
      formVersion: 0,
      answers,
      attachments,
      createdAt: new Date(at).toISOString(),
      updatedAt: at,
      attempts: 0,
      nextAttemptAt: 0,
      channel: 'integrity',
      integrity: { kind: 'message', receipt: input.receipt },
      summary: { serviceName: 'Manifestação', formTitle: 'Mais informações para a Controladoria', byteSize: recordByteSize(answers, attachments) },
    };
    await db.records.put(record);
    return record;
  }));
}

/** The files of a record, inline and without metadata; `missing` names one gone from the phone. */
async function inlineFiles(db: OutboxDb, record: OutboxRecord): Promise<{ files: IntegrityReport['files'] } | { missing: Attachment }> {
  const rows = await db.blobs.bulkGet(record.attachments.map((a) => a.sha256));
  const files: IntegrityReport['files'] = [];
  for (const [i, attachment] of record.attachments.entries()) {
    const row = rows[i];
    if (!row) return { missing: attachment };
    // Photos were already re-encoded by a canvas (no EXIF, no GPS); PDFs were not: authors and XMP go here.
    const bytes = withoutMetadata(new Uint8Array(await row.blob.arrayBuffer()), attachment.type);
    files.push({ fieldId: attachment.fieldId, type: attachment.type, base64: bytesToBase64(bytes) });
  }
  return { files };
}

export type IntegrityWire =
  | { path: '/api/integridade/relatos'; body: IntegrityReport }
  | { path: '/api/integridade/mensagens'; body: ReporterMessage }
  | { missing: Attachment };

/** The request a queued record of the channel becomes. */
export async function integrityRequest(db: OutboxDb, record: OutboxRecord): Promise<IntegrityWire> {
  const part = record.integrity!;
  const inline = await inlineFiles(db, record);
  if ('missing' in inline) return inline;
  const answers = record.answers ?? {};
  if (part.kind === 'message') {
    return {
      path: '/api/integridade/mensagens',
      body: { id: record.id, receipt: part.receipt ?? '', text: String(answers.mensagem ?? ''), files: inline.files },
    };
  }
  // Photo answers name files by this phone's salted addresses: the files travel inline instead.
  const photoFields = new Set(record.attachments.map((a) => a.fieldId));
  return {
    path: '/api/integridade/relatos',
    body: {
      id: record.id,
      formId: record.formId,
      formVersion: record.formVersion,
      identification: part.identification ?? 'anonimo',
      answers: reportAnswers(Object.fromEntries(Object.entries(answers).filter(([key]) => !photoFields.has(key))), part.identification ?? 'anonimo'),
      files: inline.files,
    },
  };
}

/**
 * The server acknowledged a denúncia: its answers and photos leave the phone now (no later check: the server
 * keeps no way to tell this phone's report from another), and only the receipt and its day stay.
 */
export async function setReportReceived(db: OutboxDb, id: string, receipt: string, receivedDay: string, now: number): Promise<boolean> {
  return db.transaction('rw', db.records, db.drafts, db.blobs, async () => {
    const record = await db.records.get(id);
    if (!record || !isIntegrity(record)) return false;
    if (record.state === 'sent') return true;
    const { answers: _a, lastError: _e, fieldErrors: _f, ...kept } = record;
    await db.records.put({
      ...kept,
      state: 'sent',
      attachments: [],
      integrity: { kind: 'report', receipt, receivedDay },
      nextAttemptAt: 0,
      updatedAt: now,
      summary: { ...record.summary, byteSize: 0 },
    });
    await db.drafts.delete(correctionDraftId(id));
    await deleteUnreferencedBlobs(db, record.attachments.map((a) => a.sha256));
    return true;
  });
}

/** The server acknowledged a message: nothing of it stays (the follow-up shows it). */
export async function setMessageReceived(db: OutboxDb, id: string): Promise<void> {
  await db.transaction('rw', db.records, db.drafts, db.blobs, async () => {
    const record = await db.records.get(id);
    if (!record || !isIntegrity(record)) return;
    await db.records.delete(id);
    await deleteUnreferencedBlobs(db, record.attachments.map((a) => a.sha256));
  });
}

/** "Já anotei": the receipt, and the last follow-up kept with it, leave the phone. */
export async function forgetReceipt(db: OutboxDb, id: string): Promise<void> {
  await db.transaction('rw', db.records, db.drafts, db.blobs, async () => {
    const record = await db.records.get(id);
    if (!record || !isIntegrity(record) || record.state !== 'sent') return;
    await db.records.delete(id);
    await deleteUnreferencedBlobs(db, record.attachments.map((a) => a.sha256));
  });
}

/**
 * The last follow-up read is kept only with a receipt this phone still keeps: a receipt typed on another
 * phone (or after "Já anotei") leaves nothing behind.
 */
export async function rememberFollowUp(db: OutboxDb, receipt: string, followUp: FollowUp, now: number): Promise<boolean> {
  return db.transaction('rw', db.records, async () => {
    const record = (await keptReceipts(db)).find((r) => r.integrity!.receipt === receipt);
    if (!record) return false;
    await db.records.update(record.id, { integrity: { ...record.integrity!, followUp, followUpAt: now } });
    return true;
  });
}

export async function keptFollowUp(db: OutboxDb, receipt: string): Promise<{ followUp: FollowUp; at: number } | null> {
  const record = (await keptReceipts(db)).find((r) => r.integrity!.receipt === receipt);
  return record?.integrity?.followUp ? { followUp: record.integrity.followUp, at: record.integrity.followUpAt ?? 0 } : null;
}

/** Unsent records of the channel: "Salvar cópia" leaves them out and says so. */
export async function countUnsentIntegrity(db: OutboxDb): Promise<number> {
  return db.records.where('state').anyOf(UNSENT_STATES as string[]).filter(isIntegrity).count();
}
