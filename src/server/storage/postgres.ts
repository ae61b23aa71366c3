import pg from 'pg';
import { databaseBytes } from './file-store.ts';
import { migrate } from './migrate.ts';
import type { QueryResult, Queryable, Row, Storage } from './types.ts';

function toResult<T extends Row>(result: pg.QueryResult<T>): QueryResult<T> {
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
}

export interface PostgresOptions {
  databaseUrl: string;
  /** Tables live in this schema (one per test file, so files run in parallel); default public. */
  schema?: string;
  poolSize?: number;
}

export async function openPostgres({ databaseUrl, schema = 'public', poolSize = 10 }: PostgresOptions): Promise<Storage> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    options: schema === 'public' ? undefined : `-c search_path=${schema}`,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const client = await pool.connect();
  try {
    // Acknowledged means on disk: refuse to run on a server configured to answer before its WAL is flushed.
    const commit = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    if (commit.rows[0]?.synchronous_commit === 'off') {
      throw new Error('PostgreSQL has synchronous_commit = off: an acknowledged submission could be lost. Turn it on for this database.');
    }
    await migrate({
      query: async <T extends Row>(sql: string, params?: readonly unknown[]) => toResult(await client.query<T>(sql, params as unknown[])),
      exec: async (sql: string) => { await client.query(sql); },
    }, schema);
  } catch (error) {
    client.release();
    await pool.end();
    throw error;
  }
  client.release();

  const run = (target: pg.Pool | pg.PoolClient) =>
    async <T extends Row>(sql: string, params?: readonly unknown[]) => toResult(await target.query<T>(sql, params as unknown[]));

  return {
    kind: 'postgres',
    files: databaseBytes(),
    query: run(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = await pool.connect();
      try {
        await tx.query('BEGIN');
        const result = await fn({ query: run(tx) });
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        await tx.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        tx.release();
      }
    },
    close: () => pool.end(),
  };
}
