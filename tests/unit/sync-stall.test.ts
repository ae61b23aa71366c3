import { describe, expect, it } from 'vitest';
import { drainOutbox } from '../../src/sync/drain/loop.ts';
import { SYNC_MESSAGES, requestTimeout } from '../../src/sync/drain/request.ts';
import { createFakeEndpoint } from '../support/sync-fake-endpoint.ts';
import { depsFor, freshDb, queue } from '../support/sync-outbox.ts';

/** A server that accepted the connection and never answers: only the abort signal ends the wait. */
function stalledFetch(): (input: string, init?: RequestInit) => Promise<Response> {
  return (_input, init) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    });
}

describe('a stalled connection', () => {
  it('is given up after the timeout, the record waits for a retry and the drain ends', async () => {
    const { db } = freshDb();
    const record = await queue(db);
    const deps = { ...depsFor(db, createFakeEndpoint()), fetch: stalledFetch(), requestTimeoutMs: 50 };

    const report = await drainOutbox(deps);

    expect(report).toMatchObject({ offline: true, retrying: 1, pending: 1, sent: 0 });
    expect(await db.records.get(record.id)).toMatchObject({ state: 'retry', lastError: SYNC_MESSAGES.offline });
  });

  it('gives a photo on 2G time to go up: a second more per 4 KB', () => {
    expect(requestTimeout(30_000, 0)).toBe(30_000);
    expect(requestTimeout(30_000, 400 * 1024)).toBe(130_000);
  });
});
