/**
 * Slow and many clients, over real sockets: a body that stops making progress is cut, one that keeps
 * progressing completes; a request with no body bytes at all is cut; one address cannot hold more than its
 * share of connections; one client cannot have more than its share of photo uploads in flight; and a photo
 * refused mid-body does not leave its keep-alive connection open and deaf.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../src/shared/contract/submissions.ts';
import { fileAddress, potholeRequest, readJson, startServer, TEST_SALT, type TestServer } from '../support/server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client socket that records what arrives and when the server closed it. */
class RawClient {
  received = Buffer.alloc(0);
  /** performance.now() when the socket closed; null while open. */
  closedAt: number | null = null;
  /** Whether the server ended or reset the connection (as opposed to this side closing it). */
  closedByServer = false;
  #closedByUs = false;
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.#wake();
    });
    socket.on('end', () => {
      if (!this.#closedByUs) this.closedByServer = true;
    });
    // ECONNRESET / EPIPE when the server cuts the socket while this side writes: expected here.
    socket.on('error', () => {
      if (!this.#closedByUs) this.closedByServer = true;
    });
    socket.on('close', () => {
      if (!this.#closedByUs) this.closedByServer = true;
      this.closedAt = performance.now();
      this.#wake();
    });
  }

  static open(url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get text(): string {
    return this.received.toString('latin1');
  }

  get open(): boolean {
    return this.closedAt === null;
  }

  write(data: string | Buffer): void {
    if (this.open && !this.socket.destroyed) this.socket.write(data);
  }

  close(): void {
    this.#closedByUs = true;
    this.socket.destroy();
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Waits until the condition holds, the socket closes, or the time is up; returns the condition. */
  async until(condition: () => boolean, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!condition() && this.open && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - performance.now()));
        this.#waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    return condition();
  }

  /** Whether a whole answer (headers and, per content-length, its body) is in. */
  hasAnswer(count = 1): boolean {
    return this.answers().length >= count;
  }

  /** The complete answers received so far (100 Continue skipped). */
  answers(): { status: number; headers: Record<string, string>; body: string }[] {
    const answers: { status: number; headers: Record<string, string>; body: string }[] = [];
    let rest = this.text;
    for (;;) {
      const end = rest.indexOf('\r\n\r\n');
      if (end < 0) return answers;
      const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? 0);
      if (rest.length < end + 4 + length) return answers;
      const body = Buffer.from(rest.slice(end + 4, end + 4 + length), 'latin1').toString('utf8');
      rest = rest.slice(end + 4 + length);
      if (status !== 100) answers.push({ status, headers, body });
    }
  }
}

function jpeg(size: number): Buffer {
  const bytes = randomBytes(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

function putHead(bytes: Buffer, extra: Record<string, string> = {}): string {
  const headers = { host: 'localhost', 'content-type': 'image/jpeg', 'content-length': String(bytes.length), 'x-attachment-salt': TEST_SALT, ...extra };
  return `PUT /api/attachments/${fileAddress(bytes)} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
}

function postHead(path: string, length: number): string {
  return `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
}

/** A valid submission padded with trailing spaces (still valid JSON) to `size` bytes. */
function paddedSubmission(size: number): Buffer {
  const text = JSON.stringify(potholeRequest());
  return Buffer.from(text + ' '.repeat(Math.max(0, size - Buffer.byteLength(text))));
}

/** Sends `body` in pieces of `piece` bytes every `everyMs`, stopping when the socket closes. */
async function dribble(client: RawClient, body: Buffer, piece: number, everyMs: number): Promise<void> {
  for (let offset = 0; offset < body.length && client.open; offset += piece) {
    client.write(body.subarray(offset, offset + piece));
    if (offset + piece < body.length) await sleep(everyMs);
  }
}

const WINDOW_MS = 1000;

describe('a body that stops making progress (bodyStallMs 1 s)', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ limits: { bodyStallMs: WINDOW_MS } }); });
  afterAll(async () => { await server?.close(); });

  it('is cut within about two windows when it trickles under 1 KB a window, photo or JSON alike', async () => {
    const trickle = async (head: string, body: Buffer) => {
      const client = await RawClient.open(server.url);
      const started = performance.now();
      client.write(head);
      // 40 bytes every 200 ms: 200 bytes a window, and never idle long enough for a plain idle timeout.
      void dribble(client, body, 40, 200);
      await client.until(() => false, 4 * WINDOW_MS);
      client.close();
      return { client, ms: (client.closedAt ?? performance.now()) - started };
    };
    const photo = jpeg(20_000);
    const submission = paddedSubmission(20_000);
    const [upload, post] = await Promise.all([trickle(putHead(photo), photo), trickle(postHead('/api/submissions', submission.length), submission)]);
    for (const { client, ms } of [upload, post]) {
      expect(client.closedByServer).toBe(true);
      expect(ms).toBeGreaterThan(0.8 * WINDOW_MS);
      expect(ms).toBeLessThan(2.5 * WINDOW_MS);
      // Cut, not answered: nothing was stored.
      expect(client.text).not.toMatch(/^HTTP\/1\.1 2/);
    }
  });

  it('completes when the body keeps progressing (2 KB every 300 ms, for several windows)', async () => {
    const send = async (head: string, body: Buffer) => {
      const client = await RawClient.open(server.url);
      const started = performance.now();
      client.write(head);
      await dribble(client, body, 2048, 300);
      await client.until(() => client.hasAnswer(), 5_000);
      client.close();
      return { answer: client.answers()[0], ms: performance.now() - started };
    };
    const photo = jpeg(20 * 1024);
    const submission = paddedSubmission(20 * 1024);
    const [upload, post] = await Promise.all([send(putHead(photo), photo), send(postHead('/api/submissions', submission.length), submission)]);
    expect(upload.answer?.status).toBe(201);
    expect(post.answer?.status).toBe(201);
    // Longer than two windows: a rule counting time instead of progress would have cut them.
    expect(Math.min(upload.ms, post.ms)).toBeGreaterThan(2.5 * WINDOW_MS);
  });

  it('cuts a request that sends its headers and then not one byte of its body, after the window', async () => {
    const silent = async (head: string) => {
      const client = await RawClient.open(server.url);
      const started = performance.now();
      client.write(head);
      await client.until(() => false, 4 * WINDOW_MS);
      client.close();
      return { client, ms: (client.closedAt ?? performance.now()) - started };
    };
    const results = await Promise.all([silent(putHead(jpeg(1000))), silent(postHead('/api/sync', 1000))]);
    for (const { client, ms } of results) {
      expect(client.closedByServer).toBe(true);
      expect(ms).toBeGreaterThan(0.8 * WINDOW_MS);
      expect(ms).toBeLessThan(2.5 * WINDOW_MS);
      expect(client.text).toBe('');
    }
  });
});

describe('connections per address (connectionsPerAddress 5)', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ limits: { connectionsPerAddress: 5 } }); });
  afterAll(async () => { await server?.close(); });

  const health = async (client: RawClient, nth: number) => {
    client.write('GET /api/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await client.until(() => client.hasAnswer(nth), 5_000);
    return client.answers()[nth - 1]?.status;
  };

  it('closes the 6th socket from 127.0.0.1 while the first 5 keep working, and takes a new one when one leaves', async () => {
    const five = await Promise.all(Array.from({ length: 5 }, () => RawClient.open(server.url)));
    // Each answered once: the server has counted all five.
    expect(await Promise.all(five.map((client) => health(client, 1)))).toEqual([200, 200, 200, 200, 200]);

    const sixth = await RawClient.open(server.url);
    sixth.write('GET /api/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await sixth.until(() => false, 2_000);
    expect(sixth.open).toBe(false);
    expect(sixth.closedByServer).toBe(true);
    expect(sixth.text).toBe('');

    // The five are untouched.
    expect(await Promise.all(five.map((client) => health(client, 2)))).toEqual([200, 200, 200, 200, 200]);

    // One leaves: a newcomer gets its place (the count follows closes; give the server a moment to see it).
    five[0]!.close();
    let newcomerStatus: number | undefined;
    for (let attempt = 0; attempt < 20 && newcomerStatus === undefined; attempt++) {
      await sleep(50);
      const newcomer = await RawClient.open(server.url);
      newcomerStatus = await health(newcomer, 1);
      newcomer.close();
    }
    expect(newcomerStatus).toBe(200);
    for (const client of five) client.close();
  });
});

describe('photo uploads in flight per client (uploadsPerClient 2; other limits default)', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ limits: { uploadsPerClient: 2 } }); });
  afterAll(async () => { await server?.close(); });

  const upload = (bytes: Buffer) => fetch(`${server.url}/api/attachments/${fileAddress(bytes)}`, {
    method: 'PUT', headers: { 'content-type': 'image/jpeg', 'x-attachment-salt': TEST_SALT }, body: bytes, signal: AbortSignal.timeout(10_000),
  });

  it('answers a third concurrent PUT 429 with Retry-After and a pt-BR message, and takes new ones once the two finish', async () => {
    const photos = [jpeg(64 * 1024), jpeg(64 * 1024)];
    const slow = await Promise.all(photos.map(() => RawClient.open(server.url)));
    // "Expect: 100-continue": the server's "100 Continue" says the request reached the route (and was counted).
    slow.forEach((client, i) => client.write(putHead(photos[i]!, { expect: '100-continue' })));
    for (const client of slow) expect(await client.until(() => client.text.startsWith('HTTP/1.1 100 Continue'), 5_000)).toBe(true);
    // Half of each body, then they stall (still in flight).
    slow.forEach((client, i) => client.write(photos[i]!.subarray(0, 32 * 1024)));
    await sleep(100);

    const third = await upload(jpeg(8 * 1024));
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    const refusal = await readJson(third);
    expect(refusal.error).toBe('uploads_busy');
    expect(refusal.message).toMatch(/Muitas fotos sendo enviadas ao mesmo tempo/);

    // The two finish and are stored.
    slow.forEach((client, i) => client.write(photos[i]!.subarray(32 * 1024)));
    for (const client of slow) await client.until(() => client.hasAnswer(), 5_000);
    expect(slow.map((client) => client.answers()[0]?.status)).toEqual([201, 201]);

    // Their places are free again (keep-alive connections stay open: the count follows the answers).
    const next = await upload(jpeg(8 * 1024));
    expect(next.status).toBe(201);
    const another = await upload(jpeg(8 * 1024));
    expect(another.status).toBe(201);
    for (const client of slow) client.close();
  });

  // The default body-stall window (60 s) here: a short one would close a deaf connection by itself.
  it('a photo refused mid-body is answered and its connection closed, so the next request on that connection does not hang', async () => {
    const client = await RawClient.open(server.url);
    // Chunked, so the size limit is found only while reading: more than the limit arrives.
    const head = `PUT /api/attachments/${'a'.repeat(64)} HTTP/1.1\r\nhost: localhost\r\ncontent-type: image/jpeg\r\nx-attachment-salt: ${TEST_SALT}\r\ntransfer-encoding: chunked\r\n\r\n`;
    const body = jpeg(MAX_ATTACHMENT_BYTES + 512 * 1024);
    client.write(`${head}${body.length.toString(16)}\r\n`);
    client.write(body);
    client.write('\r\n0\r\n\r\n');
    expect(await client.until(() => client.hasAnswer(), 10_000)).toBe(true);
    const [answer] = client.answers();
    expect(answer!.status).toBe(413);
    expect(answer!.headers.connection).toBe('close');

    // The next request on this connection: answered, or the connection is closed. Never silence.
    client.write('GET /api/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await client.until(() => client.hasAnswer(2), 3_000);
    expect(client.hasAnswer(2) || client.closedByServer).toBe(true);
    client.close();
  });
});
