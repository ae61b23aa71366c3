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
import {
  deleteHeld, heldMessageRows, insertHeldMessage, insertHeldReport, lockAllHeld, vacuumHoldingTable, type InboxItem,
} from '../../storage/integrity-inbox-store.ts';
import { insertFile, insertMessage, insertReport, lockReport, messageStored, resumeAfterReporterAnswer } from '../../storage/integrity-store.ts';
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
  const { held, ...row } = item;
  return insertHeldReport(db, randomUUID(), { ...row, sealed: keys.seal(JSON.stringify(held)) });
}

/** Holds a reporter's message; false when the same message is already held or stored (a retry). */
export async function holdMessage(db: Queryable, keys: IntegrityKeys, reportId: string, clientHash: string, day: string, held: HeldMessage): Promise<boolean> {
  if (await messageStored(db, clientHash)) return false;
  return insertHeldMessage(db, randomUUID(), { reportId, clientHash, day, sealed: keys.seal(JSON.stringify(held)) });
}

/** The reporter's own messages still held, in the order sent. */
export async function heldMessagesOf(db: Queryable, keys: IntegrityKeys, reportId: string): Promise<{ day: string; message: HeldMessage }[]> {
  return (await heldMessageRows(db, reportId)).map((row) => ({ day: row.day, message: keys.openJson<HeldMessage>(row.sealed) }));
}

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
    await insertFile(tx, { id: randomUUID(), reportId, messageId, fieldId: file.fieldId, type: file.type, size: bytes.length, sealed: keys.seal(bytes) });
  }
}

async function moveReport(tx: Queryable, keys: IntegrityKeys, item: InboxItem): Promise<void> {
  const report = keys.openJson<HeldReport>(item.sealed);
  const contents = keys.seal(JSON.stringify(report.contents));
  const identity = report.identity ? keys.seal(JSON.stringify(report.identity)).blob : null;
  const inserted = await insertReport(tx, {
    id: item.reportId, clientHash: item.clientHash, receiptHash: item.receiptHash, receiptForRetry: item.receiptForRetry,
    retryUntil: report.retryUntil, identification: report.identification, contents, identity, receivedDay: item.day,
  });
  if (inserted) await insertFiles(tx, keys, item.reportId, null, report.files);
}

async function moveMessage(tx: Queryable, keys: IntegrityKeys, item: InboxItem): Promise<void> {
  const message = keys.openJson<HeldMessage>(item.sealed);
  // The report's row first, as a city message takes it: otherwise each holds what the other waits for
  // (this seq's index entry, that row) and PostgreSQL aborts one as a deadlock.
  await lockReport(tx, item.reportId);
  const messageId = randomUUID();
  const inserted = await insertMessage(tx, { id: messageId, reportId: item.reportId, clientHash: item.clientHash, fromCity: false, day: item.day, sealed: keys.seal(message.text) });
  if (inserted) {
    await insertFiles(tx, keys, item.reportId, messageId, message.files);
    await resumeAfterReporterAnswer(tx, item.reportId);
  }
}

/**
 * Moves everything held into the tables, in one transaction, in random order (reports before the messages
 * that add to them; one report's messages keep their order). Returns how many items moved.
 */
export async function mixHeld(storage: Storage, keys: IntegrityKeys, random: Random = secureRandom): Promise<number> {
  return storage.transaction(async (tx) => {
    const held = await lockAllHeld(tx);
    if (held.length === 0) return 0;
    // Shuffled, then (stable) reports first and each report's messages in their order: ties stay random.
    const order = shuffled(held, random).sort((a, b) => Number(a.kind === 'message') - Number(b.kind === 'message') || a.reportOrder - b.reportOrder);
    for (const item of order) {
      if (item.kind === 'report') await moveReport(tx, keys, item);
      else await moveMessage(tx, keys, item);
    }
    await deleteHeld(tx, held.map((item) => item.id));
    return held.length;
  });
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
      if (moved > 0) await vacuumHoldingTable(this.#storage).catch((error: unknown) => this.#options.onError?.(error));
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
