import { describe, expect, it } from 'vitest';
import { hasNews, latestNote, markNewsSeen } from '../../src/sync/outbox/news.ts';
import { countNews } from '../../src/sync/outbox/queries.ts';
import { freshDb, queue } from '../support/sync-outbox.ts';

const received = { status: 'received' as const, at: '2026-11-20T10:00:00.000Z' };
const inProgress = { status: 'in_progress' as const, at: '2026-11-21T10:00:00.000Z', note: 'Equipe agendada.' };
const done = { status: 'done' as const, at: '2026-11-22T10:00:00.000Z' };

describe('news of a sent request', () => {
  it('is whatever the city wrote after the request arrived, until the person opens it', async () => {
    const { db } = freshDb();
    const record = await queue(db);
    const receipt = { id: record.id, protocol: '2026-000001', status: 'received' as const, receivedAt: received.at };
    await db.records.update(record.id, { state: 'sent', receipt, statusHistory: [received] });
    expect(hasNews((await db.records.get(record.id))!)).toBe(false);

    await db.records.update(record.id, { statusHistory: [received, inProgress] });
    expect(hasNews((await db.records.get(record.id))!)).toBe(true);
    expect(await countNews(db)).toBe(1);
    expect(latestNote((await db.records.get(record.id))!)).toBe('Equipe agendada.');

    await markNewsSeen(db, record.id);
    expect(await countNews(db)).toBe(0);
    // A later word is news again, and the last note stays the latest one written.
    await db.records.update(record.id, { statusHistory: [received, inProgress, done] });
    expect(await countNews(db)).toBe(1);
    expect(latestNote((await db.records.get(record.id))!)).toBe('Equipe agendada.');
  });

  it('is never claimed for a record that is not sent', async () => {
    const { db } = freshDb();
    const record = await queue(db);
    await db.records.update(record.id, { statusHistory: [received, inProgress] });
    expect(hasNews((await db.records.get(record.id))!)).toBe(false);
  });
});
