/**
 * The integrity channel's reports: accepted from the phone (validated against the form, then sealed),
 * followed with the receipt, answered by the controladoria. What is stored links no reporter: no protocol,
 * no IP, no time finer than the day, the phone's id only hashed, the receipt only as a slow hash.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';
import { bahiaDay } from '../../../shared/dates.ts';
import {
  IDENTITY_FIELDS, IntegrityReportSchema, MAX_INLINE_BYTES, ReporterMessageSchema, type FollowUp, type InlineFile,
} from '../../../shared/contract/integrity.ts';
import { INTEGRITY_SERVICE_ID } from '../../../shared/contract/integrity-service.ts';
import type { IntegrityList, IntegritySummary } from '../../../shared/contract/integrity-staff.ts';
import { MAX_ATTACHMENT_BYTES, type Answers } from '../../../shared/contract/submissions.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { type ApiError } from '../../../shared/contract/errors.ts';
import { type FormDefinition } from '../../../shared/contract/forms.ts';
import { validateAnswers } from '../../../shared/validate-answers.ts';
import { apiError } from '../../http/api-errors.ts';
import type { CharterCache } from '../current-charter.ts';
import { matchesDeclaredType } from '../file-signatures.ts';
import { sha256Hex } from '../hashing.ts';
import { getOrCreateServerKey } from '../../storage/push-store.ts';
import { heldReportDayOf } from '../../storage/integrity-inbox-store.ts';
import {
  countReports, dropRetryReceiptsBefore, encodeReportCursor, fileList, insertMessage, markReadOnce, messageRows, reportIdOfReceipt, reportOfClient,
  reportPage, reportProgress, reportWithIdentity, sealedFile, updateClassification, updateReportStatus, type ReportCursor, type ReportRow,
} from '../../storage/integrity-store.ts';
import type { Queryable, Storage } from '../../storage/types.ts';
import { openForRetry, sealForRetry, type IntegrityKeys } from './crypto.ts';
import { withoutMetadata } from '../../../shared/file-metadata.ts';
import { heldMessagesOf, holdMessage, holdReport } from './mixer.ts';

export interface IntegrityDeps {
  storage: Storage;
  charters: CharterCache;
  keys: IntegrityKeys;
}

const RETRY_DAYS = 7;

/** 16 random digits: about 53 bits, and a slow hash per guess. */
export function makeReceipt(): string {
  return Array.from({ length: 16 }, () => String(randomInt(10))).join('');
}

/**
 * The receipt's slow hash (argon2id). The salt is one per server, kept in the database: deterministic, so a
 * receipt finds its report by index, and still 19 MiB and two passes of work for every guess.
 */
export async function hashReceipt(db: Queryable, receipt: string): Promise<string> {
  const salt = await getOrCreateServerKey(db, 'receipt_salt', () => sha256Hex(randomUUID()));
  return (await hashRaw(receipt, { salt: Buffer.from(salt, 'hex') })).toString('hex');
}

export type ReportOutcome =
  | { status: 201 | 200; receipt: string; receivedDay: string }
  | { status: 409 | 422; error: ApiError };

interface SealedContents {
  formId: string;
  formVersion: number;
  answers: Answers;
}

function decodeFiles(files: readonly InlineFile[]): { ok: true; files: { fieldId: string; type: InlineFile['type']; bytes: Buffer }[] } | { ok: false; error: ApiError } {
  let total = 0;
  const decoded = [];
  for (const [i, file] of files.entries()) {
    const bytes = Buffer.from(file.base64, 'base64');
    total += bytes.length;
    if (bytes.length === 0 || bytes.length > MAX_ATTACHMENT_BYTES || total > MAX_INLINE_BYTES) {
      return { ok: false, error: apiError('file_too_large', 'Os arquivos são grandes demais: no máximo 5 MB cada e 8 MB ao todo.', { [`files.${i}`]: 'Arquivo grande demais.' }) };
    }
    if (!matchesDeclaredType(bytes, file.type)) {
      return { ok: false, error: apiError('type_mismatch', 'O conteúdo de um arquivo não corresponde ao tipo informado.', { [`files.${i}`]: 'Tipo não corresponde.' }) };
    }
    // The phone already removed EXIF, GPS and document authors; this is the second line.
    decoded.push({ fieldId: file.fieldId, type: file.type, bytes: Buffer.from(withoutMetadata(bytes, file.type)) });
  }
  return { ok: true, files: decoded };
}

async function integrityForm(charters: CharterCache, formId: string, formVersion: number): Promise<FormDefinition | null> {
  const current = await charters.current();
  const service = current?.services.get(INTEGRITY_SERVICE_ID);
  if (!service || service.formId !== formId) return null;
  return charters.formVersion(formId, formVersion);
}

/** Answers checked against the form, with the photo fields counted from the inline files. */
function checkAnswers(form: FormDefinition, answers: Answers, files: readonly { fieldId: string }[], today: string): Record<string, string> {
  const withFiles: Answers = { ...answers };
  for (const field of form.fields.filter((f) => f.type === 'photo')) {
    const count = files.filter((f) => f.fieldId === field.id).length;
    if (count) withFiles[field.id] = Array.from({ length: count }, (_, i) => `${'0'.repeat(63)}${i}`);
    else delete withFiles[field.id];
  }
  return validateAnswers(form, withFiles, { today });
}

export async function acceptReport({ storage, charters, keys }: IntegrityDeps, input: unknown, now = new Date()): Promise<ReportOutcome> {
  const parsed = parseContract(IntegrityReportSchema, input);
  if (!parsed.ok) return { status: 422, error: apiError('invalid_report', 'O relato está em um formato que o servidor não aceita.', parsed.fields) };
  const report = parsed.value;
  const clientHash = sha256Hex(`relato:${report.id}`);
  // A retry finds its report held in the mixer's inbox or already moved into the table.
  const existing = await reportOfClient(storage, clientHash);
  if (existing) {
    const receipt = existing.receiptForRetry ? openForRetry(report.id, existing.receiptForRetry) : null;
    if (!receipt) return { status: 409, error: apiError('already_received', 'Este relato já foi recebido, e o recibo já foi mostrado. Se não o anotou, faça um novo relato.') };
    return { status: 200, receipt, receivedDay: existing.receivedDay };
  }
  const form = await integrityForm(charters, report.formId, report.formVersion);
  if (!form) return { status: 422, error: apiError('unknown_form_version', 'Este formulário não é o do Canal de Integridade.', { formId: 'Formulário desconhecido.' }) };
  const answers = report.answers as Answers;
  const identity: Answers = {};
  for (const key of IDENTITY_FIELDS) {
    if (answers[key] === undefined) continue;
    identity[key] = answers[key]!;
  }
  if (report.identification === 'anonimo' && Object.keys(identity).length) {
    return { status: 422, error: apiError('identity_in_anonymous', 'Numa denúncia anônima, não envie nome, CPF, e-mail nem telefone.', Object.fromEntries(Object.keys(identity).map((k) => [k, 'Apague este campo ou escolha se identificar.']))) };
  }
  const decoded = decodeFiles(report.files);
  if (!decoded.ok) return { status: 422, error: decoded.error };
  const today = bahiaDay(now);
  const fields = checkAnswers(form, answers, decoded.files, today);
  if (Object.keys(fields).length) return { status: 422, error: apiError('invalid_answers', 'Algumas respostas precisam ser corrigidas.', fields) };

  const contents: SealedContents = {
    formId: form.id,
    formVersion: form.version,
    answers: Object.fromEntries(Object.entries(answers).filter(([key]) => !(IDENTITY_FIELDS as readonly string[]).includes(key))),
  };
  const receipt = makeReceipt();
  const receiptHash = await hashReceipt(storage, receipt);
  const retryUntil = bahiaDay(now.getTime() + RETRY_DAYS * 86_400_000);
  // Held apart, sealed whole, until the mixer moves it into the tables (mixer.ts): acknowledged now.
  const inserted = await holdReport(storage, keys, {
    reportId: randomUUID(),
    clientHash,
    receiptHash,
    receiptForRetry: sealForRetry(report.id, receipt),
    day: today,
    held: {
      identification: report.identification,
      retryUntil,
      contents,
      identity: Object.keys(identity).length ? identity : null,
      files: decoded.files.map((file) => ({ fieldId: file.fieldId, type: file.type, base64: file.bytes.toString('base64') })),
    },
  });
  // Another request with the same report won the race: answer as its retry.
  if (!inserted) return acceptReport({ storage, charters, keys }, input, now);
  return { status: 201, receipt, receivedDay: today };
}

export async function findByReceipt(deps: IntegrityDeps, receipt: string): Promise<string | null> {
  return reportIdOfReceipt(deps.storage, await hashReceipt(deps.storage, receipt));
}

export interface MessageView {
  from: 'controladoria' | 'voce';
  day: string;
  text: string;
  files: number;
}

export async function messagesOf({ storage, keys }: IntegrityDeps, reportId: string): Promise<MessageView[]> {
  return (await messageRows(storage, reportId)).map((row) => ({
    from: row.fromCity ? 'controladoria' : 'voce',
    day: row.day,
    text: keys.open(row.sealed).toString('utf8'),
    files: row.files,
  }));
}

/** The reporter's view, also of a report or messages the mixer still holds (the receipt works at once). */
export async function followUp(deps: IntegrityDeps, reportId: string, again = true): Promise<FollowUp> {
  const row = await reportProgress(deps.storage, reportId);
  const held = (await heldMessagesOf(deps.storage, deps.keys, reportId))
    .map(({ day, message }): MessageView => ({ from: 'voce', day, text: message.text, files: message.files.length }));
  if (!row) {
    const heldDay = await heldReportDayOf(deps.storage, reportId);
    // Mixed in between the two reads: read it again from the table.
    if (!heldDay && again) return followUp(deps, reportId, false);
    return { status: 'recebida', receivedDay: heldDay ?? bahiaDay(), readDay: null, messages: held };
  }
  // An answer held for the mixer already answers the question, as the mixer will record it.
  const status = held.length && row.status === 'aguardando_voce' ? 'em_apuracao' : row.status;
  return { status, receivedDay: row.receivedDay, readDay: row.readDay, messages: [...await messagesOf(deps, reportId), ...held] };
}

export type MessageOutcome = { status: 201 | 200 } | { status: 404 | 422; error: ApiError };

/** More information from the reporter (with the receipt), exactly once by the message's phone-made id. */
export async function acceptReporterMessage(deps: IntegrityDeps, input: unknown, now = new Date()): Promise<MessageOutcome> {
  const parsed = parseContract(ReporterMessageSchema, input);
  if (!parsed.ok) return { status: 422, error: apiError('invalid_message', 'A mensagem está em um formato que o servidor não aceita.', parsed.fields) };
  const message = parsed.value;
  if (!message.text && message.files.length === 0) return { status: 422, error: apiError('empty_message', 'Escreva algo ou anexe um arquivo.') };
  const reportId = await findByReceipt(deps, message.receipt);
  if (!reportId) return { status: 404, error: apiError('not_found', 'Recibo não encontrado. Confira os 16 números.') };
  const decoded = decodeFiles(message.files);
  if (!decoded.ok) return { status: 422, error: decoded.error };
  const clientHash = sha256Hex(`mensagem:${message.id}`);
  // Held for the mixer, like a report: its row, its files and the status change come when it is mixed in.
  const stored = await holdMessage(deps.storage, deps.keys, reportId, clientHash, bahiaDay(now), {
    text: message.text ?? '',
    files: decoded.files.map((file) => ({ fieldId: file.fieldId, type: file.type, base64: file.bytes.toString('base64') })),
  });
  return { status: stored ? 201 : 200 };
}

// ---------------------------------------------------------------- the controladoria's side

function summaryOf(keys: IntegrityKeys, row: ReportRow): IntegritySummary & { answers: Answers } {
  const contents = keys.openJson<SealedContents>(row.contents);
  // Field by field: a column added to the row later must not reach the controladoria's list unnoticed.
  return {
    id: row.id, receivedDay: row.receivedDay, status: row.status, identification: row.identification, readDay: row.readDay,
    riskCategory: row.riskCategory, linkedSecretariats: row.linkedSecretariats, linkedServices: row.linkedServices,
    tipo: typeof contents.answers.tipo === 'string' ? contents.answers.tipo : null,
    orgao: typeof contents.answers.orgao === 'string' ? contents.answers.orgao : null,
    answers: contents.answers,
  };
}

/** How many reports a page of the controladoria's list holds (each one's contents are opened, for its type and body). */
const REPORT_PAGE_SIZE = 50;

/** One page of the list after the cursor (null: the first), newest first; only its rows are opened. */
export async function listReports({ storage, keys }: IntegrityDeps, after: ReportCursor | null): Promise<IntegrityList> {
  // One row more than the page tells whether another page follows.
  const rows = await reportPage(storage, after, REPORT_PAGE_SIZE + 1);
  const page = rows.slice(0, REPORT_PAGE_SIZE);
  const reports = page.map((row) => {
    const { answers: _hidden, ...summary } = summaryOf(keys, row);
    return summary;
  });
  const last = page.at(-1);
  return { reports, total: await countReports(storage), nextCursor: rows.length > REPORT_PAGE_SIZE && last ? encodeReportCursor(last) : null };
}

/** Opening a report: its answers, files and messages; the first opening sets the day the reporter sees. */
export async function openReport(deps: IntegrityDeps, id: string, now = new Date()) {
  const row = await reportWithIdentity(deps.storage, id);
  if (!row) return null;
  await markReadOnce(deps.storage, id, bahiaDay(now));
  const { identity: sealedIdentity, ...report } = row;
  const summary = summaryOf(deps.keys, report);
  const files = await fileList(deps.storage, id);
  // The reporter's identity is shown when they chose to be identified; "preservada" needs the audited reveal.
  // It is sealed with the contents' key.
  const identity = row.identification === 'identificado' && sealedIdentity ? deps.keys.openJson<Answers>({ keyId: row.contents.keyId, blob: sealedIdentity }) : null;
  return {
    ...summary,
    readDay: summary.readDay ?? bahiaDay(now),
    identity,
    identityHidden: row.identification === 'preservada' && sealedIdentity !== null,
    files,
    messages: await messagesOf(deps, id),
  };
}

export async function readReportFile({ storage, keys }: IntegrityDeps, reportId: string, fileId: string): Promise<{ type: string; bytes: Buffer } | null> {
  const file = await sealedFile(storage, reportId, fileId);
  return file ? { type: file.type, bytes: keys.open(file.sealed) } : null;
}

/**
 * The controladoria's question to the reporter, inside the caller's transaction (which also holds its audit
 * entry); false when there is no such report. Not an opening: it marks nothing read.
 */
export async function cityMessage(tx: Queryable, keys: IntegrityKeys, reportId: string, text: string, now = new Date()): Promise<boolean> {
  if (!(await updateReportStatus(tx, reportId, 'aguardando_voce'))) return false;
  await insertMessage(tx, { id: randomUUID(), reportId, clientHash: null, fromCity: true, day: bahiaDay(now), sealed: keys.seal(text) });
  return true;
}

export async function classifyReport(db: Queryable, reportId: string, change: { riskCategory: string | null; secretariats: string[]; services: string[] }): Promise<boolean> {
  // Each link once: a repeated one would count a report several times in the radar's clusters.
  return updateClassification(db, reportId, { riskCategory: change.riskCategory, secretariats: [...new Set(change.secretariats)], services: [...new Set(change.services)] });
}

/** A week after a report arrived, its receipt can no longer be told again, even to a retry. */
export async function forgetRetryReceipts(storage: Storage, now = new Date()): Promise<number> {
  return dropRetryReceiptsBefore(storage, bahiaDay(now));
}
