/** Server settings from the environment (documented in README and docs/API.md). */
import { DEFAULT_PUSH_SUBJECT, type PushOptions } from './domain/push.ts';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** The integrity key file's own folder (without INTEGRITY_KEY), outside DATA_DIR. */
  keyDir: string;
  /** Unset: the embedded PGlite in DATA_DIR/pglite. */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables (default public). */
  databaseSchema?: string;
  /** Requests per minute per client address to the API; 0 turns the limit off. */
  rateLimitPerMinute: number;
  logLevel: string;
  /** Which proxies to believe about the client address: a hop count or their addresses (CIDRs); never "all". */
  trustProxy: TrustProxy;
  staticDir: string;
  /** Below this much free space in DATA_DIR, writes answer 507 before touching the database. */
  minFreeBytes: number;
  /** Uploaded files no submission cites are deleted after this many days. */
  orphanFileDays: number;
  /** Send Strict-Transport-Security (only behind TLS). */
  hsts: boolean;
  /** The process exits when its event loop or its database stops answering for this long; 0 turns it off. */
  watchdogSeconds: number;
  limits: ConnectionLimits;
  push: PushOptions;
}

/** false: the socket's address is the client's. A number: that many proxies in front. A list: the proxies' addresses. */
export type TrustProxy = false | number | string[];

export interface ConnectionLimits {
  /** Open connections in all. */
  maxConnections: number;
  /** Open connections per client address (IPv6 grouped by /64); not applied behind a trusted proxy. */
  connectionsPerAddress: number;
  /** Photo uploads in flight per client address. */
  uploadsPerClient: number;
  /** A request body that delivers less than 1 KB in this long is cut. */
  bodyStallMs: number;
  /** The whole request (headers and body) must arrive within this long. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxConnections: 4096,
  // A whole village can sit behind one carrier address (CGNAT): generous per address, bounded in all.
  connectionsPerAddress: 256,
  uploadsPerClient: 4,
  bodyStallMs: 60_000,
  // 5 MB at 2G speed (about 4 KB/s) takes 21 minutes: the phone allows that much, so does the server.
  requestTimeoutMs: 30 * 60_000,
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 10_000,
};

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

const IPV4_CIDR = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
const IPV6_CIDR = /^[0-9a-f:]+(\/\d{1,3})?$/i;

/**
 * TRUST_PROXY: unset/0 (no proxy), a hop count ("1": one load balancer in front), or a comma-separated list
 * of the proxies' addresses or CIDRs. "true"/"all" are refused: trusting every X-Forwarded-For hop lets any
 * client pick its own address and walk past the rate limit.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || text === '0' || text === 'false') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const list = text.split(',').map((part) => part.trim()).filter(Boolean);
  const bad = list.filter((part) => !IPV4_CIDR.test(part) && !(part.includes(':') && IPV6_CIDR.test(part)));
  if (bad.length || list.length === 0) {
    throw new Error(`TRUST_PROXY must be a hop count or the proxies' addresses/CIDRs (e.g. "1" or "10.0.0.0/8"), got "${value}"`);
  }
  return list;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: integer(env.PORT, 8080, 'PORT'),
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './.data',
    keyDir: env.KEY_DIR || './.keys',
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    rateLimitPerMinute: integer(env.RATE_LIMIT_PER_MINUTE, 600, 'RATE_LIMIT_PER_MINUTE'),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    staticDir: env.STATIC_DIR || './dist',
    minFreeBytes: integer(env.MIN_FREE_MB, 200, 'MIN_FREE_MB') * 1024 * 1024,
    orphanFileDays: integer(env.ORPHAN_FILE_DAYS, 7, 'ORPHAN_FILE_DAYS'),
    hsts: env.HSTS === '1' || env.HSTS === 'true',
    watchdogSeconds: integer(env.WATCHDOG_SECONDS, 60, 'WATCHDOG_SECONDS'),
    limits: {
      ...DEFAULT_LIMITS,
      maxConnections: integer(env.MAX_CONNECTIONS, DEFAULT_LIMITS.maxConnections, 'MAX_CONNECTIONS'),
      connectionsPerAddress: integer(env.MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_LIMITS.connectionsPerAddress, 'MAX_CONNECTIONS_PER_ADDRESS'),
      uploadsPerClient: integer(env.UPLOADS_PER_CLIENT, DEFAULT_LIMITS.uploadsPerClient, 'UPLOADS_PER_CLIENT'),
    },
    push: {
      subject: env.PUSH_SUBJECT || DEFAULT_PUSH_SUBJECT,
      extraOrigins: (env.PUSH_EXTRA_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean),
    },
  };
}

export function storageOptions(config: ServerConfig) {
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema };
}
