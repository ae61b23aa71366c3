import { closeSync, fdatasyncSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PGlite, type Results } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { openFileBytes } from './file-store.ts';
import { migrate } from './migrate.ts';
import type { AttachmentBytes, QueryResult, Queryable, Row, Storage } from './types.ts';

const MEMORY = 'memory://';

/** PGlite reports affectedRows 0 for a SELECT: rowCount is the rows returned or the rows changed, as in pg. */
function toResult<T extends Row>(result: Results<T>): QueryResult<T> {
  return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
}

// ---------------------------------------------------------------- durability

/** What the Emscripten module gives a filesystem's preRun hook (only the parts used here). */
interface EmscriptenModule {
  NODEFS: { stream_ops: { fsync?: (stream: { nfd: number }) => number } };
  FS: { ErrnoError: new (errno: number) => Error };
}

/**
 * PGlite's Node filesystem with a real fsync. PGlite ships with fsync off and an Emscripten NODEFS that
 * has no fsync at all, so a commit reaches only the page cache and a power cut after the 201 loses a record
 * the phone has already deleted. Here every fsync PostgreSQL asks for (the WAL at each commit, data files
 * at checkpoints, directories after a rename) becomes a real one, so "acknowledged" means "on disk".
 */
class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, options: Parameters<NodeFS['init']>[1]) {
    const result = await super.init(pg, options);
    const preRun = [result.emscriptenOpts.preRun ?? []].flat();
    preRun.push((module: unknown) => {
      const mod = module as EmscriptenModule;
      mod.NODEFS.stream_ops.fsync = (stream) => {
        try {
          // A directory needs fsync; a file's data (and the size that finds it) needs only fdatasync.
          if (fstatSync(stream.nfd).isDirectory()) fsyncSync(stream.nfd);
          else fdatasyncSync(stream.nfd);
          return 0;
        } catch {
          throw new mod.FS.ErrnoError(29); // EIO: PostgreSQL treats a failed fsync as fatal, as it must.
        }
      };
    });
    return { emscriptenOpts: { ...result.emscriptenOpts, preRun } as typeof result.emscriptenOpts };
  }
}

/**
 * PGlite's start flags without "-F" (fsync off), and WAL flushed with fsync(): Emscripten's fdatasync()
 * is a no-op that never reaches the filesystem, while fsync() does.
 */
function durableStartParams(): string[] {
  return [...PGlite.defaultStartParams.filter((flag) => flag !== '-F'), '-c', 'wal_sync_method=fsync'];
}

/** initdb writes with fsync off: once, right after it, everything it wrote goes to disk. */
function fsyncTree(path: string): void {
  const stat = statSync(path);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) fsyncTree(join(path, entry));
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------- one process per folder

/** The start time of a process (Linux /proc), so a lock left by a dead process with a reused PID is seen as stale. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): the 20th of those is the start time.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files this process holds now: a lock naming our own PID that is not in here was left by an earlier life. */
const heldLocks = new Set<string>();

/** Whether the process a lock file names is still the one that wrote it. */
function lockOwnerAlive(lockFile: string, content: string): { alive: boolean; pid: number } {
  const [pidText, startTime] = content.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return { alive: false, pid };
  // A container restarted after a crash often gets the same PID: ours, but not held by this process.
  if (pid === process.pid) return { alive: heldLocks.has(lockFile), pid };
  if (!isProcessAlive(pid)) return { alive: false, pid };
  const now = processStartTime(pid);
  // Same PID, another start time: the PID was reused by an unrelated process.
  return { alive: !(startTime && now && now !== startTime), pid };
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it. A lock
 * file next to the folder ("PID start-time") turns that into a clear error (e.g. a CLI run while the
 * server is up), and is taken over when the process it names is gone, or is another process with that PID.
 */
export function acquireDirLock(dataDir: string): () => void {
  const lockFile = `${resolve(dataDir)}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, `${process.pid} ${processStartTime(process.pid) ?? ''}`, { flag: 'wx' });
      heldLocks.add(lockFile);
      return () => {
        heldLocks.delete(lockFile);
        rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let content = '';
      try {
        content = readFileSync(lockFile, 'utf8');
      } catch {
        continue;
      }
      const owner = lockOwnerAlive(lockFile, content);
      if (owner.alive) {
        throw new Error(`The embedded database in ${dataDir} is in use by ${owner.pid === process.pid ? 'this process' : `process ${owner.pid}`}. Stop it first (or set DATABASE_URL to use PostgreSQL).`);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}.`);
}

// ---------------------------------------------------------------- open

export interface PgliteOptions {
  /** The database folder, or 'memory://' (tests). */
  dataDir: string;
  /** Where uploaded files live; default beside the database folder ("files"). In memory: a temporary folder. */
  filesDir?: string;
}

export async function openPglite({ dataDir, filesDir }: PgliteOptions): Promise<Storage> {
  const inMemory = dataDir === MEMORY;
  const release = inMemory ? () => {} : acquireDirLock(dataDir);
  let db: PGlite;
  let files: AttachmentBytes;
  try {
    if (inMemory) {
      db = await PGlite.create(MEMORY);
    } else {
      const folder = resolve(dataDir);
      mkdirSync(dirname(folder), { recursive: true });
      const fresh = !statSafe(join(folder, 'PG_VERSION'));
      db = await PGlite.create({ fs: new DurableNodeFS(folder), startParams: durableStartParams() });
      if (fresh) fsyncTree(folder);
    }
    const session = {
      query: async <T extends Row>(sql: string, params?: readonly unknown[]) => toResult(await db.query<T>(sql, params as unknown[])),
      exec: async (sql: string) => { await db.exec(sql); },
    };
    await migrate(session, 'public');
    files = await openFileBytes(inMemory ? undefined : (filesDir ?? join(dirname(resolve(dataDir)), 'files')), session);
  } catch (error) {
    release();
    throw error;
  }
  const query = async <T extends Row>(sql: string, params?: readonly unknown[]) => toResult(await db.query<T>(sql, params as unknown[]));
  return {
    kind: 'pglite',
    localDir: inMemory ? undefined : dirname(resolve(dataDir)),
    files,
    query,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      db.transaction((tx) => fn({ query: async <R extends Row>(sql: string, params?: readonly unknown[]) => toResult(await tx.query<R>(sql, params as unknown[])) })),
    close: async () => {
      try {
        await db.close();
        await files.close();
      } finally {
        release();
      }
    },
  };
}

function statSafe(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
