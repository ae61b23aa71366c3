import { readFileSync } from 'node:fs';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { CharterDatabase } from '../../src/apps/citizen/charter/charter-db.ts';
import { CHARTER_URL, loadStoredCharter, refreshCharter, type FetchLike } from '../../src/apps/citizen/charter/charter-cache.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/pwa-charter.json', import.meta.url), 'utf8')) as Charter;
const versionTwo: Charter = {
  ...fixture,
  version: 'pwa-fixture-2',
  services: fixture.services.map((s) => (s.id === 'vacinacao' ? { ...s, name: 'Vacinação (nova versão)' } : s)),
  forms: fixture.forms.map((f) => (f.id === 'segunda-via-iptu' ? { ...f, version: 2 } : f)),
};

/** A stand-in for the charter endpoint: answers 304 when the ETag matches, records what it was asked. */
function charterServer(charter: Charter, etag: string) {
  const requests: { url: string; ifNoneMatch: string | null }[] = [];
  const fetchCharter: FetchLike = async (url, init) => {
    const ifNoneMatch = new Headers(init.headers).get('If-None-Match');
    requests.push({ url, ifNoneMatch });
    if (ifNoneMatch === etag) return new Response(null, { status: 304, headers: { ETag: etag } });
    return new Response(JSON.stringify(charter), { status: 200, headers: { ETag: etag, 'Content-Type': 'application/json' } });
  };
  return { fetchCharter, requests };
}

/** A response whose body breaks after the first chunk, like a 2G connection dropping mid-download. */
function brokenDownload(charter: Charter): Response {
  const text = JSON.stringify(charter);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text.slice(0, text.length / 2)));
      controller.error(new TypeError('network connection lost'));
    },
  });
  return new Response(body, { status: 200, headers: { ETag: '"v2"' } });
}

let db: CharterDatabase;
beforeEach(() => {
  db = new CharterDatabase({ indexedDB: new IDBFactory(), IDBKeyRange });
});
afterEach(() => {
  db.close();
  vi.restoreAllMocks();
});

describe('charter cache', () => {
  it('stores the whole charter and every form on the first download', async () => {
    const server = charterServer(fixture, '"v1"');
    const outcome = await refreshCharter(db, server.fetchCharter, () => new Date('2026-11-20T10:00:00Z'));
    expect(outcome.status).toBe('updated');
    expect(server.requests).toEqual([{ url: CHARTER_URL, ifNoneMatch: null }]);

    const stored = await loadStoredCharter(db);
    expect(stored?.charter).toEqual(fixture);
    expect(stored?.etag).toBe('"v1"');
    expect(stored?.storedAt).toBe('2026-11-20T10:00:00.000Z');
    expect(stored?.bytes).toBeGreaterThan(1000);
  });

  it('keeps the stored version on 304 and only notes when it was checked', async () => {
    const server = charterServer(fixture, '"v1"');
    await refreshCharter(db, server.fetchCharter, () => new Date('2026-11-20T10:00:00Z'));
    const outcome = await refreshCharter(db, server.fetchCharter, () => new Date('2026-11-21T08:00:00Z'));

    expect(outcome.status).toBe('unchanged');
    expect(server.requests[1]).toEqual({ url: CHARTER_URL, ifNoneMatch: '"v1"' });
    const stored = await loadStoredCharter(db);
    expect(stored?.charter).toEqual(fixture);
    expect(stored?.storedAt).toBe('2026-11-20T10:00:00.000Z');
    expect(stored?.checkedAt).toBe('2026-11-21T08:00:00.000Z');
  });

  it('replaces the charter with a new version', async () => {
    await refreshCharter(db, charterServer(fixture, '"v1"').fetchCharter);
    const outcome = await refreshCharter(db, charterServer(versionTwo, '"v2"').fetchCharter);

    expect(outcome.status).toBe('updated');
    const stored = await loadStoredCharter(db);
    expect(stored?.charter.version).toBe('pwa-fixture-2');
    expect(stored?.etag).toBe('"v2"');
    expect(stored?.charter.services.find((s) => s.id === 'vacinacao')?.name).toBe('Vacinação (nova versão)');
    expect(stored?.charter.forms.find((f) => f.id === 'segunda-via-iptu')?.version).toBe(2);
  });

  it('leaves the old version whole when the download breaks mid-way', async () => {
    await refreshCharter(db, charterServer(fixture, '"v1"').fetchCharter);
    const outcome = await refreshCharter(db, async () => brokenDownload(versionTwo));

    expect(outcome.status).toBe('unreachable');
    const stored = await loadStoredCharter(db);
    expect(stored?.charter).toEqual(fixture);
    expect(stored?.etag).toBe('"v1"');
  });

  it('leaves the old version whole when writing the new one fails', async () => {
    await refreshCharter(db, charterServer(fixture, '"v1"').fetchCharter);
    vi.spyOn(db.charters, 'put').mockRejectedValue(new Error('QuotaExceededError'));
    const outcome = await refreshCharter(db, charterServer(versionTwo, '"v2"').fetchCharter);

    expect(outcome.status).toBe('failed');
    const stored = await loadStoredCharter(db);
    expect(stored?.charter).toEqual(fixture);
    expect(stored?.etag).toBe('"v1"');
  });

  it('refuses a charter that breaks the contract and keeps the old one', async () => {
    await refreshCharter(db, charterServer(fixture, '"v1"').fetchCharter);
    const broken = { ...versionTwo, services: [{ id: 'sem-nome' }] } as unknown as Charter;
    const outcome = await refreshCharter(db, charterServer(broken, '"v3"').fetchCharter);

    expect(outcome.status).toBe('failed');
    expect((await loadStoredCharter(db))?.charter.version).toBe(fixture.version);
  });

  it('reports an unreachable network without touching what is stored', async () => {
    await refreshCharter(db, charterServer(fixture, '"v1"').fetchCharter);
    const outcome = await refreshCharter(db, async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(outcome.status).toBe('unreachable');
    expect((await loadStoredCharter(db))?.charter).toEqual(fixture);
  });
});
