/**
 * The integrity channel's tables (integrity_reports, integrity_messages, integrity_files): every statement
 * the channel's rules (domain/integrity/) send. Contents arrive and leave sealed; nothing here opens them.
 * Days are read as text (`::text`): a DATE parsed into a JavaScript Date would shift with the server's time zone.
 */
import type { IdentificationMode, IntegrityStatus } from '../../shared/contract/integrity.ts';
import type { Sealed } from '../domain/integrity/crypto.ts';
import type { Queryable } from './types.ts';
import { isSaneDay } from '../../shared/dates.ts';

const dayText = (day: string): string => day.slice(0, 10);
const sealedOf = (keyId: string, blob: Uint8Array): Sealed => ({ keyId, blob: Buffer.from(blob) });

// ---------------------------------------------------------------- the reporter's side

/** A report with this phone-made id, held in the mixer's inbox or already in the table: what its retry is told. */
export async function reportOfClient(db: Queryable, clientHash: string): Promise<{ receiptForRetry: Buffer | null; receivedDay: string } | null> {
  const row = (await db.query<{ receipt_for_retry: Uint8Array | null; received_day: string }>(
    `SELECT receipt_for_retry, received_day::text AS received_day FROM integrity_reports WHERE client_hash = $1
     UNION ALL SELECT receipt_for_retry, day::text FROM integrity_inbox WHERE client_hash = $1 AND kind = 'report'`, [clientHash],
  )).rows[0];
  return row ? { receiptForRetry: row.receipt_for_retry ? Buffer.from(row.receipt_for_retry) : null, receivedDay: dayText(row.received_day) } : null;
}

/** The report a receipt's hash names, held or in the table. */
export async function reportIdOfReceipt(db: Queryable, receiptHash: string): Promise<string | null> {
  const row = (await db.query<{ id: string }>(
    `SELECT id FROM integrity_reports WHERE receipt_hash = $1 UNION ALL SELECT report_id FROM integrity_inbox WHERE receipt_hash = $1 AND kind = 'report'`, [receiptHash],
  )).rows[0];
  return row?.id ?? null;
}

export async function reportProgress(db: Queryable, reportId: string): Promise<{ status: IntegrityStatus; receivedDay: string; readDay: string | null } | null> {
  const row = (await db.query<{ status: IntegrityStatus; received_day: string; read_day: string | null }>(
    'SELECT status, received_day::text AS received_day, read_day::text AS read_day FROM integrity_reports WHERE id = $1', [reportId],
  )).rows[0];
  return row ? { status: row.status, receivedDay: dayText(row.received_day), readDay: row.read_day ? dayText(row.read_day) : null } : null;
}

/** A report's messages in order, each with how many files came with it. */
export async function messageRows(db: Queryable, reportId: string): Promise<{ fromCity: boolean; day: string; sealed: Sealed; files: number }[]> {
  const rows = await db.query<{ id: string; from_city: boolean; day: string; key_id: string; contents: Uint8Array }>(
    'SELECT id, from_city, day::text AS day, key_id, contents FROM integrity_messages WHERE report_id = $1 ORDER BY seq', [reportId],
  );
  const files = await db.query<{ message_id: string; n: number }>(
    'SELECT message_id, count(*)::int AS n FROM integrity_files WHERE report_id = $1 AND message_id IS NOT NULL GROUP BY message_id', [reportId],
  );
  const counts = new Map(files.rows.map((row) => [row.message_id, row.n]));
  return rows.rows.map((row) => ({ fromCity: row.from_city, day: dayText(row.day), sealed: sealedOf(row.key_id, row.contents), files: counts.get(row.id) ?? 0 }));
}

// ---------------------------------------------------------------- writes (the mixer's and the controladoria's)

export interface NewReportRow {
  id: string;
  clientHash: string;
  receiptHash: string | null;
  receiptForRetry: Buffer | null;
  retryUntil: string;
  identification: string;
  contents: Sealed;
  /** Sealed with the same key as the contents. */
  identity: Buffer | null;
  receivedDay: string;
}

/** A report moved in by the mixer, as received; false when it is already there. */
export async function insertReport(tx: Queryable, row: NewReportRow): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO integrity_reports (id, client_hash, receipt_hash, receipt_for_retry, retry_until, identification, key_id, contents, identity, received_day, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'recebida') ON CONFLICT DO NOTHING`,
    [row.id, row.clientHash, row.receiptHash, row.receiptForRetry, row.retryUntil, row.identification, row.contents.keyId, row.contents.blob, row.identity, row.receivedDay],
  );
  return inserted.rowCount > 0;
}

/** A message after the report's last one; false when the same message (client hash) is already stored. */
export async function insertMessage(tx: Queryable, row: { id: string; reportId: string; clientHash: string | null; fromCity: boolean; day: string; sealed: Sealed }): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO integrity_messages (id, report_id, client_hash, seq, from_city, day, key_id, contents)
     SELECT $1, $2, $3, coalesce(max(seq), 0) + 1, $4, $5, $6, $7 FROM integrity_messages WHERE report_id = $2
     ON CONFLICT (client_hash) DO NOTHING`,
    [row.id, row.reportId, row.clientHash, row.fromCity, row.day, row.sealed.keyId, row.sealed.blob],
  );
  return inserted.rowCount > 0;
}

export async function messageStored(db: Queryable, clientHash: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM integrity_messages WHERE client_hash = $1', [clientHash])).rowCount > 0;
}

export async function insertFile(tx: Queryable, row: { id: string; reportId: string; messageId: string | null; fieldId: string; type: string; size: number; sealed: Sealed }): Promise<void> {
  await tx.query(
    'INSERT INTO integrity_files (id, report_id, message_id, field_id, type, size, key_id, contents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [row.id, row.reportId, row.messageId, row.fieldId, row.type, row.size, row.sealed.keyId, row.sealed.blob],
  );
}

/** Locks the report's row for the rest of the transaction. */
export async function lockReport(tx: Queryable, reportId: string): Promise<void> {
  await tx.query('SELECT 1 FROM integrity_reports WHERE id = $1 FOR UPDATE', [reportId]);
}

/** The reporter answered the controladoria's question: back to "em apuração". */
export async function resumeAfterReporterAnswer(tx: Queryable, reportId: string): Promise<void> {
  await tx.query(`UPDATE integrity_reports SET status = 'em_apuracao' WHERE id = $1 AND status = 'aguardando_voce'`, [reportId]);
}

/** False when there is no such report. */
export async function updateReportStatus(db: Queryable, reportId: string, status: IntegrityStatus): Promise<boolean> {
  return (await db.query('UPDATE integrity_reports SET status = $2 WHERE id = $1', [reportId, status])).rowCount > 0;
}

/** False when there is no such report. */
export async function updateClassification(db: Queryable, reportId: string, change: { riskCategory: string | null; secretariats: string[]; services: string[] }): Promise<boolean> {
  return (await db.query(
    'UPDATE integrity_reports SET risk_category = $2, linked_secretariats = $3, linked_services = $4 WHERE id = $1',
    [reportId, change.riskCategory, change.secretariats, change.services],
  )).rowCount > 0;
}

/** Receipts kept for a retry whose week is over (retry_until before the day) are dropped; returns how many. */
export async function dropRetryReceiptsBefore(db: Queryable, day: string): Promise<number> {
  return (await db.query('UPDATE integrity_reports SET receipt_for_retry = NULL WHERE retry_until < $1 AND receipt_for_retry IS NOT NULL', [day])).rowCount;
}

// ---------------------------------------------------------------- the controladoria's reading

export interface ReportRow {
  id: string;
  receivedDay: string;
  status: IntegrityStatus;
  identification: IdentificationMode;
  readDay: string | null;
  riskCategory: string | null;
  contents: Sealed;
  linkedSecretariats: string[];
  linkedServices: string[];
}

type RawReportRow = {
  id: string; received_day: string; status: IntegrityStatus; identification: IdentificationMode; read_day: string | null;
  risk_category: string | null; key_id: string; contents: Uint8Array; linked_secretariats: string[]; linked_services: string[];
};

const REPORT_COLUMNS = `id, received_day::text AS received_day, status, identification, read_day::text AS read_day, risk_category, key_id, contents,
  linked_secretariats, linked_services`;

const reportRowOf = (row: RawReportRow): ReportRow => ({
  id: row.id,
  receivedDay: dayText(row.received_day),
  status: row.status,
  identification: row.identification,
  readDay: row.read_day ? dayText(row.read_day) : null,
  riskCategory: row.risk_category,
  contents: sealedOf(row.key_id, row.contents),
  linkedSecretariats: row.linked_secretariats,
  linkedServices: row.linked_services,
});

/** Where the last row of a page sat in the list's order (newest day first, then by id). */
export interface ReportCursor {
  day: string;
  id: string;
}

/** Opaque to the back office: it passes it back as it came. */
export function encodeReportCursor(row: { receivedDay: string; id: string }): string {
  return Buffer.from(JSON.stringify({ d: row.receivedDay, i: row.id })).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Exactly what encodeReportCursor writes, or null: anything else would reach the database's casts and fail there. */
export function decodeReportCursor(text: string): ReportCursor | null {
  if (text.length > 200) return null;
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { d?: unknown; i?: unknown };
    if (typeof cursor.d !== 'string' || typeof cursor.i !== 'string' || !UUID.test(cursor.i)) return null;
    // A real day the database can hold (it has no year 0): isSaneDay's 2000–2100, as every report's day is.
    if (!isSaneDay(cursor.d)) return null;
    return { day: cursor.d, id: cursor.i };
  } catch {
    return null;
  }
}

/**
 * Up to `limit` reports after the cursor, newest day first and by id within a day: the list's order, which
 * the index integrity_reports_list walks, so a page reads its own rows only.
 */
export async function reportPage(db: Queryable, after: ReportCursor | null, limit: number): Promise<ReportRow[]> {
  const rows = after
    ? await db.query<RawReportRow>(
      `SELECT ${REPORT_COLUMNS} FROM integrity_reports WHERE received_day <= $1::date AND (received_day < $1::date OR id > $2::uuid)
       ORDER BY received_day DESC, id LIMIT $3`, [after.day, after.id, limit],
    )
    : await db.query<RawReportRow>(`SELECT ${REPORT_COLUMNS} FROM integrity_reports ORDER BY received_day DESC, id LIMIT $1`, [limit]);
  return rows.rows.map(reportRowOf);
}

export async function countReports(db: Queryable): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM integrity_reports')).rows[0]!.n;
}

/** A report with its sealed identity (sealed with the contents' key), or null. */
export async function reportWithIdentity(db: Queryable, reportId: string): Promise<(ReportRow & { identity: Buffer | null }) | null> {
  const row = (await db.query<RawReportRow & { identity: Uint8Array | null }>(`SELECT ${REPORT_COLUMNS}, identity FROM integrity_reports WHERE id = $1`, [reportId])).rows[0];
  return row ? { ...reportRowOf(row), identity: row.identity ? Buffer.from(row.identity) : null } : null;
}

/** The first opening sets the day the reporter sees as "lida em"; later ones change nothing. */
export async function markReadOnce(db: Queryable, reportId: string, day: string): Promise<void> {
  await db.query('UPDATE integrity_reports SET read_day = $2 WHERE id = $1 AND read_day IS NULL', [reportId, day]);
}

/** A report's files, without their contents. */
export async function fileList(db: Queryable, reportId: string): Promise<{ id: string; fieldId: string | null; type: string; size: number; fromMessage: boolean }[]> {
  const rows = await db.query<{ id: string; field_id: string | null; type: string; size: number; message_id: string | null }>(
    'SELECT id, field_id, type, size, message_id FROM integrity_files WHERE report_id = $1 ORDER BY id', [reportId],
  );
  return rows.rows.map((f) => ({ id: f.id, fieldId: f.field_id, type: f.type, size: f.size, fromMessage: f.message_id !== null }));
}

export async function sealedFile(db: Queryable, reportId: string, fileId: string): Promise<{ type: string; sealed: Sealed } | null> {
  const row = (await db.query<{ type: string; key_id: string; contents: Uint8Array }>(
    'SELECT type, key_id, contents FROM integrity_files WHERE report_id = $1 AND id = $2', [reportId, fileId],
  )).rows[0];
  return row ? { type: row.type, sealed: sealedOf(row.key_id, row.contents) } : null;
}

/** Whether the report holds a preserved identity at all (an anonymous one has none to reveal). */
export async function hasPreservedIdentity(db: Queryable, reportId: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM integrity_reports WHERE id = $1 AND identity IS NOT NULL AND identification = 'preservada'`, [reportId])).rowCount > 0;
}

export async function sealedIdentity(db: Queryable, reportId: string): Promise<Sealed | null> {
  const row = (await db.query<{ key_id: string; identity: Uint8Array | null }>('SELECT key_id, identity FROM integrity_reports WHERE id = $1', [reportId])).rows[0];
  return row?.identity ? sealedOf(row.key_id, row.identity) : null;
}

// ---------------------------------------------------------------- key rotation

/** Reports sealed with another key than the current one, with their identity (sealed with the same key). */
export async function reportsSealedWithOtherKey(tx: Queryable, currentKeyId: string): Promise<{ id: string; contents: Sealed; identity: Sealed | null }[]> {
  const rows = await tx.query<{ id: string; key_id: string; contents: Uint8Array; identity: Uint8Array | null }>(
    'SELECT id, key_id, contents, identity FROM integrity_reports WHERE key_id <> $1', [currentKeyId],
  );
  return rows.rows.map((row) => ({ id: row.id, contents: sealedOf(row.key_id, row.contents), identity: row.identity ? sealedOf(row.key_id, row.identity) : null }));
}

export async function resealReport(tx: Queryable, id: string, contents: Sealed, identity: Buffer | null): Promise<void> {
  await tx.query('UPDATE integrity_reports SET key_id = $2, contents = $3, identity = $4 WHERE id = $1', [id, contents.keyId, contents.blob, identity]);
}

/** The other tables holding one sealed column, `contents`. */
export const SEALED_TABLES = ['integrity_messages', 'integrity_files', 'integrity_inbox'] as const;
export type SealedTable = (typeof SEALED_TABLES)[number];

export async function rowsSealedWithOtherKey(tx: Queryable, table: SealedTable, currentKeyId: string): Promise<{ id: string; contents: Sealed }[]> {
  const rows = await tx.query<{ id: string; key_id: string; contents: Uint8Array }>(`SELECT id, key_id, contents FROM ${table} WHERE key_id <> $1`, [currentKeyId]);
  return rows.rows.map((row) => ({ id: row.id, contents: sealedOf(row.key_id, row.contents) }));
}

export async function resealRow(tx: Queryable, table: SealedTable, id: string, contents: Sealed): Promise<void> {
  await tx.query(`UPDATE ${table} SET key_id = $2, contents = $3 WHERE id = $1`, [id, contents.keyId, contents.blob]);
}
