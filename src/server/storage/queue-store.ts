/**
 * The work queue's queries. Every one of them is limited by visibleScopes (permissions.ts), so a list,
 * a count, an export or a page of a request can reach no further than what the role may see. Order: open
 * before closed, then by due date (overdue first), then id — a keyset that pages without OFFSET.
 */
import type { SubmissionKind } from '../../shared/contract/forms.ts';
import type { SubmissionStatus } from '../../shared/contract/status.ts';
import type { QueueFilter } from '../../shared/contract/staff.ts';
import { bahiaDayEnd, bahiaDayStart, isSaneDay } from '../../shared/dates.ts';
import type { Queryable } from './types.ts';
import { can, visibleScopes, type Actor } from '../domain/permissions.ts';

export interface QueueRow {
  id: string;
  protocol: string;
  kind: SubmissionKind;
  service_id: string;
  secretariat_id: string;
  status: SubmissionStatus;
  received_at: Date;
  due_at: Date | null;
  closed_at: Date | null;
  district: string | null;
  village: string | null;
  assigned_to: string | null;
  assigned_name: string | null;
  forwarded_to: string | null;
  extended: boolean;
  [key: string]: unknown;
}

/** The opaque cursor: where the last row sat in the order. */
interface Cursor {
  c: boolean;
  d: string;
  i: string;
}

export function encodeCursor(row: QueueRow): string {
  // No due date sorts as 'infinity' (ORDER_KEY); the cursor says so in PostgreSQL's own word.
  const cursor: Cursor = { c: row.closed_at !== null, d: row.due_at ? row.due_at.toISOString() : 'infinity', i: row.id };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor | null {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    // Exactly what encodeCursor writes, with a year the database can hold (none is 0): else its casts would fail.
    if (typeof cursor.c !== 'boolean' || typeof cursor.d !== 'string' || typeof cursor.i !== 'string') return null;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(cursor.i)) return null;
    if (cursor.d !== 'infinity' && !(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(cursor.d) && new Date(cursor.d).toISOString() === cursor.d && isSaneDay(cursor.d.slice(0, 10)))) return null;
    return cursor;
  } catch {
    return null;
  }
}

/** The filter's conditions (without the status part when `withoutStatus`), their parameters numbered from $1. */
function filterOf(actor: Actor, filter: QueueFilter, now: Date, { withoutStatus = false } = {}): { where: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (filter.secretariat) add('s.secretariat_id = ?', filter.secretariat);
  if (filter.service) add('s.service_id = ?', filter.service);
  if (filter.status && !withoutStatus) add('s.status = ?', filter.status);
  if (filter.district) add('s.district = ?', filter.district);
  if (filter.village) add('s.village = ?', filter.village);
  // No due date is never overdue: coalesce says it as the index of migration 018 stores it, so now bounds its scan.
  if (filter.overdue) add(`s.closed_at IS NULL AND s.status <> 'waiting_citizen' AND coalesce(s.due_at, 'infinity'::timestamptz) < ?`, now);
  if (filter.mine) add('s.assigned_to = ?', actor.id);
  if (filter.from) add('s.received_at >= ?', bahiaDayStart(filter.from));
  if (filter.to) add('s.received_at < ?', bahiaDayEnd(filter.to));
  if (filter.protocol) add('s.protocol = ?', filter.protocol.replace(/-(\d+)$/, (_m, n: string) => `-${n.padStart(6, '0')}`));
  // A manifestação's protocol stays with the Ouvidoria (domain/request-visibility.ts, readsWithoutIdentity): a secretariat
  // typing the number after a citizen's named request must not find the manifestação sent with it.
  if (filter.protocol && !can(actor, 'manifestations.read')) where.push(`s.kind <> 'manifestation'`);
  return { where, params };
}

/**
 * The slices of the actor's view a filter reaches (permissions.ts, visibleScopes), each as a condition:
 * evaluations are feedback, not work, so the queue holds them only when asked for by kind; a filter on a
 * secretariat leaves out the other secretariats' requests at once.
 */
function scopesOf(actor: Actor, filter: QueueFilter, params: unknown[]): string[] {
  return visibleScopes(actor)
    .filter((scope) => (filter.kind ? scope.kind === filter.kind : scope.kind !== 'evaluation'))
    .filter((scope) => !(filter.secretariat && scope.through?.column === 'secretariat_id' && scope.through.secretariat !== filter.secretariat))
    .map((scope) => {
      // COLLATE "C": the one index a kind everywhere walks (migration 019), which a secretariat's slice cannot.
      if (!scope.through) return `s.kind = '${scope.kind}' COLLATE "C"`;
      params.push(scope.through.secretariat);
      return `s.${scope.through.column} = $${params.length} AND s.kind = '${scope.kind}'`;
    });
}

const BRANCH_COLUMNS = `s.id, s.protocol, s.kind, s.service_id, s.secretariat_id, s.status, s.received_at, s.due_at, s.closed_at,
  s.district, s.village, s.assigned_to, s.forwarded_to, s.extended`;
const COLUMNS = `${BRANCH_COLUMNS}, a.name AS assigned_name`;
/** The queue's order, as the indexes of migration 017 store it. */
const ORDER_KEY = `(s.closed_at IS NOT NULL), coalesce(s.due_at, 'infinity'::timestamptz), s.id`;
/**
 * The same order, written so that no index gives it: for a short window of days received, reading the window
 * by its index (migration 019, submissions_received_by_slice) and sorting its few thousand rows is faster than
 * walking the whole queue in order and skipping the rows outside the window, which PostgreSQL otherwise picks
 * (a month of 1,000,000: ~120 ms walking).
 */
const SORTED_ORDER_KEY = `(s.closed_at IS NOT NULL), coalesce(s.due_at, 'infinity'::timestamptz) + interval '0 s', s.id`;
/** Up to this many days received, a page sorts its window instead of walking the queue. */
const SHORT_WINDOW_DAYS = 62;

function isShortWindow(filter: QueueFilter, now: Date): boolean {
  if (!filter.from) return false;
  return (filter.to ? bahiaDayEnd(filter.to) : now).getTime() - bahiaDayStart(filter.from).getTime() <= SHORT_WINDOW_DAYS * 86_400_000;
}

/**
 * A page of the queue: per slice of the actor's view, the first rows after the cursor in the order of its
 * index (ORDER BY … LIMIT, so it stops after limit + 1 rows), then those few merged. One OR over kinds and
 * secretariats would read every row the actor sees and sort them, page after page.
 */
export async function queuePage(db: Queryable, actor: Actor, filter: QueueFilter, now = new Date()): Promise<{ rows: QueueRow[]; next: string | null }> {
  return pageOf(db, actor, filter, now, Math.min(Math.max(Number(filter.limit ?? 50), 1), 200));
}

async function pageOf(db: Queryable, actor: Actor, filter: QueueFilter, now: Date, limit: number): Promise<{ rows: QueueRow[]; next: string | null }> {
  const { where, params } = filterOf(actor, filter, now);
  const cursor = filter.after ? decodeCursor(filter.after) : null;
  if (cursor?.c) {
    // Past the open rows, the same condition without its first member: PostgreSQL estimates a row comparison by that
    // member alone (closed > true: no row) and so walked the queue's index for a month (62,000 rows per slice of 2,000).
    params.push(cursor.d, cursor.i);
    where.push(`s.closed_at IS NOT NULL AND (coalesce(s.due_at, 'infinity'::timestamptz), s.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  } else if (cursor) {
    params.push(cursor.c, cursor.d, cursor.i);
    where.push(`(${ORDER_KEY}) > ($${params.length - 2}::boolean, $${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  const scopes = scopesOf(actor, filter, params);
  if (!scopes.length) return { rows: [], next: null };
  const sorted = isShortWindow(filter, now);
  const branches = scopes.map((scope) => {
    const conditions = [scope, ...where].join(' AND ');
    if (!sorted) return `(SELECT ${BRANCH_COLUMNS} FROM submissions s WHERE ${conditions} ORDER BY ${ORDER_KEY} LIMIT ${limit + 1})`;
    // The window's ids sorted from its index alone (migration 019), then only those rows read (the merge orders them).
    return `(SELECT ${BRANCH_COLUMNS} FROM submissions s WHERE s.id IN (SELECT s.id FROM submissions s WHERE ${conditions} ORDER BY ${SORTED_ORDER_KEY} LIMIT ${limit + 1}))`;
  });
  const result = await db.query<QueueRow>(
    `SELECT ${COLUMNS} FROM (${branches.join(' UNION ALL ')}) s LEFT JOIN staff_accounts a ON a.id = s.assigned_to
     ORDER BY ${ORDER_KEY} LIMIT ${limit + 1}`,
    params,
  );
  const rows = result.rows.slice(0, limit);
  return { rows, next: result.rows.length > limit ? encodeCursor(rows.at(-1)!) : null };
}

/** Filters the maintained counts (migrations 018, 019) can answer: the columns of queue_counts, and the page's own. */
const COUNTED_FILTERS: ReadonlySet<string> = new Set(['secretariat', 'service', 'kind', 'status', 'district', 'after', 'limit']);

/**
 * The count per status of what a filter reaches (its status aside), one grouped query over every slice: from
 * queue_counts (kept by triggers, a few thousand rows) when the filter is one of its columns, otherwise
 * counting the submissions the other filters reach (a village, a month, overdue, mine, a protocol).
 */
export async function queueCounts(db: Queryable, actor: Actor, filter: QueueFilter, now = new Date()): Promise<Record<string, number>> {
  const { where, params } = filterOf(actor, filter, now, { withoutStatus: true });
  const scopes = scopesOf(actor, filter, params);
  if (!scopes.length) return {};
  const counted = Object.entries(filter).every(([key, value]) => !value || COUNTED_FILTERS.has(key));
  const branches = scopes.map((scope) => counted
    ? `SELECT s.status, s.n FROM queue_counts s WHERE ${[scope, ...where].join(' AND ')}`
    : `SELECT s.status, 1 AS n FROM submissions s WHERE ${[scope, ...where].join(' AND ')}`);
  const result = await db.query<{ status: string; n: number }>(
    `SELECT status, sum(n)::int AS n FROM (${branches.join(' UNION ALL ')}) s GROUP BY status HAVING sum(n) > 0`,
    params,
  );
  return Object.fromEntries(result.rows.map((row) => [row.status, row.n]));
}

/**
 * The export's slices: the first small, so its bytes start at once; then large, since each query costs
 * ~10 ms whatever its rows (42,315 rows: 4.2 s in slices of 200, 1.5 s in slices of 2,000).
 */
const FIRST_SLICE = 200;
const SLICE = 2000;

/**
 * Every row of a filter, a slice at a time (the export streams them; 100,000 rows never sit in memory). The
 * next slice is asked for before this one's rows are handed on, so the database reads it while they are
 * written out (one slice ahead at most).
 */
export async function* queueRows(db: Queryable, actor: Actor, filter: QueueFilter, now = new Date()): AsyncGenerator<QueueRow> {
  const slice = (after?: string) => {
    const read = pageOf(db, actor, { ...filter, ...(after ? { after } : {}) }, now, after ? SLICE : FIRST_SLICE);
    // Left unread when the export stops early (a client gone): its failure then has nobody to tell.
    read.catch(() => {});
    return read;
  };
  let reading = slice();
  for (;;) {
    const page = await reading;
    if (page.next) reading = slice(page.next);
    yield* page.rows;
    if (!page.next) return;
  }
}

export interface SubmissionFull extends QueueRow {
  form_id: string;
  form_version: number;
  answers: Record<string, unknown>;
  attachments: { sha256: string; type: string; size: number; fieldId: string }[];
  created_at: Date;
}

export async function findForStaff(db: Queryable, id: string): Promise<SubmissionFull | null> {
  const result = await db.query<SubmissionFull>(
    `SELECT ${COLUMNS}, s.form_id, s.form_version, s.answers, s.attachments, s.created_at
     FROM submissions s LEFT JOIN staff_accounts a ON a.id = s.assigned_to WHERE s.id = $1`,
    [id],
  );
  return result.rows[0] ?? null;
}

export type EventRow = {
  at: Date;
  type: 'status' | 'question' | 'reply' | 'transfer' | 'assign' | 'note' | 'forward' | 'internal_answer';
  status: SubmissionStatus | null;
  text: string | null;
  public: boolean;
  by: string | null;
};

/** A request's whole story, in time order: public status events, the citizen's replies and the staff's internal events. */
const STORY = `SELECT h.at, CASE WHEN h.status = 'waiting_citizen' THEN 'question' ELSE 'status' END AS type, h.status, h.note AS text, true AS public, a.name AS by
    FROM status_history h LEFT JOIN staff_accounts a ON a.id = h.account_id WHERE h.submission_id = $1
  UNION ALL
  SELECT r.received_at, 'reply', NULL, r.text, true, NULL FROM citizen_replies r WHERE r.submission_id = $1
  UNION ALL
  SELECT e.at, e.type, NULL, e.text, false, a.name FROM staff_events e LEFT JOIN staff_accounts a ON a.id = e.account_id WHERE e.submission_id = $1
  ORDER BY 1`;

/**
 * A request's story and its service's answer templates in one round trip (the request's page). Each travels
 * as one JSON array, in its own order; an instant comes back as text and is read as the Date it was.
 */
export async function storyAndTemplatesOf(db: Queryable, id: string, serviceId: string): Promise<{ events: EventRow[]; templates: TemplateRow[] }> {
  const result = await db.query<{ events: (Omit<EventRow, 'at'> & { at: string })[] | null; templates: TemplateRow[] | null }>(
    `SELECT (SELECT json_agg(e ORDER BY e.at) FROM (${STORY}) e) AS events, (SELECT json_agg(t ORDER BY t.title) FROM (${TEMPLATES_OF_SERVICE.replace('$1', '$2')}) t) AS templates`,
    [id, serviceId],
  );
  const row = result.rows[0];
  return { events: (row?.events ?? []).map((event) => ({ ...event, at: new Date(event.at) })), templates: row?.templates ?? [] };
}

export async function addStaffEvent(db: Queryable, submissionId: string, accountId: string, type: 'note' | 'assign' | 'transfer' | 'forward' | 'internal_answer', text: string, at = new Date()): Promise<void> {
  await db.query('INSERT INTO staff_events (submission_id, at, account_id, type, text) VALUES ($1, $2, $3, $4, $5)', [submissionId, at, accountId, type, text]);
}

/** The waiting-for-the-citizen intervals of a request (the deadline's clock stops during them). */
/** What a request's due date is computed from. */
export async function dueDateInputs(db: Queryable, id: string): Promise<{ service_id: string; received_at: Date; kind: string; extended: boolean } | undefined> {
  return (await db.query<{ service_id: string; received_at: Date; kind: string; extended: boolean }>('SELECT service_id, received_at, kind, extended FROM submissions WHERE id = $1', [id])).rows[0];
}

export async function setDueAt(db: Queryable, id: string, dueAt: Date): Promise<void> {
  await db.query('UPDATE submissions SET due_at = $2 WHERE id = $1', [id, dueAt]);
}

export async function pausesOf(db: Queryable, id: string): Promise<{ from: string; to?: string }[]> {
  const history = await db.query<{ status: SubmissionStatus; at: Date }>('SELECT status, at FROM status_history WHERE submission_id = $1 ORDER BY at, id', [id]);
  const pauses: { from: string; to?: string }[] = [];
  for (const event of history.rows) {
    const open = pauses.at(-1);
    if (event.status === 'waiting_citizen') {
      if (!open || open.to) pauses.push({ from: event.at.toISOString() });
    } else if (open && !open.to) {
      open.to = event.at.toISOString();
    }
  }
  return pauses;
}

// ---------------------------------------------------------------- a staff action's writes (each inside its transaction)

/** A request moved to another secretariat (unassigned there); false when it is no longer where it was read. */
export async function moveToSecretariat(tx: Queryable, id: string, from: string, to: string): Promise<boolean> {
  const moved = await tx.query('UPDATE submissions SET secretariat_id = $3, assigned_to = NULL WHERE id = $1 AND secretariat_id = $2', [id, from, to]);
  return moved.rowCount > 0;
}

export async function forwardTo(tx: Queryable, id: string, secretariatId: string): Promise<boolean> {
  const forwarded = await tx.query('UPDATE submissions SET forwarded_to = $2 WHERE id = $1 AND closed_at IS NULL', [id, secretariatId]);
  return forwarded.rowCount > 0;
}

/** Law 13.460 art. 16: once. False when it already was (two Ouvidoria tabs at once extend it once). */
export async function extendOnce(tx: Queryable, id: string): Promise<boolean> {
  const extended = await tx.query(`UPDATE submissions SET extended = true, due_at = due_at + interval '30 days' WHERE id = $1 AND NOT extended AND closed_at IS NULL`, [id]);
  return extended.rowCount > 0;
}

export async function assignTo(tx: Queryable, id: string, accountId: string | null): Promise<void> {
  await tx.query('UPDATE submissions SET assigned_to = $2 WHERE id = $1', [id, accountId]);
}

// ---------------------------------------------------------------- answer templates

export interface TemplateRow {
  id: string;
  service_id: string;
  title: string;
  text: string;
  [key: string]: unknown;
}

const TEMPLATES_OF_SERVICE = 'SELECT id, service_id, title, text FROM answer_templates WHERE service_id = $1 ORDER BY title';

export async function templatesOf(db: Queryable, serviceId: string): Promise<TemplateRow[]> {
  return (await db.query<TemplateRow>(TEMPLATES_OF_SERVICE, [serviceId])).rows;
}

export async function insertTemplate(tx: Queryable, template: { id: string; serviceId: string; title: string; text: string; createdBy: string }): Promise<void> {
  await tx.query('INSERT INTO answer_templates (id, service_id, title, text, created_by) VALUES ($1, $2, $3, $4, $5)', [template.id, template.serviceId, template.title, template.text, template.createdBy]);
}

// ---------------------------------------------------------------- colleagues

export interface ColleagueRow {
  id: string;
  name: string;
  secretariats: string[];
  [key: string]: unknown;
}

/**
 * Who a request can be assigned to: enabled atendentes and gestores sharing a secretariat with the actor.
 * Only those rows are read (`&&` is array overlap), never every account of the city hall.
 */
export async function colleaguesOf(db: Queryable, secretariats: readonly string[]): Promise<ColleagueRow[]> {
  if (!secretariats.length) return [];
  const result = await db.query<ColleagueRow>(
    `SELECT id, name, secretariats FROM staff_accounts
     WHERE disabled_at IS NULL AND roles && ARRAY['atendente', 'gestor']::text[] AND secretariats && $1::text[] ORDER BY name`,
    [[...secretariats]],
  );
  return result.rows;
}
