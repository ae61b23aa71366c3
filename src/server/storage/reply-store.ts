/** The citizen's replies to the city's questions (table citizen_replies), and the request each answers. */
import type { SubmissionStatus } from '../../shared/contract/status.ts';
import type { Queryable } from './types.ts';

export interface NewReply {
  id: string;
  submissionId: string;
  bodyHash: string;
  text: string;
  createdAt: Date;
  receivedAt: Date;
}

/** The protocol and state of the request a reply answers; null when there is no such request. */
export async function repliedRequest(db: Queryable, submissionId: string): Promise<{ protocol: string; status: SubmissionStatus } | null> {
  const found = await db.query<{ protocol: string; status: SubmissionStatus }>('SELECT protocol, status FROM submissions WHERE id = $1', [submissionId]);
  return found.rows[0] ?? null;
}

/** The body hash of a reply already stored under this id, if any: a retry and a conflict are told apart by it. */
export async function storedReplyHash(db: Queryable, id: string): Promise<string | null> {
  const found = await db.query<{ body_hash: string }>('SELECT body_hash FROM citizen_replies WHERE id = $1', [id]);
  return found.rows[0]?.body_hash ?? null;
}

/** Stores the reply once; false when a reply with this id was already there (a concurrent retry). */
export async function insertReply(db: Queryable, reply: NewReply): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO citizen_replies (id, submission_id, body_hash, text, created_at, received_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [reply.id, reply.submissionId, reply.bodyHash, reply.text, reply.createdAt, reply.receivedAt],
  );
  return inserted.rowCount > 0;
}
