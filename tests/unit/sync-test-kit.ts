/** Shared set-up of the outbox and sync unit tests: a fresh fake IndexedDB per test and a manual clock. */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openOutboxDb, type OutboxDb } from '../../src/sync/db.ts';
import { enqueueSubmission, type EnqueueInput } from '../../src/sync/enqueue.ts';
import { sha256Hex } from '../../src/sync/hash.ts';
import type { SyncDeps } from '../../src/sync/drain.ts';
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

export async function photo(text = `photo-${counter++}`) {
  const blob = new Blob([`\xff\xd8${text}`], { type: 'image/jpeg' });
  return { sha256: await sha256Hex(blob), blob, type: 'image/jpeg' as const };
}

export async function queue(db: OutboxDb, overrides: Partial<EnqueueInput> = {}, withPhoto = false) {
  const file = withPhoto ? await photo() : undefined;
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
