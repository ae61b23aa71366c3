import { join } from 'node:path';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Storage } from './types.ts';

export interface StorageOptions {
  /** PostgreSQL connection string; unset means the embedded PGlite. */
  databaseUrl?: string;
  /** PGlite's folder is DATA_DIR/pglite; 'memory://' keeps it in memory (tests). */
  dataDir?: string;
  /** PostgreSQL schema for the tables (PGlite ignores it). */
  schema?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens the database and brings its tables up to date with the migrations. */
export async function openStorage({ databaseUrl, dataDir = './.data', schema }: StorageOptions = {}): Promise<Storage> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name: ${schema}`);
  if (databaseUrl) return openPostgres({ databaseUrl, schema });
  return openPglite({ dataDir: dataDir === 'memory://' ? dataDir : join(dataDir, 'pglite') });
}
