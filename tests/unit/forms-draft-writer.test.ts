import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDraftWriter } from '../../src/sync/outbox/drafts.ts';
import type { Draft } from '../../src/sync/outbox/db.ts';
import { freshDb, uuid } from '../support/sync-outbox.ts';

function draft(id: string, text: string): Draft {
  return {
    id, serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: 1, kind: 'request', answers: { texto: text }, attachments: [],
    createdAt: 1, updatedAt: text.length, summary: { serviceName: 'Tapa-buraco', formTitle: 'Pedir conserto' },
  };
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the draft writer while typing', () => {
  it('issues no write inside the keystroke, then one write of the newest draft when idle', async () => {
    const { db } = freshDb();
    const put = vi.spyOn(db.drafts, 'put');
    const writer = createDraftWriter(db, (error) => { throw error; });
    const id = uuid();
    for (let i = 1; i <= 30; i++) writer.save(draft(id, 'a'.repeat(i)));
    expect(put).not.toHaveBeenCalled();
    await vi.waitFor(async () => expect((await db.drafts.get(id))?.answers).toEqual({ texto: 'a'.repeat(30) }));
    expect(put).toHaveBeenCalledTimes(1);
  });

  it('flush() (pagehide) issues a waiting write at once, and the idle turn writes nothing more', async () => {
    const { db } = freshDb();
    const put = vi.spyOn(db.drafts, 'put');
    const writer = createDraftWriter(db, (error) => { throw error; });
    const id = uuid();
    writer.save(draft(id, 'último'));
    const flushed = writer.flush();
    expect(put).toHaveBeenCalledTimes(1);
    await flushed;
    expect((await db.drafts.get(id))?.answers).toEqual({ texto: 'último' });
    await nextTask();
    await nextTask();
    expect(put).toHaveBeenCalledTimes(1);
  });

  it('keeps the keystrokes typed while a write is in flight, the last one last', async () => {
    const { db } = freshDb();
    const writer = createDraftWriter(db, (error) => { throw error; });
    const id = uuid();
    writer.save(draft(id, 'a'));
    const first = writer.flush();
    writer.save(draft(id, 'ab'));
    writer.save(draft(id, 'abc'));
    await first;
    await writer.flush();
    expect((await db.drafts.get(id))?.answers).toEqual({ texto: 'abc' });
    writer.save(draft(id, 'abcd'));
    await vi.waitFor(async () => expect((await db.drafts.get(id))?.answers).toEqual({ texto: 'abcd' }));
  });

  it('waits for the browser idle callback, with a deadline, and cancels it when flushed', async () => {
    const callbacks = new Map<number, () => void>();
    let handles = 0;
    const requestIdleCallback = vi.fn((run: () => void, options: { timeout: number }) => {
      expect(options.timeout).toBeGreaterThan(0);
      callbacks.set(++handles, run);
      return handles;
    });
    const cancelIdleCallback = vi.fn((handle: number) => callbacks.delete(handle));
    vi.stubGlobal('requestIdleCallback', requestIdleCallback);
    vi.stubGlobal('cancelIdleCallback', cancelIdleCallback);
    const { db } = freshDb();
    const writer = createDraftWriter(db, (error) => { throw error; });
    const id = uuid();
    writer.save(draft(id, 'x'));
    writer.save(draft(id, 'xy'));
    expect(requestIdleCallback).toHaveBeenCalledTimes(1);
    await nextTask();
    expect(await db.drafts.get(id)).toBeUndefined();
    callbacks.get(1)!();
    await writer.flush();
    expect((await db.drafts.get(id))?.answers).toEqual({ texto: 'xy' });

    writer.save(draft(id, 'xyz'));
    expect(requestIdleCallback).toHaveBeenCalledTimes(2);
    await writer.flush();
    expect(cancelIdleCallback.mock.calls).toEqual([[2]]);
    expect((await db.drafts.get(id))?.answers).toEqual({ texto: 'xyz' });
  });
});
