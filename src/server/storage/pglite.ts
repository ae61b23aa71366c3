import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite, type Results } from '@electric-sql/pglite';
import { migrate } from './migrate.ts';
import type { QueryResult, Queryable, Row, Storage } from './types.ts';

const MEMORY = 'memory://';

function toResult<T extends Row>(result: Results<T>): QueryResult<T> {
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * A pid file next to the folder turns that into a clear error (e.g. a CLI run while the server is up).
 */
function acquireDirLock(dataDir: string): () => void {
  const lockFile = `${resolve(dataDir)}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockFile, 'utf8'));
      if (owner && isProcessAlive(owner)) {
        throw new Error(`The embedded database in ${dataDir} is in use by ${owner === process.pid ? 'this process' : `process ${owner}`}. Stop it first (or set DATABASE_URL to use PostgreSQL).`);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}.`);
}

export async function openPglite(dataDir: string): Promise<Storage> {
  const inMemory = dataDir === MEMORY;
  const release = inMemory ? () => {} : acquireDirLock(dataDir);
  let db: PGlite;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(dataDir)), { recursive: true });
    db = await PGlite.create(inMemory ? MEMORY : resolve(dataDir));
    await migrate({
      query: async <T extends Row>(sql: string, params?: readonly unknown[]) => toResult(await db.query<T>(sql, params as unknown[])),
      exec: async (sql: string) => { await db.exec(sql); },
    }, 'public');
  } catch (error) {
    release();
    throw error;
  }
  const query = async <T extends Row>(sql: string, params?: readonly unknown[]) => toResult(await db.query<T>(sql, params as unknown[]));
  return {
    kind: 'pglite',
    query,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      db.transaction((tx) => fn({ query: async <R extends Row>(sql: string, params?: readonly unknown[]) => toResult(await tx.query<R>(sql, params as unknown[])) })),
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}
