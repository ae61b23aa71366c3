/**
 * The server half of "Avise-me quando houver novidade", against a push service on loopback that decrypts
 * what it receives (RFC 8291) with keys the test made, as a browser would. The browser half (the service
 * worker showing the notice) is in tests/e2e/news-and-push.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStatus } from '../../src/server/domain/status-changes.ts';
import { BACKENDS, postJson, potholeRequest, startServer, type TestServer } from '../support/server.ts';
import { startLocalPushService, type LocalPushService } from '../support/push-endpoint.ts';

describe.each(BACKENDS)('Web Push on %s', (backend) => {
  let server: TestServer;
  let pushService: LocalPushService;
  const push = () => ({ subject: 'mailto:ouvidoria@conecta.example', extraOrigins: [pushService.origin] });
  beforeAll(async () => {
    pushService = await startLocalPushService();
    server = await startServer({ backend, push: { subject: 'mailto:ouvidoria@conecta.example', extraOrigins: [pushService.origin] } });
  });
  afterAll(async () => {
    await server?.close();
    await pushService?.close();
  });

  it('tells a subscribed phone that its request changed, signed, encrypted, and naming no person', async () => {
    const key = await (await fetch(`${server.url}/api/push/key`)).json() as { publicKey: string };
    expect(Buffer.from(key.publicKey, 'base64url')).toHaveLength(65);
    // The key is made once and kept.
    expect(await (await fetch(`${server.url}/api/push/key`)).json()).toEqual(key);

    const request = potholeRequest();
    expect((await postJson(`${server.url}/api/submissions`, request)).status).toBe(201);
    const subscription = pushService.subscription();
    const saved = await fetch(`${server.url}/api/push/subscription`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...subscription, ids: [request.id, crypto.randomUUID()] }),
    });
    expect(saved.status).toBe(200);
    // Only ids the server holds are followed.
    expect(await saved.json()).toEqual({ following: 1 });

    await changeStatus(server.storage, request.id as string, 'in_progress', 'Equipe agendada para quinta-feira.', push());
    expect(pushService.received).toHaveLength(1);
    const [message] = pushService.received;
    expect(JSON.parse(message!.plaintext)).toEqual({ type: 'status', id: request.id });
    // Nothing of the person, nor the note, travels in the push.
    for (const personal of ['Maria', '529.982.247-25', '98888', 'quinta-feira']) expect(message!.plaintext).not.toContain(personal);
    expect(message!.headers['content-encoding']).toBe('aes128gcm');
    expect(Number(message!.headers.ttl)).toBeGreaterThan(0);
    expect(message!.serverKey).toBe(key.publicKey);
    expect(message!.claims.aud).toBe(pushService.origin);
    expect(message!.claims.sub).toBe('mailto:ouvidoria@conecta.example');
    expect(message!.claims.exp * 1000).toBeGreaterThan(Date.now());
  });

  it('forgets a subscription its push service says is gone', async () => {
    const request = potholeRequest();
    await postJson(`${server.url}/api/submissions`, request);
    const subscription = pushService.subscription();
    await fetch(`${server.url}/api/push/subscription`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...subscription, ids: [request.id] }) });
    pushService.answers.push(410);
    expect(await changeStatus(server.storage, request.id as string, 'done', undefined, push())).toBe(true);
    const left = await server.storage.query('SELECT 1 FROM push_subscriptions WHERE endpoint = $1', [subscription.endpoint]);
    expect(left.rowCount).toBe(0);
  });

  it('refuses a subscription pointing anywhere but a browser push service (the server would POST there)', async () => {
    for (const endpoint of ['http://10.0.0.1/push', 'https://evil.example/push', 'https://fcm.googleapis.com.evil.example/x', 'https://fcm.googleapis.com:8443/x', 'file:///etc/passwd']) {
      const response = await fetch(`${server.url}/api/push/subscription`, {
        method: 'PUT', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ endpoint, keys: { p256dh: 'BAAA', auth: 'AAAA' }, ids: [] }),
      });
      expect(response.status, endpoint).toBe(422);
    }
    const fcm = await fetch(`${server.url}/api/push/subscription`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: { p256dh: 'BAAA', auth: 'AAAA' }, ids: [] }),
    });
    expect(fcm.status).toBe(200);
  });

  it('stops following on unsubscribe', async () => {
    const request = potholeRequest();
    await postJson(`${server.url}/api/submissions`, request);
    const subscription = pushService.subscription();
    await fetch(`${server.url}/api/push/subscription`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...subscription, ids: [request.id] }) });
    const gone = await fetch(`${server.url}/api/push/subscription`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ endpoint: subscription.endpoint }) });
    expect(gone.status).toBe(204);
    const before = pushService.received.length;
    await changeStatus(server.storage, request.id as string, 'in_review', undefined, push());
    expect(pushService.received).toHaveLength(before);
  });
});
