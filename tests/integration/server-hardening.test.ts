/**
 * The defects an adversarial review found in the endpoint, each shown fixed: a poisoned item cannot block a
 * batch, an error reply stays small, proxies are believed only as configured, nobody learns by address
 * whether a document was filed, build files are not served, statuses are not cached, orphan uploads go.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS, evaluation, fileAddress, openTestStorage, postJson, potholeRequest, readJson, startServer, uploadFile, type TestServer,
} from '../support/server.ts';
import { readAttachment, sweepOrphanAttachments } from '../../src/server/storage/attachment-store.ts';
import type { Storage } from '../../src/server/storage/types.ts';

const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(3000)]);
const protocolNumber = (protocol: string) => Number(protocol.split('-')[1]);

/** Makes the database itself refuse one submission id: an error no validation foresaw. */
async function failInsertsOf(storage: Storage, id: string): Promise<void> {
  await storage.query(`CREATE OR REPLACE FUNCTION refuse_poisoned() RETURNS trigger AS $$
    BEGIN
      IF NEW.id = '${id}'::uuid THEN RAISE EXCEPTION 'poisoned row'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await storage.query('DROP TRIGGER IF EXISTS refuse_poisoned ON submissions');
  await storage.query('CREATE TRIGGER refuse_poisoned BEFORE INSERT ON submissions FOR EACH ROW EXECUTE FUNCTION refuse_poisoned()');
}

describe.each(BACKENDS)('a poisoned batch on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ backend }); });
  afterAll(async () => { await server?.close(); });

  it('[A, a version the database cannot hold, C]: A and C are stored and acknowledged, the bad one refused with 422 words', async () => {
    const [a, c] = [potholeRequest(), evaluation()];
    const bad = potholeRequest({ formVersion: 2_147_483_648 });
    const response = await postJson(`${server.url}/api/sync`, { submissions: [a, bad, c] });
    expect(response.status).toBe(200);
    expect(response.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(response.body.results[1].error.fields.formVersion).toMatch(/no máximo/i);
    for (const id of [a.id, c.id]) expect((await fetch(`${server.url}/api/submissions/${id}`)).status).toBe(200);
  });

  it('[A, an item the database refuses, C]: A and C are stored with consecutive protocols, the bad one is retry_later', async () => {
    const [a, bad, c] = [potholeRequest(), potholeRequest(), evaluation()];
    await failInsertsOf(server.storage, bad.id as string);
    try {
      const response = await postJson(`${server.url}/api/sync`, { submissions: [a, bad, c] });
      expect(response.status).toBe(200);
      const [first, middle, last] = response.body.results;
      expect([first.outcome, middle.outcome, last.outcome]).toEqual(['accepted', 'retry_later', 'accepted']);
      expect(middle.error).toEqual({ error: 'retry_later', message: expect.stringContaining('enviado de novo') });
      expect(protocolNumber(last.receipt.protocol)).toBe(protocolNumber(first.receipt.protocol) + 1);
      expect((await fetch(`${server.url}/api/submissions/${bad.id}`)).status).toBe(404);
      // Alone, it answers 503 with Retry-After (nothing was stored), never 500.
      const single = await postJson(`${server.url}/api/submissions`, bad);
      expect(single.status).toBe(503);
      expect(single.headers.get('retry-after')).toBeTruthy();
    } finally {
      await server.storage.query('DROP TRIGGER IF EXISTS refuse_poisoned ON submissions');
    }
    // Once the database takes it, the same id is stored under the next protocol.
    const again = await postJson(`${server.url}/api/sync`, { submissions: [bad] });
    expect(again.body.results[0].outcome).toBe('accepted');
  });

  it('keeps the error answer small however many bad keys a batch carries', async () => {
    const answers: Record<string, string> = {};
    for (let i = 0; i < 7_000; i++) answers[`bad-key-${i}`] = 'x';
    const items = Array.from({ length: 12 }, () => potholeRequest({ answers }));
    const body = JSON.stringify({ submissions: items });
    expect(body.length).toBeGreaterThan(1_000_000);
    const response = await fetch(`${server.url}/api/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text.length).toBeLessThan(20_000);
    const results = JSON.parse(text).results as { outcome: string; error: { fields: Record<string, string> } }[];
    expect(results.every((r) => r.outcome === 'rejected' && r.error.fields.answers === 'Respostas demais.')).toBe(true);
  });

  it('caps the field messages of an item and of a batch, saying how many more there were', async () => {
    // 100 answers (the most a form has), each of a shape no answer takes: 100 messages per item.
    const answers: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) answers[`campo${i}`] = { not: 'an answer' };
    const response = await postJson(`${server.url}/api/sync`, { submissions: Array.from({ length: 30 }, () => potholeRequest({ answers })) });
    expect(response.body.results[0].error.fields['(mais)']).toBe('… e mais 80 erro(s).');
    const fieldCounts = response.body.results.map((r: { error: { fields: Record<string, string> } }) => Object.keys(r.error.fields).length);
    expect(Math.max(...fieldCounts)).toBeLessThanOrEqual(21);
    expect(fieldCounts.reduce((a: number, b: number) => a + b, 0)).toBeLessThanOrEqual(200 + 30);
    expect(response.body.results.at(-1).error.fields['(mais)']).toMatch(/e mais/);
  });

  it('refuses an attachment whose fieldId is not a field id, __proto__ included', async () => {
    for (const fieldId of ['__proto__', '1abc', '', 'constructor']) {
      const response = await postJson(`${server.url}/api/submissions`, potholeRequest({
        attachments: [{ sha256: 'a'.repeat(64), type: 'image/jpeg', size: 10, fieldId }],
      }));
      expect(response.status, fieldId).toBe(422);
      // "constructor" is a well-formed id: it is refused as an attachment no answer cites.
      expect(response.body.error, fieldId).toBe(fieldId === 'constructor' ? 'invalid_answers' : 'invalid_submission');
    }
  });
});

describe.each(BACKENDS)('files, by address, on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ backend }); });
  afterAll(async () => { await server?.close(); });

  it('tells no one who holds a copy of a document whether it was filed', async () => {
    const bytes = jpeg();
    expect((await uploadFile(server.url, bytes, 'image/jpeg')).status).toBe(201);
    const salted = fileAddress(bytes);
    expect((await fetch(`${server.url}/api/attachments/${salted}`, { method: 'HEAD' })).status).toBe(200);
    // Whoever has the same bytes but not the phone's salt: the plain hash, or their own salt.
    const plain = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
    expect((await fetch(`${server.url}/api/attachments/${plain}`, { method: 'HEAD' })).status).toBe(404);
    const other = fileAddress(bytes, 'ab'.repeat(32));
    expect((await fetch(`${server.url}/api/attachments/${other}`, { method: 'HEAD' })).status).toBe(404);
    // Uploading it again, new or not, answers the same.
    const repeat = await uploadFile(server.url, bytes, 'image/jpeg');
    const fresh = await uploadFile(server.url, jpeg(), 'image/jpeg');
    expect([repeat.status, fresh.status]).toEqual([201, 201]);
    expect(Object.keys(await readJson(repeat))).toEqual(Object.keys(await readJson(fresh)));
  });

  it('refuses an upload without the salt, in pt-BR, before reading the body', async () => {
    const bytes = jpeg();
    const response = await fetch(`${server.url}/api/attachments/${fileAddress(bytes)}`, { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body: bytes });
    expect(response.status).toBe(400);
    expect(await readJson(response)).toEqual({ error: 'salt_required', message: expect.stringContaining('Atualize o aplicativo') });
  });

  it('never confirms a file stored under its plain hash before salting, by HEAD or by a submission citing it', async () => {
    const bytes = jpeg();
    const plain = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
    await server.storage.query('INSERT INTO attachments (sha256, type, size, salted) VALUES ($1, $2, $3, false)', [plain, 'image/jpeg', bytes.length]);
    expect((await fetch(`${server.url}/api/attachments/${plain}`, { method: 'HEAD' })).status).toBe(404);
    const citing = await postJson(`${server.url}/api/submissions`, potholeRequest({
      answers: { ...(potholeRequest().answers as object), fotos: [plain] },
      attachments: [{ sha256: plain, type: 'image/jpeg', size: bytes.length, fieldId: 'fotos' }],
    }));
    expect(citing.status).toBe(422);
    expect(citing.body.error).toBe('missing_attachments');
  });

  it('deletes uploads no submission cites after the grace period, and keeps cited ones', async () => {
    const [orphan, cited] = [jpeg(), jpeg()];
    await uploadFile(server.url, orphan, 'image/jpeg');
    await uploadFile(server.url, cited, 'image/jpeg');
    const citedAddress = fileAddress(cited);
    const submission = potholeRequest({
      answers: { ...(potholeRequest().answers as object), fotos: [citedAddress] },
      attachments: [{ sha256: citedAddress, type: 'image/jpeg', size: cited.length, fieldId: 'fotos' }],
    });
    expect((await postJson(`${server.url}/api/submissions`, submission)).status).toBe(201);
    await server.storage.query(`UPDATE attachments SET received_at = now() - interval '8 days' WHERE sha256 = ANY($1::text[])`, [[fileAddress(orphan), citedAddress]]);

    const removed = await sweepOrphanAttachments(server.storage, new Date(Date.now() - 7 * 24 * 3600_000));
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await readAttachment(server.storage, fileAddress(orphan))).toBeNull();
    expect((await readAttachment(server.storage, citedAddress))?.bytes.equals(cited)).toBe(true);
  });
});

describe('reading what is not for the public', () => {
  let server: TestServer;
  let staticDir: string;
  beforeAll(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'conecta-static-'));
    mkdirSync(join(staticDir, '.vite'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(staticDir, '.vite', 'manifest.json'), '{"secret": "build graph"}');
    writeFileSync(join(staticDir, '.env'), 'SECRET=1');
    server = await startServer({ staticDir, hsts: true });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('does not serve build manifests or any dot file', async () => {
    for (const path of ['/.vite/manifest.json', '/.env', '/%2evite/manifest.json']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('build graph');
    }
  });

  it('keeps a status read out of every cache, and sends HSTS when configured', async () => {
    const submission = potholeRequest();
    await postJson(`${server.url}/api/submissions`, submission);
    const status = await fetch(`${server.url}/api/submissions/${submission.id}`);
    expect(status.headers.get('cache-control')).toBe('no-store');
    const batch = await postJson(`${server.url}/api/submissions/status`, { ids: [submission.id] });
    expect(batch.headers.get('cache-control')).toBe('no-store');
    expect(status.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });
});

describe('status of many records at once', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => { await server?.close(); });

  it('answers what it holds and names what it does not, in one request', async () => {
    const stored = [potholeRequest(), evaluation()];
    for (const s of stored) await postJson(`${server.url}/api/submissions`, s);
    const unknown = crypto.randomUUID();
    const response = await postJson(`${server.url}/api/submissions/status`, { ids: [...stored.map((s) => s.id), unknown] });
    expect(response.status).toBe(200);
    expect(response.body.found.map((f: { id: string }) => f.id).sort()).toEqual(stored.map((s) => s.id).sort());
    expect(response.body.found[0].history[0].status).toBe('received');
    expect(response.body.missing).toEqual([unknown]);
  });

  it('refuses more than 100 ids or ids that are not lowercase UUIDs, in pt-BR', async () => {
    const tooMany = await postJson(`${server.url}/api/submissions/status`, { ids: Array.from({ length: 101 }, () => crypto.randomUUID()) });
    expect(tooMany.status).toBe(422);
    const malformed = await postJson(`${server.url}/api/submissions/status`, { ids: ['1 OR 1=1'] });
    expect(malformed.status).toBe(422);
    expect(malformed.body.message).toMatch(/formato/);
  });
});

// ---------------------------------------------------------------- proxies

/** A load balancer in front of the server: it appends the address it saw to X-Forwarded-For, as nginx does. */
async function forwardingProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const proxy: Server = createServer((req: IncomingMessage, res) => {
    const seen = req.socket.remoteAddress ?? '';
    const forwarded = req.headers['x-forwarded-for'] ? `${String(req.headers['x-forwarded-for'])}, ${seen}` : seen;
    const upstream = httpRequest({ host: hostname, port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': forwarded } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, close: () => new Promise((resolve) => proxy.close(() => resolve())) };
}

describe('the rate limit behind a trusted proxy', () => {
  it('cannot be walked past by rotating X-Forwarded-For (one hop trusted)', async () => {
    const server = await startServer({ trustProxy: 1, rateLimit: { max: 5, timeWindow: '1 minute' } });
    const proxy = await forwardingProxy(server.url);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const spoofed = `203.0.113.${i + 1}`;
        statuses.push((await fetch(`${proxy.url}/api/charter`, { headers: { 'x-forwarded-for': spoofed } })).status);
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it('counts an IPv6 client by its /64, whatever the low bits, when the proxy is trusted by address', async () => {
    const server = await startServer({ trustProxy: ['127.0.0.1'], rateLimit: { max: 3, timeWindow: '1 minute' } });
    try {
      const from = (ip: string) => fetch(`${server.url}/api/charter`, { headers: { 'x-forwarded-for': ip } }).then((r) => r.status);
      const rotating = [];
      for (let i = 1; i <= 5; i++) rotating.push(await from(`2001:db8:aa:bb::${i.toString(16)}:${i}`));
      expect(rotating).toEqual([200, 200, 200, 429, 429]);
      // Another /64 is another client.
      expect(await from('2001:db8:aa:cc::1')).toBe(200);
      // Static files and the app shell are never limited: a whole village behind one address installs the app.
      for (let i = 0; i < 6; i++) expect((await fetch(`${server.url}/`, { headers: { 'x-forwarded-for': '2001:db8:aa:bb::9' } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('health', () => {
  it('says "degraded" within seconds when the database stops answering, instead of hanging', async () => {
    const { storage, dispose } = await openTestStorage('pglite');
    let hang = false;
    const hanging: Storage = { ...storage, query: (sql, params) => (hang ? new Promise(() => {}) : storage.query(sql, params)) };
    const server = await startServer({ storage: hanging });
    try {
      expect(await readJson(await fetch(`${server.url}/api/health`))).toMatchObject({ status: 'ok' });
      hang = true;
      const started = Date.now();
      // Every answer comes at once (from the last probe), and within seconds it says the database is gone.
      for (;;) {
        const asked = Date.now();
        const health = await readJson(await fetch(`${server.url}/api/health`));
        expect(Date.now() - asked).toBeLessThan(1_000);
        if (health.status === 'degraded') {
          expect(health).toMatchObject({ status: 'degraded', problems: ['database_unresponsive'] });
          break;
        }
        expect(Date.now() - started).toBeLessThan(8_000);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      hang = false;
      await server.close();
      await dispose();
    }
  });
});
