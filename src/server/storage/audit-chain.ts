/**
 * The audit log's hash chain (migration 015): each staff_audit entry carries the SHA-256 of the entry
 * before it (prev_hash) and its own (entry_hash) over a canonical encoding of prev_hash and its fields.
 * The database computes it on insert (a trigger, under the lock of staff_audit_head's one row); this
 * module recomputes it in Node, independently of any SQL function a holder of the database could replace,
 * to verify the chain, and reads each day's final hash for the transparency panel.
 */
import { bahiaDay, bahiaDayEnd, bahiaDayStart } from '../../shared/dates.ts';
import { sha256Hex } from '../domain/hashing.ts';
import type { QueryResult, Queryable, Storage } from './types.ts';

/** prev_hash of the first entry: 32 zero bytes. */
export const GENESIS_HASH = '00'.repeat(32);

/** One entry as the chain sees it: ids and uuids as PostgreSQL prints them, the time in microseconds. */
export interface ChainEntry {
  id: string;
  atMicros: string;
  accountId: string | null;
  sessionId: string | null;
  action: string;
  submissionId: string | null;
  target: string | null;
  /** Hex. */
  prevHash: string;
  /** Hex. */
  entryHash: string;
}

/** '-' for NULL, else the UTF-8 byte length, ':' and the text; then a newline (as staff_audit_field() in SQL). */
function field(value: string | null): string {
  return `${value === null ? '-' : `${Buffer.byteLength(value, 'utf8')}:${value}`}\n`;
}

/** The entry's hash (hex) after prevHash (hex): the same bytes as staff_audit_entry_hash() in migration 015. */
export function entryHash(prevHash: string, entry: Omit<ChainEntry, 'prevHash' | 'entryHash'>): string {
  const canonical = `staff_audit/1\n${prevHash}\n${entry.id}\n${entry.atMicros}\n`
    + field(entry.accountId) + field(entry.sessionId) + field(entry.action) + field(entry.submissionId) + field(entry.target);
  return sha256Hex(canonical);
}

/** A day's (Bahia) final link: the last entry written that day, the chain's hash there, and how many entries the day has. */
export interface DayHash {
  day: string;
  lastEntryId: string;
  hash: string;
  entries: number;
}

export type ChainCheck =
  | { ok: true; entries: number; lastId: string | null; lastHash: string; days: DayHash[] }
  | { ok: false; entries: number; brokenId: string; reason: string };

const ENTRY_COLUMNS = `id::text AS id, ((extract(epoch FROM at) * 1000000)::bigint)::text AS at_micros, account_id::text AS account_id,
  session_id, action, submission_id::text AS submission_id, target, encode(prev_hash, 'hex') AS prev_hash, encode(entry_hash, 'hex') AS entry_hash`;

interface EntryRow {
  id: string;
  at_micros: string;
  account_id: string | null;
  session_id: string | null;
  action: string;
  submission_id: string | null;
  target: string | null;
  prev_hash: string | null;
  entry_hash: string | null;
  [column: string]: unknown;
}

/**
 * Walks the whole chain in id order, a page at a time (keyset, so millions of rows never sit in memory),
 * up to the head as it was when the walk began (a running server may append meanwhile). Stops at the first
 * entry that does not link to the one before or whose hash does not match its fields.
 */
export async function verifyChain(db: Queryable, options: { pageSize?: number } = {}): Promise<ChainCheck> {
  const pageSize = options.pageSize ?? 5000;
  const head = (await db.query<{ last_id: string | null; last_hash: string }>(
    `SELECT last_id::text AS last_id, encode(last_hash, 'hex') AS last_hash FROM staff_audit_head WHERE singleton`,
  )).rows[0];
  if (!head) return { ok: false, entries: 0, brokenId: '-', reason: 'a tabela staff_audit_head está vazia (o início da cadeia foi apagado)' };
  const days = new Map<string, DayHash>();
  let running = GENESIS_HASH;
  let lastId: string | null = null;
  let entries = 0;
  for (;;) {
    const page: QueryResult<EntryRow> = await db.query<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM staff_audit WHERE staff_audit.id > $1::bigint AND staff_audit.id <= $2::bigint ORDER BY staff_audit.id LIMIT ${pageSize}`,
      [lastId ?? '-1', head.last_id ?? '-1'],
    );
    for (const row of page.rows) {
      if (row.prev_hash !== running) {
        return { ok: false, entries, brokenId: row.id, reason: 'não aponta para a entrada anterior (uma entrada foi apagada, inserida ou reescrita antes dela)' };
      }
      const hash = entryHash(running, {
        id: row.id, atMicros: row.at_micros, accountId: row.account_id, sessionId: row.session_id,
        action: row.action, submissionId: row.submission_id, target: row.target,
      });
      if (hash !== row.entry_hash) return { ok: false, entries, brokenId: row.id, reason: 'o conteúdo não confere com o seu hash (a entrada foi reescrita)' };
      running = hash;
      lastId = row.id;
      entries++;
      const day = bahiaDay(Number(BigInt(row.at_micros) / 1000n));
      const seen = days.get(day);
      if (!seen || BigInt(seen.lastEntryId) < BigInt(row.id)) days.set(day, { day, lastEntryId: row.id, hash, entries: (seen?.entries ?? 0) + 1 });
      else seen.entries++;
    }
    if (page.rows.length < pageSize) break;
  }
  if (lastId !== head.last_id || running !== head.last_hash) {
    return { ok: false, entries, brokenId: head.last_id ?? '-', reason: 'o fim da cadeia não confere com staff_audit_head (entradas apagadas no fim)' };
  }
  return { ok: true, entries, lastId, lastHash: running, days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)) };
}


/**
 * Each day's final hash for the days from `first` to `last` (inclusive, YYYY-MM-DD, Bahia) that have entries.
 * Holds the head's row lock while reading, so an append in flight (say one that began at 23:59:59) has
 * committed first and a published day never changes afterwards unless someone rewrites the log.
 */
export async function dayHashes(storage: Storage, first: string, last: string): Promise<DayHash[]> {
  const from = bahiaDayStart(first);
  const to = bahiaDayEnd(last);
  return storage.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM staff_audit_head WHERE singleton FOR SHARE');
    const rows = await tx.query<{ day: string; last_id: string; entries: number; hash: string }>(
      `WITH per_day AS (
         SELECT to_char((at AT TIME ZONE 'UTC') - interval '3 hours', 'YYYY-MM-DD') AS day, max(id) AS last_id, count(*)::int AS entries
         FROM staff_audit WHERE at >= $1 AND at < $2 GROUP BY 1
       )
       SELECT p.day, p.last_id::text AS last_id, p.entries, encode(a.entry_hash, 'hex') AS hash
       FROM per_day p JOIN staff_audit a ON a.id = p.last_id ORDER BY p.day`,
      [from, to],
    );
    return rows.rows.map((row) => ({ day: row.day, lastEntryId: row.last_id, hash: row.hash, entries: Number(row.entries) }));
  });
}
