/** The tiny storage interface shared by the embedded PGlite and a PostgreSQL server: one SQL dialect. */
import type { AttachmentType } from '../../shared/contract/submissions.ts';

export type Row = Record<string, unknown>;

export interface QueryResult<T extends Row = Row> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export type StorageKind = 'pglite' | 'postgres';

export interface Storage extends Queryable {
  readonly kind: StorageKind;
  /** Where uploaded files' bytes live (files beside PGlite, a table in PostgreSQL). */
  readonly files: AttachmentBytes;
  /** The local folder this process writes to (the embedded database and its files); its free space is guarded. */
  readonly localDir?: string | undefined;
  /**
   * Runs fn inside BEGIN … COMMIT (ROLLBACK when it throws). Inside, use only the given handle. The
   * promise settles after COMMIT returned, which is after the commit reached the disk on both databases.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/* The bytes of uploaded files (storage/file-store.ts keeps them beside PGlite or in PostgreSQL). */
export interface AttachmentRow {
  sha256: string;
  type: AttachmentType;
  size: number;
}

/** A row to insert: salted unless it came from a "Salvar cópia" file made before addresses were salted. */
export interface NewAttachmentRow extends AttachmentRow {
  salted?: boolean;
}

/** A file arriving: written as it comes, made durable and visible only by commit. */
export interface UploadSink {
  write(chunk: Uint8Array): Promise<void>;
  /** Stores the bytes durably under the address and inserts the metadata row; idempotent per address. */
  commit(storage: Storage, row: NewAttachmentRow): Promise<void>;
  abort(): Promise<void>;
}

export interface AttachmentBytes {
  readonly kind: 'files' | 'database';
  begin(): Promise<UploadSink>;
  read(storage: Storage, sha256: string): Promise<Buffer | null>;
  /** Called after the metadata rows are gone. */
  remove(sha256s: readonly string[]): Promise<void>;
  /** Files with no metadata row (a crash between the file and the row), and abandoned temporary files. */
  sweepStrays(storage: Storage, olderThanMs: number, now?: number): Promise<number>;
  close(): Promise<void>;
}

/** One connection, used to run migrations (multi-statement SQL) under an advisory lock. */
export interface Session extends Queryable {
  exec(sql: string): Promise<void>;
}
