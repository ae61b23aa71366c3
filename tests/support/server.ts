/**
 * Starts the real server on 127.0.0.1:0 over a fresh database: an in-memory PGlite, or a new schema of the
 * PostgreSQL at TEST_DATABASE_URL (so test files can run in parallel), with the fixture charter installed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { CharterSchema, type Charter } from '../../src/shared/contract/charter.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { buildApp, LISTEN_TEXT, type AppOptions } from '../../src/server/app.ts';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import { installContent, readContentFile } from '../../src/server/domain/integrity/content.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import type { Storage } from '../../src/server/storage/types.ts';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. */
export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const FIXTURE_CHARTER_FILE = new URL('../fixtures/charter.json', import.meta.url);

export function fixtureCharter(): Charter {
  const parsed = parseContract(CharterSchema, JSON.parse(readFileSync(FIXTURE_CHARTER_FILE, 'utf8')));
  if (!parsed.ok) throw new Error(`Fixture charter is invalid: ${JSON.stringify(parsed.fields)}`);
  return parsed.value;
}

export interface TestStorage {
  storage: Storage;
  /** The PostgreSQL schema, to open a second storage on the same tables. */
  schema?: string;
  /** Closes the storage and drops its schema. */
  dispose(): Promise<void>;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export async function openTestStorage(backend: Backend, schema?: string): Promise<TestStorage> {
  if (backend === 'pglite') {
    const storage = await openStorage({ dataDir: 'memory://' });
    return { storage, dispose: () => storage.close() };
  }
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = schema ?? `test_${randomBytes(6).toString('hex')}`;
  const storage = await openStorage({ databaseUrl, schema: name });
  return {
    storage,
    schema: name,
    dispose: async () => {
      await storage.close();
      if (!schema) await dropSchema(name);
    },
  };
}

export interface TestServer {
  url: string;
  app: FastifyInstance;
  storage: Storage;
  close(): Promise<void>;
}

export interface StartServerOptions extends Partial<Omit<AppOptions, 'storage'>> {
  backend?: Backend;
  /** Use this storage (not closed by close()) instead of opening a fresh one. */
  storage?: Storage;
  /** The charter to install first; default the fixture, false for none. */
  charter?: Charter | false;
  /** The Code of Ethics and Integrity Plan to install; default the sample document, false for none. */
  integrityContent?: false;
}

export async function startServer({ backend = 'pglite', storage: given, charter, integrityContent, rateLimit = false, ...app }: StartServerOptions = {}): Promise<TestServer> {
  const owned = given ? undefined : await openTestStorage(backend);
  const storage = given ?? owned!.storage;
  try {
    if (charter !== false) await installCharter(storage, charter ?? fixtureCharter());
    if (integrityContent !== false) {
      const read = readContentFile(new URL('../../data/integrity-content.json', import.meta.url).pathname);
      if (!read.ok) throw new Error(`data/integrity-content.json is invalid: ${JSON.stringify(read.fields)}`);
      await installContent(storage, read.content);
    }
    const server = await buildApp({ storage, rateLimit, ...app });
    await server.listen({ host: '127.0.0.1', port: 0, listenTextResolver: LISTEN_TEXT });
    const { port } = server.server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      app: server,
      storage,
      close: async () => {
        await server.close();
        await owned?.dispose();
      },
    };
  } catch (error) {
    await owned?.dispose();
    throw error;
  }
}

// ---------------------------------------------------------------- files

/** A device salt (32 bytes, hex) for tests: file addresses are SHA-256(salt ‖ bytes). */
export const TEST_SALT = 'c0ffee'.repeat(10) + 'c0de';

export function fileAddress(bytes: Uint8Array, salt: string = TEST_SALT): string {
  return createHash('sha256').update(Buffer.from(salt, 'hex')).update(bytes).digest('hex');
}

/** PUT /api/attachments/:address with the salt header, as the phone does. */
export function uploadFile(url: string, bytes: Uint8Array, type: string, { salt = TEST_SALT, address }: { salt?: string; address?: string } = {}): Promise<Response> {
  return fetch(`${url}/api/attachments/${address ?? fileAddress(bytes, salt)}`, {
    method: 'PUT',
    headers: { 'content-type': type, 'x-attachment-salt': salt },
    body: bytes,
  });
}

// ---------------------------------------------------------------- submissions for the fixture charter

export const VALID_CPF = '529.982.247-25';

/** A valid pothole request (form tapa-buraco v1) without photos; personal data tests look for these values. */
export function potholeRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: crypto.randomUUID(),
    kind: 'request',
    serviceId: 'tapa-buraco',
    formId: 'tapa-buraco',
    formVersion: 1,
    answers: {
      descricao: 'Buraco grande na frente da escola municipal.',
      local: { district: 'igua', village: 'Cachoeira' },
      nome: 'Maria da Conceição Souza',
      cpf: VALID_CPF,
      telefone: '(77) 98888-7777',
      aceite: true,
    },
    attachments: [],
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export function evaluation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: crypto.randomUUID(),
    kind: 'evaluation',
    serviceId: 'segunda-via-iptu',
    formId: 'avaliacao-servico',
    formVersion: 1,
    answers: { nota: '5', criterios: ['prazo'] },
    attachments: [],
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** response.json() is typed unknown; tests read properties of error bodies freely. */
export async function readJson(response: Response): Promise<any> {
  return response.json();
}
