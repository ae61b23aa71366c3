/** The tiny storage interface shared by the embedded PGlite and a PostgreSQL server: one SQL dialect. */
import type { AttachmentBytes } from './file-store.ts';

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

/** One connection, used to run migrations (multi-statement SQL) under an advisory lock. */
export interface Session extends Queryable {
  exec(sql: string): Promise<void>;
}
