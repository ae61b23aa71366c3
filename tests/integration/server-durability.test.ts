/**
 * Acknowledged means on disk: the real server process on embedded PGlite (a temporary DATA_DIR on the real
 * disk) runs under strace; after a series of writes on one keep-alive connection, the log must show, for
 * every write answered 200/201, an fsync/fdatasync of the database's WAL (and, for a photo, of the photo's
 * bytes and of the folder its name was put in) after the request was read and before the answer began.
 * GETs, in the same log, show no such sync: the parser sees both cases, and its handling of strace's split
 * lines is checked on a log written by hand.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import { startServerProcess, type ServerProcess } from '../soak/server-process.ts';
import { fileAddress, fixtureCharter, potholeRequest, TEST_SALT } from '../support/server.ts';
import { httpExchanges, parseStraceLog, syncsDuring, type HttpExchange, type SyscallEvent } from '../support/strace-log.ts';

describe('the strace log reader', () => {
  const SOCKET = '21<TCP:[127.0.0.1:8080->127.0.0.1:50000]>';
  const WAL = '30</data/pglite/pg_wal/000000010000000000000001>';
  const log = [
    // 1: the WAL sync runs in another thread, split by the main thread's own unfinished read; it returns before the answer.
    `100 10:00:00.000001 read(${SOCKET}, "POST /api/submissions HTTP/1.1\\r\\nhost: x\\r\\ncontent-length: 10\\r\\n\\r\\n{}"..., 65536) = 300`,
    `101 10:00:00.000002 fdatasync(${WAL} <unfinished ...>`,
    '100 10:00:00.000003 read(9<anon_inode:[eventfd]>,  <unfinished ...>',
    '101 10:00:00.000004 <... fdatasync resumed>) = 0',
    '100 10:00:00.000005 <... read resumed>"\\1\\0\\0\\0\\0\\0\\0\\0", 1024) = 8',
    `100 10:00:00.000006 writev(${SOCKET}, [{iov_base="HTTP/1.1 201 Created\\r\\ncontent-type: application/json"..., iov_len=100}, {iov_base="", iov_len=0}], 2) = 100`,
    // 2: the sync returns only after the answer began: it does not count.
    `100 10:00:00.000007 read(${SOCKET}, "POST /api/sync HTTP/1.1\\r\\nhost: x\\r\\n"..., 65536) = 300`,
    `101 10:00:00.000008 fdatasync(${WAL} <unfinished ...>`,
    `100 10:00:00.000009 writev(${SOCKET}, [{iov_base="HTTP/1.1 200 OK\\r\\n"..., iov_len=100}], 1) = 100`,
    '101 10:00:00.000010 <... fdatasync resumed>) = 0',
    // 3: the request's own read is split; a sync that returned before the read did is not this request's; a failed one neither.
    `100 10:00:00.000011 read(${SOCKET},  <unfinished ...>`,
    '102 10:00:00.000012 fsync(31</data/files/ab>) = 0',
    `100 10:00:00.000013 <... read resumed>"PUT /api/attachments/ab01 HTTP/1.1\\r\\n"..., 65536) = 200`,
    '102 10:00:00.000014 fsync(32</data/files/cd>) = -1 EIO (Input/output error)',
    `102 10:00:00.000015 fdatasync(${WAL}) = 0`,
    `100 10:00:00.000016 write(${SOCKET}, "HTTP/1.1 201 Created\\r\\n"..., 100) = 100`,
    '100 10:00:00.000017 --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0} ---',
    '100 10:00:00.000018 +++ exited with 0 +++',
  ].join('\n');

  it('joins split calls, pairs requests with answers per socket, and counts only syncs inside the window', () => {
    const events = parseStraceLog(log);
    const exchanges = httpExchanges(events);
    expect(exchanges.map((e) => [e.method, e.path, e.status])).toEqual([
      ['POST', '/api/submissions', 201], ['POST', '/api/sync', 200], ['PUT', '/api/attachments/ab01', 201],
    ]);
    const synced = exchanges.map((exchange) => syncsDuring(events, exchange).map((e) => e.target));
    expect(synced).toEqual([['/data/pglite/pg_wal/000000010000000000000001'], [], ['/data/pglite/pg_wal/000000010000000000000001']]);
  });
});

interface Sent {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  status: number;
  /** For a photo: its address. */
  sha256?: string;
}

describe('acknowledged writes are on disk (real server process on PGlite, under strace)', () => {
  let dataDir: string;
  let traceDir: string;
  let traceFile: string;
  let server: ServerProcess | undefined;
  const output: string[] = [];
  const sent: Sent[] = [];
  let events: SyscallEvent[] = [];
  let exchanges: HttpExchange[] = [];

  beforeAll(async () => {
    // Real paths: strace -yy prints resolved ones.
    dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'conecta-durable-')));
    traceDir = mkdtempSync(join(tmpdir(), 'conecta-strace-'));
    traceFile = join(traceDir, 'server.strace');
    const storage = await openStorage({ dataDir });
    try {
      await installCharter(storage, fixtureCharter());
    } finally {
      await storage.close();
    }
    server = await startServerProcess({
      dataDir,
      output,
      // libuv's io_uring (off by default in Node 20.x) would hide file syscalls from strace: kept off.
      env: { LOG_LEVEL: 'warn', UV_USE_IO_URING: '0' },
      commandPrefix: ['strace', '-f', '-tt', '-yy', '-s', '80', '-e', 'trace=read,write,writev,fsync,fdatasync', '--seccomp-bpf', '-o', traceFile],
    });

    // One keep-alive connection, one request at a time, as a phone sends.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { port } = new URL(server.url);
    const send = (method: Sent['method'], path: string, body?: Buffer, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const outgoing = request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { ...headers, 'content-length': String(body.length) } : headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: response.statusCode!, body: text.startsWith('{') ? JSON.parse(text) : text });
          });
          response.on('error', reject);
        });
        outgoing.setTimeout(30_000, () => outgoing.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    const record = async (method: Sent['method'], path: string, body?: Buffer, headers?: Record<string, string>, sha256?: string) => {
      const answer = await send(method, path, body, headers);
      sent.push({ method, path, status: answer.status, ...(sha256 ? { sha256 } : {}) });
      return answer;
    };
    const asJson = (value: unknown) => Buffer.from(JSON.stringify(value));
    const JSON_TYPE = { 'content-type': 'application/json' };

    try {
      await record('GET', '/api/charter');
      let lastId = '';
      for (let i = 0; i < 10; i++) {
        const submission = potholeRequest();
        lastId = submission.id as string;
        const answer = await record('POST', '/api/submissions', asJson(submission), JSON_TYPE);
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        if (i % 4 === 3) await record('GET', `/api/submissions/${lastId}`);
      }
      for (let i = 0; i < 5; i++) {
        const answer = await record('POST', '/api/sync', asJson({ submissions: [potholeRequest(), potholeRequest()] }), JSON_TYPE);
        expect(answer.status).toBe(200);
        expect(answer.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['accepted', 'accepted']);
        if (i % 2 === 1) await record('GET', `/api/submissions/${lastId}`);
      }
      for (let i = 0; i < 5; i++) {
        const photo = randomBytes(48 * 1024);
        photo.set([0xff, 0xd8, 0xff, 0xe0]);
        const sha256 = fileAddress(photo);
        const answer = await record('PUT', `/api/attachments/${sha256}`, photo, { 'content-type': 'image/jpeg', 'x-attachment-salt': TEST_SALT }, sha256);
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        if (i % 2 === 1) await record('GET', '/api/health');
      }
      await record('GET', '/api/charter');
    } finally {
      agent.destroy();
      // SIGTERM to the server; strace writes out the rest of the log and exits with it.
      await server.stop();
      server = undefined;
    }
    events = parseStraceLog(readFileSync(traceFile, 'utf8'));
    exchanges = httpExchanges(events);
  });

  afterAll(async () => {
    await server?.kill();
    for (const dir of [dataDir, traceDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The exchanges of the test's connection, which carried every request sent. */
  const ours = () => {
    const sockets = [...new Set(exchanges.filter((e) => e.path.startsWith('/api/submissions') && e.method === 'POST').map((e) => e.socket))];
    expect(sockets).toHaveLength(1);
    return exchanges.filter((e) => e.socket === sockets[0]);
  };
  const walSync = (e: SyscallEvent) => e.target!.startsWith(`${dataDir}/pglite/pg_wal/`);

  it('sees every request sent, in order, on one keep-alive connection', () => {
    const seen = ours();
    expect(seen).toHaveLength(sent.length);
    seen.forEach((exchange, index) => {
      const expected = sent[index]!;
      expect(exchange.method).toBe(expected.method);
      // strace cuts data at 80 bytes: a photo's path is cut, its start is there.
      expect(expected.path.startsWith(exchange.path) || exchange.path.startsWith(expected.path)).toBe(true);
      expect(exchange.status).toBe(expected.status);
    });
  });

  it('fsyncs the WAL between reading every acknowledged write and answering it', () => {
    const writes = ours().filter((e) => (e.method === 'POST' || e.method === 'PUT') && (e.status === 200 || e.status === 201));
    expect(writes).toHaveLength(20);
    const unsynced = writes.filter((exchange) => !syncsDuring(events, exchange).some(walSync));
    expect(unsynced.map((e) => `${e.method} ${e.path} → ${e.status} (strace lines ${e.requestLine + 1}–${e.responseLine + 1})`)).toEqual([]);
  });

  it('for a photo, also syncs its bytes and the folder its name was put in, before answering', () => {
    const photos = ours().filter((e) => e.method === 'PUT');
    expect(photos).toHaveLength(5);
    const expected = sent.filter((s) => s.method === 'PUT');
    photos.forEach((exchange, index) => {
      const syncs = syncsDuring(events, exchange);
      const folder = `${dataDir}/files/${expected[index]!.sha256!.slice(0, 2)}`;
      // The bytes, synced in their temporary file before the rename; then the folder that got the new name.
      expect(syncs.some((e) => e.target!.startsWith(`${dataDir}/files/tmp/`)), `photo ${index}: bytes`).toBe(true);
      expect(syncs.some((e) => e.target === folder), `photo ${index}: folder ${folder}`).toBe(true);
    });
  });

  it('shows no sync at all while answering a GET (the reader tells the two apart)', () => {
    const reads = ours().filter((e) => e.method === 'GET');
    expect(reads.length).toBeGreaterThanOrEqual(6);
    expect(reads.every((e) => e.status === 200)).toBe(true);
    const synced = reads.filter((exchange) => syncsDuring(events, exchange).length > 0);
    expect(synced.map((e) => `${e.path}: ${syncsDuring(events, e).map((s) => s.target).join(', ')}`)).toEqual([]);
  });
});
