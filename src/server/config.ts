/** Server settings from the environment (documented in README and docs/API.md). */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Unset: the embedded PGlite in DATA_DIR/pglite. */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables (default public). */
  databaseSchema?: string;
  /** Requests per minute per client IP; 0 turns the limit off. */
  rateLimitPerMinute: number;
  logLevel: string;
  trustProxy: boolean;
  staticDir: string;
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: integer(env.PORT, 8080, 'PORT'),
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './.data',
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    rateLimitPerMinute: integer(env.RATE_LIMIT_PER_MINUTE, 600, 'RATE_LIMIT_PER_MINUTE'),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    staticDir: env.STATIC_DIR || './dist',
  };
}

export function storageOptions(config: ServerConfig) {
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema };
}
