import { readdirSync, readFileSync } from 'node:fs';
import type { Session } from './types.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

export interface Migration {
  name: string;
  sql: string;
}

/** NNN_name.sql files in order of their number. */
export function loadMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8') }));
}

/**
 * Applies the pending migrations, each in its own transaction. The advisory lock (keyed by schema) makes
 * several processes starting at once on one PostgreSQL wait for each other, so each migration runs once.
 * `migrations` defaults to every file; a test passes the first few to build a database as an older version left it.
 */
export async function migrate(session: Session, schema: string, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  const lockKey = `conecta-conquista:migrate:${schema}`;
  await session.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
  try {
    if (schema !== 'public') await session.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await session.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      await session.exec('BEGIN');
      try {
        await session.exec(migration.sql);
        await session.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
        await session.exec('COMMIT');
      } catch (error) {
        await session.exec('ROLLBACK');
        throw error;
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
  }
}
