/**
 * Where the bytes of uploaded files live. On the embedded database they are plain files beside it,
 * written with async I/O off the event loop: storing a 5 MiB bytea in PGlite runs seconds of WebAssembly
 * on the one thread that answers everyone. On PostgreSQL they stay in the database (table attachment_bytes)
 * so that several stateless server processes share them. The metadata row (attachments) is the same for both.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttachmentType } from '../../shared/contract/submissions.ts';
import type { AttachmentBytes, NewAttachmentRow, Queryable, Storage, UploadSink } from './types.ts';

/** The disk is full: an answer (507), not a crash. */
export class DiskFullError extends Error {
  constructor() {
    super('No space left for uploads');
    this.name = 'DiskFullError';
  }
}

function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

async function insertRow(db: Queryable, row: NewAttachmentRow): Promise<void> {
  await db.query(
    `INSERT INTO attachments (sha256, type, size, salted) VALUES ($1, $2, $3, $4)
     ON CONFLICT (sha256) DO NOTHING`,
    [row.sha256, row.type, row.size, row.salted ?? true],
  );
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------- files beside the embedded database

class FileBytes implements AttachmentBytes {
  readonly kind = 'files';
  readonly #tmp: string;

  constructor(readonly root: string, private readonly removeOnClose: boolean) {
    this.#tmp = join(root, 'tmp');
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async begin(): Promise<UploadSink> {
    await mkdir(this.#tmp, { recursive: true });
    const tempPath = join(this.#tmp, randomBytes(12).toString('hex'));
    let handle: FileHandle | undefined = await open(tempPath, 'wx');
    const guard = async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        await cleanup();
        throw isDiskFull(error) ? new DiskFullError() : error;
      }
    };
    const cleanup = async () => {
      await handle?.close().catch(() => undefined);
      handle = undefined;
      await rm(tempPath, { force: true });
    };
    return {
      write: (chunk) => guard(async () => { await handle!.write(chunk); }),
      commit: (storage, row) => guard(async () => {
        await handle!.datasync();
        await handle!.close();
        handle = undefined;
        const dir = join(this.root, row.sha256.slice(0, 2));
        await mkdir(dir, { recursive: true });
        await rename(tempPath, this.pathOf(row.sha256));
        await fsyncPath(dir);
        // The file is on disk before the row that names it: a crash in between leaves a stray, never a row without bytes.
        await insertRow(storage, row);
      }),
      abort: cleanup,
    };
  }

  async read(_storage: Storage, sha256: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(sha256s: readonly string[]): Promise<void> {
    for (const sha256 of sha256s) await rm(this.pathOf(sha256), { force: true });
  }

  /**
   * Removes files older than `olderThanMs` that no attachment row names (and any old leftover in tmp/): one
   * query per folder of the store (a folder holds the files of one hash prefix), never one per file.
   */
  async sweepStrays(storage: Storage, olderThanMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    const entries = await readdir(this.root).catch(() => [] as string[]);
    for (const entry of entries) {
      const dir = join(this.root, entry);
      const old: string[] = [];
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const info = await stat(join(dir, name)).catch(() => null);
        if (info?.isFile() && now - info.mtimeMs >= olderThanMs) old.push(name);
      }
      const known = entry === 'tmp' || old.length === 0 ? new Set<string>() : await knownAttachments(storage, old);
      for (const name of old) {
        if (known.has(name)) continue;
        await unlink(join(dir, name)).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.removeOnClose) await rm(this.root, { recursive: true, force: true });
  }
}

/** Which of these file names an attachment row still names. */
async function knownAttachments(storage: Storage, names: readonly string[]): Promise<Set<string>> {
  const rows = await storage.query<{ sha256: string }>('SELECT sha256 FROM attachments WHERE sha256 = ANY($1::text[])', [names]);
  return new Set(rows.rows.map((row) => row.sha256));
}

// ---------------------------------------------------------------- bytes inside PostgreSQL

class DatabaseBytes implements AttachmentBytes {
  readonly kind = 'database';

  async begin(): Promise<UploadSink> {
    let chunks: Uint8Array[] = [];
    return {
      write: async (chunk) => { chunks.push(chunk); },
      commit: async (storage, row) => {
        const bytes = Buffer.concat(chunks);
        await storage.transaction(async (tx) => {
          await insertRow(tx, row);
          await tx.query('INSERT INTO attachment_bytes (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [row.sha256, bytes]);
        });
      },
      abort: async () => { chunks = []; },
    };
  }

  async read(storage: Storage, sha256: string): Promise<Buffer | null> {
    const result = await storage.query<{ bytes: Uint8Array }>('SELECT bytes FROM attachment_bytes WHERE sha256 = $1', [sha256]);
    const bytes = result.rows[0]?.bytes;
    return bytes ? Buffer.from(bytes) : null;
  }

  async remove(): Promise<void> {
    // attachment_bytes rows go with their metadata row (ON DELETE CASCADE).
  }

  async sweepStrays(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {}
}

export function databaseBytes(): AttachmentBytes {
  return new DatabaseBytes();
}

/**
 * Files in `root` (or a temporary folder removed on close when root is undefined: the in-memory test
 * database). Bytes an older version kept inside PGlite are moved out to files once, here.
 */
export async function openFileBytes(root: string | undefined, db: Queryable): Promise<AttachmentBytes> {
  const store = new FileBytes(root ?? mkdtempSync(join(tmpdir(), 'conecta-files-')), root === undefined);
  await mkdir(store.root, { recursive: true });
  for (;;) {
    const legacy = await db.query<{ sha256: string; bytes: Uint8Array }>('SELECT sha256, bytes FROM attachment_bytes ORDER BY sha256 LIMIT 20');
    if (legacy.rowCount === 0) break;
    for (const row of legacy.rows) {
      const dir = join(store.root, row.sha256.slice(0, 2));
      await mkdir(dir, { recursive: true });
      const handle = await open(store.pathOf(row.sha256), 'w');
      try {
        await handle.write(row.bytes);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await fsyncPath(dir);
    }
    await db.query('DELETE FROM attachment_bytes WHERE sha256 = ANY($1::text[])', [legacy.rows.map((row) => row.sha256)]);
  }
  return store;
}
