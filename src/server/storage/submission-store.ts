import { bahiaDay } from '../../shared/dates.ts';
import type { Receipt, StatusEvent, Submission, SubmissionKind, SubmissionStatus, SubmissionStatusResponse } from '../../shared/schemas.ts';
import type { Queryable, Storage } from './types.ts';

export interface StoredSubmission extends Receipt {
  bodyHash: string;
}

interface SubmissionRow {
  id: string;
  body_hash: string;
  protocol: string;
  status: SubmissionStatus;
  received_at: Date;
  [key: string]: unknown;
}

function toStored(row: SubmissionRow): StoredSubmission {
  return { id: row.id, protocol: row.protocol, status: row.status, receivedAt: row.received_at.toISOString(), bodyHash: row.body_hash };
}

export function receiptOf(stored: StoredSubmission): Receipt {
  return { id: stored.id, protocol: stored.protocol, status: stored.status, receivedAt: stored.receivedAt };
}

export async function findSubmission(db: Queryable, id: string): Promise<StoredSubmission | null> {
  const result = await db.query<SubmissionRow>('SELECT id, body_hash, protocol, status, received_at FROM submissions WHERE id = $1', [id]);
  return result.rows[0] ? toStored(result.rows[0]) : null;
}

export function formatProtocol(year: string, number: number): string {
  return `${year}-${String(number).padStart(6, '0')}`;
}

export type InsertOutcome = { inserted: true; stored: StoredSubmission } | { inserted: false; stored: StoredSubmission };

/**
 * Stores a validated submission in one transaction: the primary key decides who wins a race on the same id,
 * and only the winner takes the next protocol number of the year (so a rollback leaves no gap).
 */
export async function insertSubmission(storage: Storage, submission: Submission, bodyHash: string, receivedAt: Date): Promise<InsertOutcome> {
  const outcome = await storage.transaction(async (tx): Promise<InsertOutcome | null> => {
    const inserted = await tx.query(
      `INSERT INTO submissions (id, body_hash, kind, service_id, form_id, form_version, answers, attachments, created_at, received_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'received')
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        submission.id, bodyHash, submission.kind, submission.serviceId, submission.formId, submission.formVersion,
        JSON.stringify(submission.answers), JSON.stringify(submission.attachments), new Date(submission.createdAt), receivedAt,
      ],
    );
    if (inserted.rowCount === 0) return null;
    const year = bahiaDay(receivedAt).slice(0, 4);
    const counter = await tx.query<{ last: number }>(
      `INSERT INTO protocol_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = protocol_counters.last + 1 RETURNING last`,
      [Number(year)],
    );
    const protocol = formatProtocol(year, counter.rows[0]!.last);
    await tx.query('UPDATE submissions SET protocol = $2 WHERE id = $1', [submission.id, protocol]);
    await tx.query(`INSERT INTO status_history (submission_id, status, at) VALUES ($1, 'received', $2)`, [submission.id, receivedAt]);
    return {
      inserted: true,
      stored: { id: submission.id, protocol, status: 'received', receivedAt: receivedAt.toISOString(), bodyHash },
    };
  });
  if (outcome) return outcome;
  const stored = await findSubmission(storage, submission.id);
  if (!stored) throw new Error('Submission vanished after a primary key conflict.');
  return { inserted: false, stored };
}

export async function getSubmissionStatus(db: Queryable, id: string): Promise<SubmissionStatusResponse | null> {
  const found = await db.query<SubmissionRow & { kind: SubmissionKind; service_id: string }>(
    'SELECT id, body_hash, protocol, status, received_at, kind, service_id FROM submissions WHERE id = $1',
    [id],
  );
  const row = found.rows[0];
  if (!row) return null;
  const history = await db.query<{ status: SubmissionStatus; at: Date; note: string | null }>(
    'SELECT status, at, note FROM status_history WHERE submission_id = $1 ORDER BY at, id',
    [id],
  );
  return {
    ...receiptOf(toStored(row)),
    kind: row.kind,
    serviceId: row.service_id,
    history: history.rows.map((event): StatusEvent => ({
      status: event.status,
      at: event.at.toISOString(),
      ...(event.note ? { note: event.note } : {}),
    })),
  };
}

/** Staff move a submission along; false when the id is unknown. */
export async function setSubmissionStatus(storage: Storage, id: string, status: SubmissionStatus, note?: string, at = new Date()): Promise<boolean> {
  return storage.transaction(async (tx) => {
    const updated = await tx.query('UPDATE submissions SET status = $2 WHERE id = $1 RETURNING id', [id, status]);
    if (updated.rowCount === 0) return false;
    await tx.query('INSERT INTO status_history (submission_id, status, at, note) VALUES ($1, $2, $3, $4)', [id, status, at, note ?? null]);
    return true;
  });
}
