/** Shared set-up of the outbox and sync unit tests: a fresh fake IndexedDB per test and a manual clock. */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openOutboxDb, type OutboxDb } from '../../src/sync/outbox/db.ts';
import { enqueueSubmission, type EnqueueInput } from '../../src/sync/outbox/enqueue.ts';
import { fileAddress } from '../../src/sync/outbox/file-address.ts';
import type { SyncDeps } from '../../src/sync/drain/deps.ts';
import { createFakeEndpoint } from './sync-fake-endpoint.ts';

export function freshDb(name?: string): { db: OutboxDb; factory: InstanceType<typeof IDBFactory> } {
  const factory = new IDBFactory();
  return { db: openOutboxDb({ indexedDB: factory, IDBKeyRange, ...(name ? { name } : {}) }), factory };
}

export function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

let counter = 0;
export function uuid(): string {
  return crypto.randomUUID();
}

/** A photo addressed as this device addresses it (salted). */
export async function photo(db: OutboxDb, text = `photo-${counter++}`) {
  const blob = new Blob([`\xff\xd8${text}`], { type: 'image/jpeg' });
  return { sha256: await fileAddress(db, blob), blob, type: 'image/jpeg' as const };
}

export async function queue(db: OutboxDb, overrides: Partial<EnqueueInput> = {}, withPhoto = false) {
  const file = withPhoto ? await photo(db) : undefined;
  const input: EnqueueInput = {
    id: uuid(),
    kind: 'request',
    serviceId: 'tapa-buraco',
    formId: 'tapa-buraco',
    formVersion: 1,
    answers: { endereco: 'Rua A, 10', ...(file ? { fotos: [file.sha256] } : {}) },
    attachments: file ? [{ sha256: file.sha256, type: file.type, size: file.blob.size, fieldId: 'fotos' }] : [],
    files: file ? [file] : [],
    summary: { serviceName: 'Tapa-buraco', formTitle: 'Pedir conserto de buraco' },
    ...overrides,
  };
  return enqueueSubmission(db, input);
}

export function depsFor(db: OutboxDb, endpoint: ReturnType<typeof createFakeEndpoint>, time = clock(), random = () => 0.5): SyncDeps {
  return { db, fetch: endpoint.fetch, now: time.now, random, baseUrl: 'http://fake.test' };
}

/** Past the wait after which a sent record is confirmed by a status read. */
export const PAST_CONFIRMATION_MS = 2 * 60_000 + 1;
