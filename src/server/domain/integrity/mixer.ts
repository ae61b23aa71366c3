/**
 * The mixer: nothing in the tables follows a report's arrival. A report and a reporter's message are
 * validated, sealed whole and held in integrity_inbox (a random id and the day only), and acknowledged at
 * once. The mixer wakes at random moments (by default every 1 to 6 hours, drawn anew each time) and moves
 * everything held, in one transaction and in random order, into the tables: row order, transaction ids and
 * commit times follow the mixer, not the arrival; a report held alone at a wake still shares its
 * transaction with whatever else arrived since the last one. Its clock, its randomness and its timer are
 * injectable, so that a test runs it now with a chosen order.
 *
 * Schedule choice: random intervals of 1–6 h keep a report out of the staff's list for at most 6 h (the back
 * office says "até um dia"), while a day's reports usually share a batch. Moving only once the day is over
 * would hide more but delay a report by up to two days; not chosen.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Answers } from '../../../shared/contract/submissions.ts';
import type { Queryable, Storage } from '../../storage/types.ts';
import type { IntegrityKeys } from './crypto.ts';

/** A report as held: everything the tables will get, sealed together in one blob. */
export interface HeldReport {
  identification: string;
  retryUntil: string;
  contents: unknown;
  identity: Answers | null;
  files: HeldFile[];
}
export interface HeldMessage {
  text: string;
  files: HeldFile[];
}
export interface HeldFile {
  fieldId: string;
  type: string;
  base64: string;
}

export type Random = () => number;
/** Uniform in [0, 1) from the system's cryptographic source: a schedule no one can predict. */
export const secureRandom: Random = () => randomInt(2 ** 47) / 2 ** 47;

export interface HoldReport {
  reportId: string;
  clientHash: string;
  receiptHash: string;
  receiptForRetry: Buffer;
  day: string;
  held: HeldReport;
}

/** Holds a report; false when one with the same phone-made id is already held (a retry). */
export async function holdReport(db: Queryable, keys: IntegrityKeys, item: HoldReport): Promise<boolean> {
  const sealed = keys.seal(JSON.stringify(item.held));
  const row = await db.query(
    // Not when a retry's report was mixed in meanwhile (the caller then answers it as a retry).
    `INSERT INTO integrity_inbox (id, kind, report_id, client_hash, receipt_hash, receipt_for_retry, day, key_id, contents)
     SELECT $1, 'report', $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM integrity_reports WHERE client_hash = $3)
     ON CONFLICT DO NOTHING`,
    [randomUUID(), item.reportId, item.clientHash, item.receiptHash, item.receiptForRetry, item.day, sealed.keyId, sealed.blob],
  );
  return row.rowCount > 0;
}

/** Holds a reporter's message; false when the same message is already held or stored (a retry). */
export async function holdMessage(db: Queryable, keys: IntegrityKeys, reportId: string, clientHash: string, day: string, held: HeldMessage): Promise<boolean> {
  const stored = await db.query('SELECT 1 FROM integrity_messages WHERE client_hash = $1', [clientHash]);
  if (stored.rowCount) return false;
  const sealed = keys.seal(JSON.stringify(held));
  const row = await db.query(
    `INSERT INTO integrity_inbox (id, kind, report_id, client_hash, report_order, day, key_id, contents)
     SELECT $1, 'message', $2, $3, coalesce(max(report_order), 0) + 1, $4, $5, $6 FROM integrity_inbox WHERE report_id = $2
     ON CONFLICT DO NOTHING`,
    [randomUUID(), reportId, clientHash, day, sealed.keyId, sealed.blob],
  );
  return row.rowCount > 0;
}

/** A held report as its follow-up sees it (status "recebida", never read yet). */
export async function heldReportDay(db: Queryable, reportId: string): Promise<string | null> {
  const row = (await db.query<{ day: string }>(`SELECT day::text AS day FROM integrity_inbox WHERE kind = 'report' AND report_id = $1`, [reportId])).rows[0];
  return row ? row.day.slice(0, 10) : null;
}

/** The reporter's own messages still held, in the order sent. */
export async function heldMessagesOf(db: Queryable, keys: IntegrityKeys, reportId: string): Promise<{ day: string; message: HeldMessage }[]> {
  const rows = await db.query<{ day: string; key_id: string; contents: Uint8Array }>(
    `SELECT day::text AS day, key_id, contents FROM integrity_inbox WHERE kind = 'message' AND report_id = $1 ORDER BY report_order`, [reportId],
  );
  return rows.rows.map((row) => ({ day: row.day.slice(0, 10), message: keys.openJson<HeldMessage>({ keyId: row.key_id, blob: Buffer.from(row.contents) }) }));
}

type InboxRow = {
  id: string; kind: 'report' | 'message'; report_id: string; client_hash: string; receipt_hash: string | null;
  receipt_for_retry: Uint8Array | null; report_order: number; day: string; key_id: string; contents: Uint8Array;
};

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function insertFiles(tx: Queryable, keys: IntegrityKeys, reportId: string, messageId: string | null, files: readonly HeldFile[]): Promise<void> {
  for (const file of files) {
    const bytes = Buffer.from(file.base64, 'base64');
    const blob = keys.seal(bytes);
    await tx.query(
      'INSERT INTO integrity_files (id, report_id, message_id, field_id, type, size, key_id, contents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [randomUUID(), reportId, messageId, file.fieldId, file.type, bytes.length, blob.keyId, blob.blob],
    );
  }
}

/**
 * Moves everything held into the tables, in one transaction, in random order (reports before the messages
 * that add to them; one report's messages keep their order). Returns how many items moved.
 */
export async function mixHeld(storage: Storage, keys: IntegrityKeys, random: Random = secureRandom): Promise<number> {
  return storage.transaction(async (tx) => {
    const held = (await tx.query<InboxRow>('SELECT id, kind, report_id, client_hash, receipt_hash, receipt_for_retry, report_order, day::text AS day, key_id, contents FROM integrity_inbox FOR UPDATE')).rows;
    if (held.length === 0) return 0;
    // Shuffled, then (stable) reports first and each report's messages in their order: ties stay random.
    const order = shuffled(held, random).sort((a, b) => Number(a.kind === 'message') - Number(b.kind === 'message') || a.report_order - b.report_order);
    for (const item of order) {
      const sealed = { keyId: item.key_id, blob: Buffer.from(item.contents) };
      if (item.kind === 'report') {
        const report = keys.openJson<HeldReport>(sealed);
        const contents = keys.seal(JSON.stringify(report.contents));
        const identity = report.identity ? keys.seal(JSON.stringify(report.identity)).blob : null;
        const inserted = await tx.query(
          `INSERT INTO integrity_reports (id, client_hash, receipt_hash, receipt_for_retry, retry_until, identification, key_id, contents, identity, received_day, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'recebida') ON CONFLICT DO NOTHING`,
          [item.report_id, item.client_hash, item.receipt_hash, item.receipt_for_retry, report.retryUntil, report.identification, contents.keyId, contents.blob, identity, item.day.slice(0, 10)],
        );
        if (inserted.rowCount) await insertFiles(tx, keys, item.report_id, null, report.files);
      } else {
        const message = keys.openJson<HeldMessage>(sealed);
        // The report's row first, as a city message takes it: otherwise each holds what the other waits for
        // (this seq's index entry, that row) and PostgreSQL aborts one as a deadlock.
        await tx.query('SELECT 1 FROM integrity_reports WHERE id = $1 FOR UPDATE', [item.report_id]);
        const text = keys.seal(message.text);
        const messageId = randomUUID();
        const inserted = await tx.query(
          `INSERT INTO integrity_messages (id, report_id, client_hash, seq, from_city, day, key_id, contents)
           SELECT $1, $2, $3, coalesce(max(seq), 0) + 1, false, $4, $5, $6 FROM integrity_messages WHERE report_id = $2
           ON CONFLICT (client_hash) DO NOTHING`,
          [messageId, item.report_id, item.client_hash, item.day.slice(0, 10), text.keyId, text.blob],
        );
        if (inserted.rowCount) {
          await insertFiles(tx, keys, item.report_id, messageId, message.files);
          await tx.query(`UPDATE integrity_reports SET status = 'em_apuracao' WHERE id = $1 AND status = 'aguardando_voce'`, [item.report_id]);
        }
      }
    }
    await tx.query('DELETE FROM integrity_inbox WHERE id = ANY($1::uuid[])', [held.map((item) => item.id)]);
    return held.length;
  });
}

/**
 * Deleted rows keep their place and transaction ids on disk, in arrival order, until vacuumed: so the
 * holding table is vacuumed after each run that moved something (emptied, its pages are cut off the file).
 * VACUUM runs outside any transaction; a failure only leaves this to autovacuum (the caller logs its name).
 */
export async function vacuumInbox(storage: Storage): Promise<void> {
  await storage.query('VACUUM integrity_inbox');
}

export interface MixerOptions {
  random?: Random;
  /** Bounds of the random wait between two wakes. */
  minMs?: number;
  maxMs?: number;
  /** The timer (tests pass one that never fires and call runNow). */
  setTimer?: (run: () => void, ms: number) => { unref?: () => unknown } | unknown;
  clearTimer?: (timer: unknown) => void;
  onError?: (error: unknown) => void;
}

export const MIXER_DEFAULTS = { minMs: 60 * 60_000, maxMs: 6 * 60 * 60_000 } as const;

export class IntegrityMixer {
  readonly #storage: Storage;
  readonly #keys: IntegrityKeys;
  readonly #options: MixerOptions;
  #timer: unknown = null;
  #running: Promise<number> = Promise.resolve(0);
  #stopped = true;

  constructor(storage: Storage, keys: IntegrityKeys, options: MixerOptions = {}) {
    this.#storage = storage;
    this.#keys = keys;
    this.#options = options;
  }

  /** The wait before the next wake: uniform between minMs and maxMs. */
  nextWaitMs(): number {
    const min = this.#options.minMs ?? MIXER_DEFAULTS.minMs;
    const max = this.#options.maxMs ?? MIXER_DEFAULTS.maxMs;
    return Math.round(min + (this.#options.random ?? secureRandom)() * (max - min));
  }

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  stop(): Promise<number> {
    this.#stopped = true;
    if (this.#timer !== null) (this.#options.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout)))(this.#timer);
    this.#timer = null;
    return this.#running;
  }

  /** Moves what is held now (one run at a time), then vacuums the holding table when something moved. */
  runNow(): Promise<number> {
    this.#running = this.#running.catch(() => 0).then(async () => {
      const moved = await mixHeld(this.#storage, this.#keys, this.#options.random);
      if (moved > 0) await vacuumInbox(this.#storage).catch((error: unknown) => this.#options.onError?.(error));
      return moved;
    });
    return this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    const setTimer = this.#options.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, ms));
    const timer = setTimer(() => {
      this.runNow().catch((error: unknown) => this.#options.onError?.(error)).finally(() => this.#schedule());
    }, this.nextWaitMs());
    (timer as { unref?: () => unknown } | null)?.unref?.();
    this.#timer = timer;
  }
}
