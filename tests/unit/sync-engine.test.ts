import { describe, expect, it } from 'vitest';
import { CONFIRM_RETRY_MS, LONE_STUCK_RETRY_MS, STUCK_RETRY_MS, type LockManagerLike } from '../../src/sync/drain/deps.ts';
import { drainOutbox } from '../../src/sync/drain/loop.ts';
import { SYNC_MESSAGES } from '../../src/sync/drain/request.ts';
import { BACKOFF_BASE_MS } from '../../src/sync/drain/backoff.ts';
import { enqueueReply } from '../../src/sync/outbox/reply.ts';
import { createFakeEndpoint } from '../support/sync-fake-endpoint.ts';
import { clock, depsFor, freshDb, PAST_CONFIRMATION_MS, queue } from '../support/sync-outbox.ts';

describe('drainOutbox', () => {
  it('keeps a reply the server fails on apart: the requests and their photos still go, the reply waits in backoff', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const asked = await queue(db);
    await drainOutbox(depsFor(db, endpoint, time));
    const reply = await enqueueReply(db, { id: crypto.randomUUID(), request: (await db.records.get(asked.id))!, text: 'O buraco fica em frente ao número 120.' }, time.now);
    const withPhoto = await queue(db, {}, true);
    const failingReplies: typeof endpoint.fetch = async (input, init) => {
      if (new URL(input, 'http://fake.test').pathname === '/api/replies') return new Response('{"error":"internal_error","message":"Erro."}', { status: 500 });
      return endpoint.fetch(input, init);
    };
    const report = await drainOutbox({ ...depsFor(db, endpoint, time), fetch: failingReplies });
    expect((await db.records.get(withPhoto.id))?.state).toBe('sent');
    expect(endpoint.stored.has(withPhoto.id)).toBe(true);
    const waiting = await db.records.get(reply.id);
    expect(waiting?.state).toBe('retry');
    expect(waiting?.nextAttemptAt).toBeGreaterThan(time.now());
    expect(report.offline).toBe(false);
  });

  it('waits a minute after a confirmation read that failed, instead of asking again at every drain', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const record = await queue(db);
    await drainOutbox(depsFor(db, endpoint, time));
    time.advance(PAST_CONFIRMATION_MS);
    for (const failure of ['busy', 'offline'] as const) {
      if (failure === 'busy') Object.assign(endpoint.state, { failures: 1, failureStatus: 503 });
      else endpoint.state.offline = true;
      const failed = await drainOutbox(depsFor(db, endpoint, time));
      expect(failed.requests, failure).toBe(1);
      expect(failed.nextAttemptAt, failure).toBe(time.now() + CONFIRM_RETRY_MS);
      const kept = await db.records.get(record.id);
      expect(kept?.answers, failure).toEqual(record.answers);
      // A second later: nothing is asked.
      time.advance(1_000);
      expect((await drainOutbox(depsFor(db, endpoint, time))).requests, failure).toBe(0);
      time.advance(CONFIRM_RETRY_MS);
    }
    endpoint.state.offline = false;
    const confirmed = await drainOutbox(depsFor(db, endpoint, time));
    expect(confirmed).toMatchObject({ requests: 1, resent: 0 });
    expect((await db.records.get(record.id))?.answers).toBeUndefined();
  });

  it('sends a queued record with its photo, keeps the receipt, and drops answers and photo once a later read confirms it', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const record = await queue(db, {}, true);
    const sha = record.attachments[0]!.sha256;

    const report = await drainOutbox(depsFor(db, endpoint, time));

    expect(report).toMatchObject({ ran: true, sent: 1, pending: 0, offline: false });
    expect(endpoint.files.has(sha)).toBe(true);
    expect(endpoint.badUploads).toEqual([]);
    expect(endpoint.stored.size).toBe(1);
    const sent = await db.records.get(record.id);
    expect(sent?.state).toBe('sent');
    expect(sent?.receipt?.protocol).toBe('2026-000001');
    expect(sent?.summary.serviceName).toBe('Tapa-buraco');
    expect(sent?.statusHistory).toEqual([{ status: 'received', at: new Date(0).toISOString() }]);
    // Acknowledged, not yet confirmed: the answers and the photo stay, and the engine knows when to look again.
    expect(sent?.answers).toEqual(record.answers);
    expect(await db.blobs.get(sha)).toBeDefined();
    expect(report.nextAttemptAt).toBe(time.now() + PAST_CONFIRMATION_MS - 1);
    expect(endpoint.calls.map((c) => c.method)).toEqual(['HEAD', 'PUT', 'POST']);

    expect((await drainOutbox(depsFor(db, endpoint, time))).requests).toBe(0);
    time.advance(PAST_CONFIRMATION_MS);
    const confirm = await drainOutbox(depsFor(db, endpoint, time));
    expect(confirm).toMatchObject({ requests: 1, resent: 0 });
    expect(confirm.nextAttemptAt).toBeUndefined();
    const confirmed = await db.records.get(record.id);
    expect(confirmed?.answers).toBeUndefined();
    expect(confirmed?.confirmAfter).toBeUndefined();
    expect(confirmed?.statusCheckedAt).toBe(time.now());
    expect(await db.blobs.get(sha)).toBeUndefined();
    expect(endpoint.calls.at(-1)).toMatchObject({ method: 'POST', path: '/api/submissions/status' });
    expect(endpoint.state.fetchInsideTransaction).toBe(0);
  });

  it('sends again, under the same id, a record the server lost after acknowledging it', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const record = await queue(db, {}, true);
    await drainOutbox(depsFor(db, endpoint, time));
    const firstBody = endpoint.stored.get(record.id)!.body;
    endpoint.stored.delete(record.id);
    endpoint.files.clear();

    time.advance(PAST_CONFIRMATION_MS);
    const report = await drainOutbox(depsFor(db, endpoint, time));
    expect(report.resent).toBe(1);
    expect(report.sent).toBe(1);
    expect(endpoint.stored.get(record.id)?.body).toBe(firstBody);
    expect(endpoint.files.has(record.attachments[0]!.sha256)).toBe(true);
    const again = await db.records.get(record.id);
    expect(again).toMatchObject({ state: 'sent', answers: record.answers });

    time.advance(PAST_CONFIRMATION_MS);
    await drainOutbox(depsFor(db, endpoint, time));
    expect((await db.records.get(record.id))?.answers).toBeUndefined();
    expect(endpoint.stored.size).toBe(1);
  });

  it('isolates a record the server chokes on: the rest are sent, it is set aside as stuck and never blocks them', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const records = [];
    for (let i = 0; i < 10; i++) records.push(await queue(db));
    const poisoned = records[6]!;
    endpoint.state.poison.add(poisoned.id);

    const report = await drainOutbox(depsFor(db, endpoint, time));
    expect(report).toMatchObject({ sent: 9, stuck: 1, pending: 1 });
    expect(endpoint.stored.size).toBe(9);
    const stuck = await db.records.get(poisoned.id);
    expect(stuck).toMatchObject({ state: 'stuck', lastError: SYNC_MESSAGES.stuck, answers: poisoned.answers });
    expect(stuck!.nextAttemptAt).toBe(time.now() + STUCK_RETRY_MS);

    // New records go out without it; it is tried again alone, after the others, when its hour comes.
    const later = await queue(db);
    const next = await drainOutbox(depsFor(db, endpoint, time));
    expect(next.sent).toBe(1);
    expect(endpoint.stored.has(later.id)).toBe(true);
    expect(endpoint.calls.at(-1)?.ids).toEqual([later.id]);
    // "Enviar agora" tries it at once, alone; still refused, it stays set aside (and the others are not held).
    const manual = await drainOutbox(depsFor(db, endpoint, time), { manual: true });
    expect(manual).toMatchObject({ sent: 0, stuck: 1 });
    expect((await db.records.get(poisoned.id))?.state).toBe('stuck');
    endpoint.state.poison.clear();
    time.advance(STUCK_RETRY_MS);
    const retried = await drainOutbox(depsFor(db, endpoint, time));
    expect(retried.sent).toBe(1);
    expect(endpoint.stored.size).toBe(11);
  });

  it('does not let the first record of a queue starve the rest when the server chokes on it', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const poisoned = await queue(db);
    const after = await queue(db);
    endpoint.state.poison.add(poisoned.id);
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report).toMatchObject({ sent: 1, stuck: 1 });
    expect(endpoint.stored.has(after.id)).toBe(true);
    expect((await db.records.get(poisoned.id))?.state).toBe('stuck');
  });

  it('sets a record aside when it fails alone, the others having gone in an earlier drain, and the server says it is healthy', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const first = await queue(db);
    expect((await drainOutbox(depsFor(db, endpoint, time))).sent).toBe(1);
    const poisoned = await queue(db);
    endpoint.state.poison.add(poisoned.id);
    const report = await drainOutbox(depsFor(db, endpoint, time));
    expect(report).toMatchObject({ sent: 0, stuck: 1, retrying: 0 });
    const aside = await db.records.get(poisoned.id);
    expect(aside).toMatchObject({ state: 'stuck', lastError: SYNC_MESSAGES.stuck, answers: poisoned.answers });
    // Only the health answer pointed at it (a database that just restarted says "ok" too): minutes, not an hour.
    expect(aside!.nextAttemptAt).toBe(time.now() + LONE_STUCK_RETRY_MS);
    expect(endpoint.calls.filter((c) => c.path === '/api/health')).toHaveLength(1);
    expect(endpoint.stored.has(first.id)).toBe(true);
  });

  it('keeps a record that fails alone waiting, not set aside, while another waits after a server error of an earlier drain', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    // The photo's HEAD and PUT get 500: that record waits in backoff.
    const withPhoto = await queue(db, {}, true);
    endpoint.state.failures = 2;
    expect(await drainOutbox(depsFor(db, endpoint, time))).toMatchObject({ sent: 0, retrying: 1 });
    // A moment later, a plain record gets two 500s alone; the server's health would say "ok".
    const plain = await queue(db);
    endpoint.state.failures = 2;
    const report = await drainOutbox(depsFor(db, endpoint, time));
    expect(report).toMatchObject({ sent: 0, stuck: 0, retrying: 1 });
    expect(await db.records.get(plain.id)).toMatchObject({ state: 'retry', lastError: SYNC_MESSAGES.serverBusy });
    expect(endpoint.calls.filter((c) => c.path === '/api/health')).toHaveLength(0);
    // When the backoffs end, both arrive.
    time.advance(10 * 60_000);
    expect(await drainOutbox(depsFor(db, endpoint, time))).toMatchObject({ sent: 2 });
    expect(endpoint.stored.has(withPhoto.id) && endpoint.stored.has(plain.id)).toBe(true);
  });

  it('keeps a record that fails alone waiting, not set aside, while the server says it is degraded', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const lonely = await queue(db);
    endpoint.state.poison.add(lonely.id);
    endpoint.state.health = 'degraded';
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report).toMatchObject({ sent: 0, stuck: 0, retrying: 1 });
    expect(await db.records.get(lonely.id)).toMatchObject({ state: 'retry', lastError: SYNC_MESSAGES.serverBusy });
  });

  it('sets nothing aside when every batch fails: a broken server is a reason to wait, not a record\'s fault', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    for (let i = 0; i < 6; i++) await queue(db);
    endpoint.state.failures = 1_000;
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report).toMatchObject({ sent: 0, stuck: 0, retrying: 6 });
    expect(endpoint.calls.length).toBeLessThanOrEqual(20);
    expect(await db.records.where('state').equals('retry').count()).toBe(6);
  });

  it('retries later the one item the server could not store, and keeps the others sent', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const [a, b, c] = [await queue(db), await queue(db), await queue(db)];
    endpoint.state.retryLater.add(b.id);
    const report = await drainOutbox(depsFor(db, endpoint, time));
    expect(report).toMatchObject({ sent: 2, retrying: 1 });
    expect((await db.records.get(a.id))?.state).toBe('sent');
    expect(await db.records.get(b.id)).toMatchObject({ state: 'retry', lastError: SYNC_MESSAGES.serverBusy, answers: b.answers });
    expect((await db.records.get(c.id))?.state).toBe('sent');
    endpoint.state.retryLater.clear();
    time.advance(BACKOFF_BASE_MS);
    expect((await drainOutbox(depsFor(db, endpoint, time))).sent).toBe(1);
  });

  it('treats a full server (507) like a busy one: keeps everything and honours Retry-After', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const record = await queue(db);
    endpoint.state.failures = 1;
    endpoint.state.failureStatus = 507;
    endpoint.state.retryAfterSeconds = 60;
    const report = await drainOutbox(depsFor(db, endpoint, time));
    expect(report).toMatchObject({ sent: 0, stuck: 0, retrying: 1, offline: false });
    const waiting = await db.records.get(record.id);
    expect(waiting).toMatchObject({ state: 'retry', lastError: SYNC_MESSAGES.serverBusy, answers: record.answers });
    expect(waiting!.nextAttemptAt - time.now()).toBeGreaterThanOrEqual(60_000);
    time.advance(10 * 60_000);
    expect((await drainOutbox(depsFor(db, endpoint, time))).sent).toBe(1);
  });

  it('starts a photo upload at once and sends records without photos meanwhile', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    endpoint.state.putDelayMs = 150;
    const withPhoto = await queue(db, {}, true);
    const plain = [await queue(db), await queue(db)];
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report.sent).toBe(3);
    const put = endpoint.calls.findIndex((c) => c.method === 'PUT');
    const firstPost = endpoint.calls.find((c) => c.path === '/api/sync')!;
    // The text-only records were posted while the photo was still going up.
    expect(firstPost.ids).toEqual(plain.map((r) => r.id));
    expect(firstPost.at - endpoint.calls[put]!.at).toBeLessThan(100);
    expect(endpoint.calls.filter((c) => c.path === '/api/sync').at(-1)?.ids).toEqual([withPhoto.id]);
  });

  it('keeps a record queued for retry with backoff when the network fails, then sends it', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const record = await queue(db, {}, true);
    endpoint.state.offline = true;

    const offline = await drainOutbox(depsFor(db, endpoint, time));
    const waiting = await db.records.get(record.id);
    expect(offline).toMatchObject({ offline: true, retrying: 1, pending: 1, sent: 0 });
    expect(waiting).toMatchObject({ state: 'retry', attempts: 1, lastError: SYNC_MESSAGES.offline });
    expect(waiting?.answers).toEqual(record.answers);
    expect(waiting!.nextAttemptAt).toBeGreaterThanOrEqual(time.now());
    expect(waiting!.nextAttemptAt).toBeLessThan(time.now() + BACKOFF_BASE_MS);
    expect(offline.nextAttemptAt).toBe(waiting!.nextAttemptAt);

    endpoint.state.offline = false;
    const early = await drainOutbox(depsFor(db, endpoint, time));
    expect(early.sent).toBe(0); // not due yet
    time.advance(BACKOFF_BASE_MS);
    const later = await drainOutbox(depsFor(db, endpoint, time));
    expect(later).toMatchObject({ sent: 1, pending: 0 });
    expect(endpoint.stored.size).toBe(1);
  });

  it('backs off on 503 and on 429 (honouring Retry-After), and everything arrives once after recovery', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const records = [await queue(db), await queue(db), await queue(db)];
    endpoint.state.failures = 3;
    endpoint.state.failureStatus = 503;
    for (let i = 0; i < 3; i++) {
      const report = await drainOutbox(depsFor(db, endpoint, time));
      expect(report.offline).toBe(false);
      expect(report.sent).toBe(0);
      time.advance(10 * 60_000);
    }
    expect((await db.records.get(records[0]!.id))?.lastError).toBe(SYNC_MESSAGES.serverBusy);
    endpoint.state.failures = 1;
    endpoint.state.failureStatus = 429;
    endpoint.state.retryAfterSeconds = 120;
    await drainOutbox(depsFor(db, endpoint, time));
    const throttled = await db.records.get(records[0]!.id);
    expect(throttled!.nextAttemptAt - time.now()).toBeGreaterThanOrEqual(120_000);
    time.advance(10 * 60_000);
    const recovered = await drainOutbox(depsFor(db, endpoint, time));
    expect(recovered).toMatchObject({ sent: 3, pending: 0 });
    expect(endpoint.stored.size).toBe(3);
  });

  it('does not create a second record when the response is lost after the server stored it', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const record = await queue(db);
    endpoint.state.loseResponses = 1;

    await drainOutbox(depsFor(db, endpoint, time));
    expect((await db.records.get(record.id))?.state).toBe('retry');
    expect(endpoint.stored.size).toBe(1);
    time.advance(BACKOFF_BASE_MS);
    const report = await drainOutbox(depsFor(db, endpoint, time));
    expect(report.sent).toBe(1);
    expect(endpoint.stored.size).toBe(1);
    expect((await db.records.get(record.id))?.receipt?.protocol).toBe('2026-000001');
  });

  it('marks a refused record rejected with field messages; its correction is accepted under the same id', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint({
      reject: (s) => (s.answers.endereco === 'x' ? { error: 'invalid_answers', message: 'Confira as respostas.', fields: { 'answers.endereco': 'Escreva o endereço completo.' } } : undefined),
    });
    const record = await queue(db, { answers: { endereco: 'x' } });
    const first = await drainOutbox(depsFor(db, endpoint));
    expect(first).toMatchObject({ rejected: 1, pending: 0 });
    const rejected = await db.records.get(record.id);
    expect(rejected).toMatchObject({ state: 'rejected', lastError: 'Confira as respostas.', fieldErrors: { endereco: 'Escreva o endereço completo.' } });
    expect(rejected?.answers).toEqual({ endereco: 'x' });

    await queue(db, { id: record.id, answers: { endereco: 'Rua das Flores, 20' } });
    const corrected = await db.records.get(record.id);
    expect(corrected).toMatchObject({ state: 'queued', attempts: 0, createdAt: record.createdAt });
    expect(corrected?.fieldErrors).toBeUndefined();
    const second = await drainOutbox(depsFor(db, endpoint));
    expect(second.sent).toBe(1);
    expect([...endpoint.stored.keys()]).toEqual([record.id]);
  });

  it('keeps a conflicting record with its data and a message, never dropping it', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const record = await queue(db);
    endpoint.stored.set(record.id, { body: '{"other":true}', receipt: { id: record.id, protocol: '2026-000009', status: 'received', receivedAt: '2026-01-01T00:00:00.000Z' } });
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report.conflicts).toBe(1);
    const kept = await db.records.get(record.id);
    expect(kept).toMatchObject({ state: 'conflict', lastError: SYNC_MESSAGES.conflict, answers: record.answers });
    expect((await drainOutbox(depsFor(db, endpoint))).requests).toBe(0);
  });

  it('uploads a photo again when the server says it is missing, and sends in the same drain', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const record = await queue(db, {}, true);
    endpoint.state.headAlwaysFound = true;
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report.sent).toBe(1);
    expect(endpoint.files.has(record.attachments[0]!.sha256)).toBe(true);
    expect(endpoint.calls.map((c) => c.method)).toEqual(['HEAD', 'POST', 'PUT', 'POST']);
  });

  it('sets aside as rejected a record whose photo is gone from the phone and from the server', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const lost = await queue(db, {}, true);
    const fine = await queue(db);
    await db.blobs.clear();
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report).toMatchObject({ sent: 1, rejected: 1 });
    expect(await db.records.get(lost.id)).toMatchObject({ state: 'rejected', lastError: SYNC_MESSAGES.photoLost, fieldErrors: { fotos: SYNC_MESSAGES.photoLost } });
    expect((await db.records.get(fine.id))?.state).toBe('sent');
  });

  it('resends records left in "sending" by a drainer that died, under the same id', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const record = await queue(db);
    await db.records.update(record.id, { state: 'sending' });
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report.sent).toBe(1);
    expect([...endpoint.stored.keys()]).toEqual([record.id]);
  });

  it('batches submissions by 100 and uploads a photo shared by several records once', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const shared = await queue(db, {}, true);
    // One transaction for the rest of the queue: 249 more records naming the same photo.
    await db.records.bulkPut(Array.from({ length: 249 }, (_, i) => ({
      ...shared, id: crypto.randomUUID(), answers: { endereco: `Rua ${i}`, fotos: [shared.attachments[0]!.sha256] },
      createdAt: new Date(Date.parse(shared.createdAt) + i + 1).toISOString(),
    })));
    const time = clock();
    const report = await drainOutbox(depsFor(db, endpoint, time));
    expect(report).toMatchObject({ sent: 250, pending: 0, requests: 2 + 3 });
    expect(endpoint.calls.filter((c) => c.method === 'POST')).toHaveLength(3);
    expect(endpoint.stored.size).toBe(250);
    time.advance(PAST_CONFIRMATION_MS);
    // Confirmed in three status reads of at most 100 ids.
    expect((await drainOutbox(depsFor(db, endpoint, time))).requests).toBe(3);
    expect(await db.blobs.count()).toBe(0);
  }, 30_000);

  it('keeps a photo blob that a draft or another unsent record still uses', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const first = await queue(db, {}, true);
    await db.drafts.put({
      id: 'draft-1', serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: 1, kind: 'request',
      answers: {}, attachments: first.attachments, createdAt: 1, updatedAt: 1, summary: { serviceName: 'x', formTitle: 'y' },
    });
    await drainOutbox(depsFor(db, endpoint));
    expect(await db.blobs.get(first.attachments[0]!.sha256)).toBeDefined();
  });

  it('runs one drainer at a time: without the lock it sends nothing', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    await queue(db);
    const busy: LockManagerLike = { request: (_name, options, callback) => callback(options.ifAvailable ? null : {}) };
    const skipped = await drainOutbox({ ...depsFor(db, endpoint), locks: busy });
    expect(skipped).toMatchObject({ ran: false, sent: 0, pending: 1, requests: 0 });
    const manual = await drainOutbox({ ...depsFor(db, endpoint), locks: busy }, { manual: true });
    expect(manual).toMatchObject({ ran: true, sent: 1 });
  });

  it('"Enviar agora" resets the backoff of waiting records', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    const record = await queue(db);
    endpoint.state.offline = true;
    for (let i = 0; i < 6; i++) {
      await drainOutbox(depsFor(db, endpoint, time, () => 0.99));
      time.advance(5 * 60_000);
    }
    await drainOutbox(depsFor(db, endpoint, time, () => 0.99));
    expect((await db.records.get(record.id))?.attempts).toBe(7);
    endpoint.state.offline = false;
    expect((await drainOutbox(depsFor(db, endpoint, time))).sent).toBe(0);
    const manual = await drainOutbox(depsFor(db, endpoint, time), { manual: true });
    expect(manual.sent).toBe(1);
  });

  it('retries at once when the browser says the network is back, without waiting for the lock', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    const time = clock();
    await queue(db);
    endpoint.state.offline = true;
    await drainOutbox(depsFor(db, endpoint, time, () => 0.99));
    endpoint.state.offline = false;
    expect((await drainOutbox(depsFor(db, endpoint, time))).sent).toBe(0);
    const busy: LockManagerLike = { request: (_name, options, callback) => callback(options.ifAvailable ? null : {}) };
    expect(await drainOutbox({ ...depsFor(db, endpoint, time), locks: busy }, { resetBackoff: true })).toMatchObject({ ran: false, sent: 0 });
    expect((await drainOutbox(depsFor(db, endpoint, time), { resetBackoff: true })).sent).toBe(1);
  });

  it('uploads several photos at a time and stops at the first network failure', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    for (let i = 0; i < 7; i++) await queue(db, {}, true);
    const report = await drainOutbox(depsFor(db, endpoint));
    expect(report).toMatchObject({ sent: 7, requests: 7 * 2 + 1 });
    expect(endpoint.files.size).toBe(7);

    const second = freshDb();
    const failing = createFakeEndpoint();
    for (let i = 0; i < 7; i++) await queue(second.db, {}, true);
    failing.state.failures = 1;
    failing.state.failureStatus = 503;
    const failed = await drainOutbox(depsFor(second.db, failing));
    expect(failed).toMatchObject({ sent: 0, retrying: 7 });
    expect(failing.calls.length).toBeLessThan(7 * 2);
    expect(failing.calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('sends records queued while it was draining in the same drain', async () => {
    const { db } = freshDb();
    const endpoint = createFakeEndpoint();
    await queue(db);
    let added = false;
    const deps = depsFor(db, endpoint);
    const report = await drainOutbox({
      ...deps,
      fetch: async (input, init) => {
        const response = await endpoint.fetch(input, init);
        if (!added) {
          added = true;
          await queue(db);
        }
        return response;
      },
    });
    expect(report.sent).toBe(2);
  });
});
