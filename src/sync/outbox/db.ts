/**
 * The outbox database: what the person wrote and has not lost. It is separate from the charter cache
 * (another database) so that clearing or rebuilding the cache can never touch user data.
 *
 * Schema changes only ever ADD a version with an upgrade; a version is never edited once shipped,
 * because phones keep queued records for days across app updates (tests/unit/outbox-upgrade.test.ts).
 */
import { Dexie, type DexieOptions, type EntityTable } from 'dexie';
import type { FollowUp, IdentificationMode } from '../../shared/contract/integrity.ts';
import type { Answers, Attachment, AttachmentType } from '../../shared/contract/submissions.ts';
import type { ProtocolReceipt, StatusEvent } from '../../shared/contract/status.ts';
import type { SubmissionKind } from '../../shared/contract/forms.ts';

export const OUTBOX_DB_NAME = 'conecta-outbox';

/**
 * queued: waiting for its first try · sending: a drainer has it now (stale if found at drain start) ·
 * retry: a try failed for a reason that is not the person's (network, server busy), waiting for nextAttemptAt ·
 * sent: acknowledged by the server (receipt kept; answers and photos kept too until a later status read
 * confirms the server still has it, see `confirmAfter`) · rejected: the server refused the answers
 * (fieldErrors) · conflict: the id is stored on the server with a different body; kept, never dropped ·
 * stuck: the server failed on this one record again and again while it took others; kept with its data,
 * shown as needing attention, retried alone now and then so it never blocks the rest.
 */
export type RecordState = 'queued' | 'sending' | 'retry' | 'sent' | 'rejected' | 'conflict' | 'stuck';
export const UNSENT_STATES: readonly RecordState[] = ['queued', 'sending', 'retry', 'rejected', 'conflict', 'stuck'];
export const DUE_STATES: readonly RecordState[] = ['queued', 'sending', 'retry', 'stuck'];

/** What lists and badges show, kept after the answers are dropped. */
export interface RecordSummary {
  serviceName: string;
  formTitle: string;
  /** Answers plus files, in bytes, as the person would have to send them. */
  byteSize: number;
}

/**
 * What a record of the integrity channel carries besides the common fields (sync/outbox/integrity.ts). It never
 * takes the named path: no batch, no protocol, no status read, no push, no "Salvar cópia".
 */
export interface IntegrityPart {
  /** report: a denúncia (POST /api/integridade/relatos); message: more information for one (POST /api/integridade/mensagens). */
  kind: 'report' | 'message';
  /** report, until acknowledged: how the person chose to be identified. */
  identification?: IdentificationMode;
  /**
   * report: the 16 digits the server gave, kept (with nothing else of the report) until the person says
   * "Já anotei"; message: the receipt of the report it adds to, kept until the message is acknowledged.
   */
  receipt?: string;
  /** report: the day the server received it. */
  receivedDay?: string;
  /** Epoch ms at which the drainer may send it: a random 3–30 s after it became due, drawn again after any other traffic. */
  sendAt?: number;
  /** When sendAt was drawn: named traffic the page or the service worker sent after it (a status read, a push
   *  subscription) counts as other traffic too. */
  drawnAt?: number;
  /** report: the last follow-up read and when (offline /acompanhar), kept only as long as the receipt itself. */
  followUp?: FollowUp;
  followUpAt?: number;
}

export interface OutboxRecord {
  /** The submission id: a client UUID and the server's idempotency key. */
  id: string;
  state: RecordState;
  kind: SubmissionKind;
  serviceId: string;
  formId: string;
  formVersion: number;
  /** Dropped once the server acknowledged the record (LGPD: keep only what is needed). */
  answers?: Answers;
  attachments: Attachment[];
  createdAt: string;
  updatedAt: number;
  attempts: number;
  /** Epoch ms; 0 when due now. */
  nextAttemptAt: number;
  /** pt-BR, for the person. */
  lastError?: string;
  fieldErrors?: Record<string, string>;
  receipt?: ProtocolReceipt;
  /**
   * Epoch ms after which a status read confirms that the server still holds this sent record; until then its
   * answers and photos stay on the phone (a server that lost it after acknowledging gets it again).
   */
  confirmAfter?: number;
  statusHistory?: StatusEvent[];
  statusCheckedAt?: number;
  /** Set on an answer to a question of the city: the id of the request it answers (reply.ts). */
  replyTo?: string;
  /** The promised deadline the city gave (end of the due day, Bahia), from the status reads. */
  dueAt?: string | null;
  /** The `at` of the latest status event the person has seen (news.ts). */
  newsSeenAt?: string;
  /**
   * With the protocol, follows the request from any device (shared/contract/request-follow-up.ts). Made here
   * when the record is queued and kept after the answers go: it is what the person writes down or shares.
   */
  followUpCode?: string;
  /** Set on a record of the integrity channel (with `integrity`): it goes alone, by its own route. */
  channel?: 'integrity';
  integrity?: IntegrityPart;
  summary: RecordSummary;
}

export interface BlobRow {
  /** The file's address: SHA-256(device salt ‖ bytes) when `salted`, the plain SHA-256 in older rows. */
  sha256: string;
  blob: Blob;
  type: AttachmentType;
  size: number;
  createdAt: number;
  salted?: boolean;
}

/** Small settings of this device (its file-address salt). */
export interface MetaRow {
  key: string;
  value: string;
}

/** A form being filled in: saved on every change, never sent by itself. */
export interface Draft {
  id: string;
  serviceId: string;
  formId: string;
  formVersion: number;
  kind: SubmissionKind;
  answers: Answers;
  /** Photo files named by the answers, by hash (their Blobs live in `blobs`). */
  attachments: Attachment[];
  /** Set when the draft corrects a rejected record: submitting resends under that record's id. */
  correctsRecordId?: string;
  /** The integrity channel's form: how the person chose to be identified. */
  identification?: IdentificationMode;
  createdAt: number;
  updatedAt: number;
  summary: Omit<RecordSummary, 'byteSize'>;
}

export type OutboxDb = Dexie & {
  records: EntityTable<OutboxRecord, 'id'>;
  blobs: EntityTable<BlobRow, 'sha256'>;
  drafts: EntityTable<Draft, 'id'>;
  meta: EntityTable<MetaRow, 'key'>;
};

/** The first shipped schema; the upgrade test builds a database with exactly this. */
export const OUTBOX_SCHEMA_V1 = {
  records: 'id, state',
  blobs: 'sha256',
  drafts: 'id, updatedAt',
} as const;

export interface OutboxDbOptions {
  /** Tests pass a fresh fake-indexeddb factory; the browser uses its own. */
  indexedDB?: DexieOptions['indexedDB'];
  IDBKeyRange?: DexieOptions['IDBKeyRange'];
  name?: string;
}

export function openOutboxDb(options: OutboxDbOptions = {}): OutboxDb {
  const db = new Dexie(options.name ?? OUTBOX_DB_NAME, {
    ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
    ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
    // Durable commits: a queued record must survive the phone dying right after "Enviar".
    chromeTransactionDurability: 'strict',
  }) as OutboxDb;
  db.version(1).stores(OUTBOX_SCHEMA_V1);
  // v2: due-time and date indexes for the drainer and the list; old records get the bookkeeping fields.
  db.version(2)
    .stores({ records: 'id, state, nextAttemptAt, createdAt, [formId+serviceId]', drafts: 'id, updatedAt, [formId+serviceId]' })
    .upgrade(async (tx) => {
      await tx.table('records').toCollection().modify((record: Partial<OutboxRecord>) => {
        record.attempts ??= 0;
        record.nextAttemptAt ??= 0;
        record.attachments ??= [];
        record.updatedAt ??= Date.now();
      });
    });
  // v3: the device's salt for file addresses. Photos stored before it are re-addressed by the drainer (rekey.ts).
  db.version(3).stores({ meta: 'key' });
  return db;
}

/** A record of the integrity channel (a denúncia or more information for one). */
export function isIntegrity(record: Pick<OutboxRecord, 'channel'>): boolean {
  return record.channel === 'integrity';
}

/** A record whose answers and photos are still on the phone: unsent, or sent and not yet confirmed. */
export function holdsData(record: Pick<OutboxRecord, 'state' | 'answers'>): boolean {
  return UNSENT_STATES.includes(record.state) || (record.state === 'sent' && record.answers !== undefined);
}

let shared: OutboxDb | undefined;

/** The page's and the service worker's one connection. */
export function getOutboxDb(): OutboxDb {
  shared ??= openOutboxDb();
  return shared;
}

/** Whether this phone follows its requests by Web Push (kept with the outbox: "Apagar meus dados" erases it too). */
const PUSH_FOLLOWING_KEY = 'pushFollowing';

export async function isFollowingByPush(db: OutboxDb): Promise<boolean> {
  return (await db.meta.get(PUSH_FOLLOWING_KEY))?.value === '1';
}

export async function setFollowingByPush(db: OutboxDb, following: boolean): Promise<void> {
  if (following) await db.meta.put({ key: PUSH_FOLLOWING_KEY, value: '1' });
  else await db.meta.delete(PUSH_FOLLOWING_KEY);
}

/** Where the time of the last named request sent outside a drain is kept (meta table). */
const NAMED_TRAFFIC_KEY = 'namedTrafficAt';

/**
 * Notes that the phone is about to send something that names the person's records (a status read, a push
 * subscription with its ids), from the page or the service worker: a denúncia must not leave right after.
 */
export async function noteNamedTraffic(db: OutboxDb, now: number = Date.now()): Promise<void> {
  await db.meta.put({ key: NAMED_TRAFFIC_KEY, value: String(now) }).catch(() => undefined);
}

export async function namedTrafficAt(db: OutboxDb): Promise<number> {
  return Number((await db.meta.get(NAMED_TRAFFIC_KEY))?.value ?? 0);
}
