import { bahiaDay } from '../../shared/dates.ts';
import type { ProtocolReceipt, StatusEvent, SubmissionStatus, SubmissionStatusResponse } from '../../shared/contract/status.ts';
import type { Submission } from '../../shared/contract/submissions.ts';
import type { SubmissionKind } from '../../shared/contract/forms.ts';
import type { Queryable, Storage } from './types.ts';

export interface StoredSubmission extends ProtocolReceipt {
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

export function receiptOf(stored: StoredSubmission): ProtocolReceipt {
  return { id: stored.id, protocol: stored.protocol, status: stored.status, receivedAt: stored.receivedAt };
}

export async function findSubmission(db: Queryable, id: string): Promise<StoredSubmission | null> {
  const result = await db.query<SubmissionRow>('SELECT id, body_hash, protocol, status, received_at FROM submissions WHERE id = $1', [id]);
  return result.rows[0] ? toStored(result.rows[0]) : null;
}

export async function findSubmissions(db: Queryable, ids: readonly string[]): Promise<Map<string, StoredSubmission>> {
  if (ids.length === 0) return new Map();
  const result = await db.query<SubmissionRow>(
    'SELECT id, body_hash, protocol, status, received_at FROM submissions WHERE id = ANY($1::uuid[])',
    [[...new Set(ids)]],
  );
  return new Map(result.rows.map((row) => [row.id, toStored(row)]));
}

export function formatProtocol(year: string, number: number): string {
  return `${year}-${String(number).padStart(6, '0')}`;
}

export interface NewSubmission {
  submission: Submission;
  bodyHash: string;
  /** Where it goes in the work queue: the service's secretariat, its deadline, and the place it names. */
  secretariatId: string;
  dueAt: Date | null;
  district: string | null;
  village: string | null;
  /** The argon2id hash of the follow-up code the phone sent, if it sent one. */
  followUpHash: string | null;
}

/**
 * inserted: stored now, with its protocol · exists: another request stored this id first (look it up) ·
 * failed: the database refused this one item for a reason nobody foresaw; nothing of it was stored.
 */
export type InsertResult =
  | { id: string; status: 'inserted'; stored: StoredSubmission }
  | { id: string; status: 'exists' }
  | { id: string; status: 'failed'; error: unknown };

/** Inserts rows; returns the ids really inserted (an id stored meanwhile by another request is skipped). */
async function insertRows(tx: Queryable, items: readonly NewSubmission[], receivedAt: Date): Promise<Set<string>> {
  const rows = items.map(({ submission, bodyHash, secretariatId, dueAt, district, village, followUpHash }) => ({
    id: submission.id,
    body_hash: bodyHash,
    kind: submission.kind,
    service_id: submission.serviceId,
    form_id: submission.formId,
    form_version: submission.formVersion,
    answers: submission.answers,
    attachments: submission.attachments,
    // As an instant in UTC: the contract allows any ISO offset, PostgreSQL only those up to ±15:59.
    created_at: new Date(submission.createdAt).toISOString(),
    secretariat_id: secretariatId,
    due_at: dueAt?.toISOString() ?? null,
    district,
    village,
    follow_up_hash: followUpHash,
  }));
  // One JSON parameter for the whole batch: one statement, and no array-literal escaping of the person's text.
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO submissions (id, body_hash, kind, service_id, form_id, form_version, answers, attachments, created_at, received_at, status,
                              secretariat_id, due_at, district, village, follow_up_hash)
     SELECT r.id, r.body_hash, r.kind, r.service_id, r.form_id, r.form_version, r.answers, r.attachments, r.created_at, $2, 'received',
            r.secretariat_id, r.due_at, r.district, r.village, r.follow_up_hash
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, body_hash text, kind text, service_id text, form_id text, form_version integer,
                                             answers jsonb, attachments jsonb, created_at timestamptz,
                                             secretariat_id text, due_at timestamptz, district text, village text, follow_up_hash text)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [JSON.stringify(rows), receivedAt],
  );
  const ids = new Set(inserted.rows.map((row) => row.id));
  if (ids.size === 0) return ids;
  await tx.query(
    `INSERT INTO status_history (submission_id, status, at) SELECT id, 'received', $2 FROM unnest($1::uuid[]) AS id`,
    [[...ids], receivedAt],
  );
  const links = items.filter(({ submission }) => ids.has(submission.id))
    .flatMap(({ submission }) => [...new Set(submission.attachments.map((a) => a.sha256))].map((sha256) => ({ submission_id: submission.id, sha256 })));
  if (links.length) {
    await tx.query(
      `INSERT INTO submission_attachments (submission_id, sha256)
       SELECT r.submission_id, r.sha256 FROM jsonb_to_recordset($1::jsonb) AS r(submission_id uuid, sha256 text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(links)],
    );
  }
  return ids;
}

/**
 * Stores validated submissions in one transaction with one update of the year's protocol counter, so a
 * batch of 100 costs a handful of statements. If the database refuses the batch, each item is tried again
 * in its own savepoint: the one that fails becomes that item's outcome and the others are still stored.
 * The primary key decides who wins a race on an id; only winners take protocol numbers (no gaps).
 */
export async function insertSubmissions(storage: Storage, items: readonly NewSubmission[], receivedAt: Date): Promise<InsertResult[]> {
  if (items.length === 0) return [];
  return storage.transaction(async (tx) => {
    const inserted = new Set<string>();
    const failed = new Map<string, unknown>();
    await tx.query('SAVEPOINT batch');
    try {
      for (const id of await insertRows(tx, items, receivedAt)) inserted.add(id);
      await tx.query('RELEASE SAVEPOINT batch');
    } catch {
      await tx.query('ROLLBACK TO SAVEPOINT batch');
      for (const item of items) {
        await tx.query('SAVEPOINT item');
        try {
          for (const id of await insertRows(tx, [item], receivedAt)) inserted.add(id);
          await tx.query('RELEASE SAVEPOINT item');
        } catch (error) {
          await tx.query('ROLLBACK TO SAVEPOINT item');
          failed.set(item.submission.id, error);
        }
      }
    }
    const winners = items.filter(({ submission }) => inserted.has(submission.id));
    const protocols = new Map<string, string>();
    if (winners.length) {
      const year = bahiaDay(receivedAt).slice(0, 4);
      const counter = await tx.query<{ last: number }>(
        `INSERT INTO protocol_counters (year, last) VALUES ($1, $2)
         ON CONFLICT (year) DO UPDATE SET last = protocol_counters.last + EXCLUDED.last RETURNING last`,
        [Number(year), winners.length],
      );
      const first = counter.rows[0]!.last - winners.length + 1;
      winners.forEach(({ submission }, i) => protocols.set(submission.id, formatProtocol(year, first + i)));
      await tx.query(
        `UPDATE submissions s SET protocol = r.protocol
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, protocol text) WHERE s.id = r.id`,
        [JSON.stringify([...protocols].map(([id, protocol]) => ({ id, protocol })))],
      );
    }
    return items.map(({ submission, bodyHash }): InsertResult => {
      const { id } = submission;
      const error = failed.get(id);
      if (failed.has(id)) return { id, status: 'failed', error };
      const protocol = protocols.get(id);
      if (!protocol) return { id, status: 'exists' };
      return { id, status: 'inserted', stored: { id, protocol, status: 'received', receivedAt: receivedAt.toISOString(), bodyHash } };
    });
  });
}

export async function getSubmissionStatus(db: Queryable, id: string): Promise<SubmissionStatusResponse | null> {
  const found = await db.query<SubmissionRow & { kind: SubmissionKind; service_id: string; due_at: Date | null }>(
    'SELECT id, body_hash, protocol, status, received_at, kind, service_id, due_at FROM submissions WHERE id = $1',
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
    dueAt: row.due_at?.toISOString() ?? null,
    history: history.rows.map((event): StatusEvent => ({
      status: event.status,
      at: event.at.toISOString(),
      ...(event.note ? { note: event.note } : {}),
    })),
  };
}

/** The status of many submissions in two queries (the phone's refresh and its confirmation of sent records). */
export async function getSubmissionStatuses(db: Queryable, ids: readonly string[]): Promise<SubmissionStatusResponse[]> {
  if (ids.length === 0) return [];
  const found = await db.query<SubmissionRow & { kind: SubmissionKind; service_id: string; due_at: Date | null }>(
    'SELECT id, body_hash, protocol, status, received_at, kind, service_id, due_at FROM submissions WHERE id = ANY($1::uuid[])',
    [[...new Set(ids)]],
  );
  if (found.rowCount === 0) return [];
  const history = await db.query<{ submission_id: string; status: SubmissionStatus; at: Date; note: string | null }>(
    'SELECT submission_id, status, at, note FROM status_history WHERE submission_id = ANY($1::uuid[]) ORDER BY at, id',
    [found.rows.map((row) => row.id)],
  );
  const events = new Map<string, StatusEvent[]>();
  for (const event of history.rows) {
    const list = events.get(event.submission_id) ?? [];
    list.push({ status: event.status, at: event.at.toISOString(), ...(event.note ? { note: event.note } : {}) });
    events.set(event.submission_id, list);
  }
  return found.rows.map((row) => ({ ...receiptOf(toStored(row)), kind: row.kind, serviceId: row.service_id, history: events.get(row.id) ?? [], dueAt: row.due_at?.toISOString() ?? null }));
}

/** Staff move a submission along; false when the id is unknown. */
export async function setSubmissionStatus(storage: Storage, id: string, status: SubmissionStatus, note?: string, at = new Date(), accountId?: string): Promise<boolean> {
  return storage.transaction((tx) => writeSubmissionStatus(tx, id, status, note, at, accountId));
}

/** setSubmissionStatus inside a caller's transaction (a staff action commits its status, event and audit together). */
export async function writeSubmissionStatus(tx: Queryable, id: string, status: SubmissionStatus, note?: string, at = new Date(), accountId?: string): Promise<boolean> {
  // Concluído and não atendido close the request (its deadline is then met or missed); any other status reopens it.
  // Entering "waiting for the citizen" starts a pause; leaving it adds the pause to paused_seconds.
  const updated = await tx.query(
    `UPDATE submissions SET status = $2,
       closed_at = CASE WHEN $2 IN ('done', 'declined') THEN coalesce(closed_at, $3) ELSE NULL END,
       paused_seconds = paused_seconds + CASE WHEN waiting_since IS NOT NULL AND $2 <> 'waiting_citizen'
         THEN greatest(0, extract(epoch FROM ($3::timestamptz - waiting_since)))::int ELSE 0 END,
       waiting_since = CASE WHEN $2 = 'waiting_citizen' THEN coalesce(waiting_since, $3::timestamptz) ELSE NULL END
     WHERE id = $1 RETURNING id`,
    [id, status, at],
  );
  if (updated.rowCount === 0) return false;
  await tx.query('INSERT INTO status_history (submission_id, status, at, note, account_id) VALUES ($1, $2, $3, $4, $5)', [id, status, at, note ?? null, accountId ?? null]);
  return true;
}

/** The submission a protocol names and the hash of its follow-up code (null when it has none). */
export async function followUpTarget(db: Queryable, protocol: string): Promise<{ id: string; followUpHash: string | null } | null> {
  const found = await db.query<{ id: string; follow_up_hash: string | null }>('SELECT id, follow_up_hash FROM submissions WHERE protocol = $1', [protocol]);
  const row = found.rows[0];
  return row ? { id: row.id, followUpHash: row.follow_up_hash } : null;
}
