/**
 * The integrity mixer's holding table (integrity_inbox): a report or a reporter's message sealed whole, with a
 * random id and the day only, until the mixer moves it into the tables (domain/integrity/mixer.ts).
 */
import type { Sealed } from '../domain/integrity/crypto.ts';
import type { Queryable } from './types.ts';

export interface HeldReportRow {
  reportId: string;
  clientHash: string;
  receiptHash: string;
  receiptForRetry: Buffer;
  day: string;
  sealed: Sealed;
}

/** Holds a report; false when it is already held, or its retry was mixed in meanwhile (the caller answers it as a retry). */
export async function insertHeldReport(db: Queryable, id: string, row: HeldReportRow): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO integrity_inbox (id, kind, report_id, client_hash, receipt_hash, receipt_for_retry, day, key_id, contents)
     SELECT $1, 'report', $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM integrity_reports WHERE client_hash = $3)
     ON CONFLICT DO NOTHING`,
    [id, row.reportId, row.clientHash, row.receiptHash, row.receiptForRetry, row.day, row.sealed.keyId, row.sealed.blob],
  );
  return inserted.rowCount > 0;
}

/** Holds a reporter's message after the report's others (its order among them); false when already held. */
export async function insertHeldMessage(db: Queryable, id: string, row: { reportId: string; clientHash: string; day: string; sealed: Sealed }): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO integrity_inbox (id, kind, report_id, client_hash, report_order, day, key_id, contents)
     SELECT $1, 'message', $2, $3, coalesce(max(report_order), 0) + 1, $4, $5, $6 FROM integrity_inbox WHERE report_id = $2
     ON CONFLICT DO NOTHING`,
    [id, row.reportId, row.clientHash, row.day, row.sealed.keyId, row.sealed.blob],
  );
  return inserted.rowCount > 0;
}

/** The day a report is held since; null when it is not held. */
export async function heldReportDayOf(db: Queryable, reportId: string): Promise<string | null> {
  const row = (await db.query<{ day: string }>(`SELECT day::text AS day FROM integrity_inbox WHERE kind = 'report' AND report_id = $1`, [reportId])).rows[0];
  return row ? row.day.slice(0, 10) : null;
}

/** A report's messages still held, in the order sent. */
export async function heldMessageRows(db: Queryable, reportId: string): Promise<{ day: string; sealed: Sealed }[]> {
  const rows = await db.query<{ day: string; key_id: string; contents: Uint8Array }>(
    `SELECT day::text AS day, key_id, contents FROM integrity_inbox WHERE kind = 'message' AND report_id = $1 ORDER BY report_order`, [reportId],
  );
  return rows.rows.map((row) => ({ day: row.day.slice(0, 10), sealed: { keyId: row.key_id, blob: Buffer.from(row.contents) } }));
}

export interface InboxItem {
  id: string;
  kind: 'report' | 'message';
  reportId: string;
  clientHash: string;
  receiptHash: string | null;
  receiptForRetry: Buffer | null;
  reportOrder: number;
  day: string;
  sealed: Sealed;
}

/** Everything held, locked for the mixer's transaction (in no particular order: the mixer draws one). */
export async function lockAllHeld(tx: Queryable): Promise<InboxItem[]> {
  const rows = await tx.query<{
    id: string; kind: 'report' | 'message'; report_id: string; client_hash: string; receipt_hash: string | null;
    receipt_for_retry: Uint8Array | null; report_order: number; day: string; key_id: string; contents: Uint8Array;
  }>('SELECT id, kind, report_id, client_hash, receipt_hash, receipt_for_retry, report_order, day::text AS day, key_id, contents FROM integrity_inbox FOR UPDATE');
  return rows.rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    reportId: row.report_id,
    clientHash: row.client_hash,
    receiptHash: row.receipt_hash,
    receiptForRetry: row.receipt_for_retry ? Buffer.from(row.receipt_for_retry) : null,
    reportOrder: row.report_order,
    day: row.day.slice(0, 10),
    sealed: { keyId: row.key_id, blob: Buffer.from(row.contents) },
  }));
}

export async function deleteHeld(tx: Queryable, ids: readonly string[]): Promise<void> {
  await tx.query('DELETE FROM integrity_inbox WHERE id = ANY($1::uuid[])', [ids]);
}

/**
 * Deleted rows keep their place and transaction ids on disk, in arrival order, until vacuumed: so the
 * holding table is vacuumed after each run that moved something (emptied, its pages are cut off the file).
 * VACUUM runs outside any transaction (pass the storage itself); a failure only leaves this to autovacuum.
 */
export async function vacuumHoldingTable(db: Queryable): Promise<void> {
  await db.query('VACUUM integrity_inbox');
}
