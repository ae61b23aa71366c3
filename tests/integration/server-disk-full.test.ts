/**
 * Disk full is an answer, not a hang: the real server process on embedded PGlite, its DATA_DIR on a real
 * 80 MB tmpfs (the database folder alone takes ~40 MB).
 *
 * 1. The free-space floor (MIN_FREE_MB=15): a filler file pushes free space under it; every write answers
 *    507 with Retry-After and a pt-BR message, quickly; reads go on; health says "degraded"/"disk_low";
 *    removing the filler brings writes back without a restart.
 * 2. Uploads alone, floor on: photos until the floor answers; never a 500, never a hang.
 * 3. Uploads alone, floor off (MIN_FREE_MB=0), so the disk really fills to ENOSPC: the file store's "disk
 *    full" answers 507 too, every later request on the same keep-alive connections still answers, and the
 *    server keeps answering health and reads.
 *
 * Needs root (mount); CI runs as root.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCharter } from '../../src/server/storage/charter-store.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import { startServerProcess, type ServerProcess } from '../soak/server-process.ts';
import { fileAddress, fixtureCharter, potholeRequest, TEST_SALT } from '../support/server.ts';

const MIN_FREE_MB = 15;
const MiB = 1024 * 1024;
/** "Within a few seconds": a request that takes longer than this counts as a hang. */
const ANSWER_WITHIN_MS = 5_000;

interface Answer {
  status: number;
  retryAfter: string | null;
  body: any;
  ms: number;
}

/** One request that must answer: a hang (no answer within ANSWER_WITHIN_MS) or a dropped connection fails the test. */
async function ask(url: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  } catch (error) {
    throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname} got no answer within ${ANSWER_WITHIN_MS} ms: ${String((error as Error).cause ?? error)}`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text for the failure message.
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body, ms: performance.now() - started };
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A JPEG (by its signature) of `size` bytes no other call returns. */
function jpeg(size: number): Buffer {
  const bytes = randomBytes(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

function expectDiskFullAnswer(answer: Answer, what: string): void {
  expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(507);
  expect(Number(answer.retryAfter), `${what}: Retry-After`).toBeGreaterThan(0);
  expect(answer.body).toMatchObject({ error: 'insufficient_storage' });
  // For people, in Portuguese: the record stays on the phone and goes again by itself.
  expect(answer.body.message).toMatch(/sem espaço/);
  expect(answer.body.message).toMatch(/enviado de novo/);
}

describe('a full disk on the embedded database (real server process, 80 MB tmpfs)', () => {
  let mountPoint: string;
  let mounted = false;
  let server: ServerProcess | undefined;
  const output: string[] = [];
  let upload: (bytes: Buffer) => Promise<Answer>;
  /** Accepted earlier; must stay readable while the disk is full. */
  let storedId: string;

  const start = async (minFreeMb: number) => {
    server = await startServerProcess({
      dataDir: mountPoint,
      output,
      // Rate limit off (startServerProcess), watchdog on as in production.
      env: { MIN_FREE_MB: String(minFreeMb), WATCHDOG_SECONDS: '30', LOG_LEVEL: 'warn' },
    });
    upload = (bytes) => ask(`${server!.url}/api/attachments/${fileAddress(bytes)}`, {
      method: 'PUT', headers: { 'content-type': 'image/jpeg', 'x-attachment-salt': TEST_SALT }, body: bytes,
    });
  };
  const health = async () => (await ask(`${server!.url}/api/health`)).body as { status: string; problems?: string[] };
  /** The floor is read at most every half second: wait for the server to see the change. */
  const healthBecomes = async (status: 'ok' | 'degraded') => {
    const deadline = Date.now() + 5_000;
    let last = await health();
    while (last.status !== status && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await health();
    }
    return last;
  };

  beforeAll(async () => {
    mountPoint = mkdtempSync(join(tmpdir(), 'conecta-disk-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', mountPoint]);
    mounted = true;
    // As the soak does: the charter goes in before the process starts.
    const storage = await openStorage({ dataDir: mountPoint });
    try {
      await installCharter(storage, fixtureCharter());
    } finally {
      await storage.close();
    }
    await start(MIN_FREE_MB);
  });

  afterAll(async () => {
    await server?.stop().catch(() => server?.kill());
    if (mounted) {
      try {
        execFileSync('umount', [mountPoint]);
      } catch {
        execFileSync('umount', ['-l', mountPoint]);
      }
    }
    if (mountPoint) rmSync(mountPoint, { recursive: true, force: true });
  });

  it('under the free-space floor every write answers 507 quickly, reads go on, and writes come back without a restart', async () => {
    const url = server!.url;
    // Enough space: a submission through the sync batch and a photo are stored.
    const first = potholeRequest();
    const synced = await ask(`${url}/api/sync`, json({ submissions: [first] }));
    expect(synced.status).toBe(200);
    expect(synced.body.results[0]).toMatchObject({ id: first.id, outcome: 'accepted' });
    storedId = first.id as string;
    expect((await upload(jpeg(64 * 1024))).status).toBe(201);
    expect(await health()).toMatchObject({ status: 'ok' });

    // A filler file leaves 5 MB: under the 15 MB floor.
    const filler = join(mountPoint, 'filler.bin');
    const fillerBytes = freeBytes(mountPoint) - 5 * MiB;
    expect(fillerBytes).toBeGreaterThan(10 * MiB);
    writeFileSync(filler, Buffer.alloc(fillerBytes, 1));
    expect(freeBytes(mountPoint)).toBeLessThan(MIN_FREE_MB * MiB);

    const degraded = await healthBecomes('degraded');
    expect(degraded).toMatchObject({ status: 'degraded', problems: ['disk_low'] });

    // Every kind of write: an answer, 507, within seconds (ask() fails on a hang).
    expectDiskFullAnswer(await ask(`${url}/api/submissions`, json(potholeRequest())), 'POST /api/submissions');
    expectDiskFullAnswer(await ask(`${url}/api/sync`, json({ submissions: [potholeRequest()] })), 'POST /api/sync');
    expectDiskFullAnswer(await upload(jpeg(256 * 1024)), 'PUT /api/attachments');
    // A retry of what was already stored is a write too: still an answer.
    expectDiskFullAnswer(await ask(`${url}/api/sync`, json({ submissions: [first] })), 'POST /api/sync (retry)');

    // Reads go on.
    const charter = await ask(`${url}/api/charter`);
    expect(charter.status).toBe(200);
    expect(charter.body.version).toBe(fixtureCharter().version);
    const status = await ask(`${url}/api/submissions/${storedId}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ id: storedId, status: 'received' });

    // Space again: writes resume in the same process.
    rmSync(filler);
    expect(await healthBecomes('ok')).toEqual(expect.objectContaining({ status: 'ok' }));
    const later = await ask(`${url}/api/submissions`, json(potholeRequest()));
    expect(later.status, JSON.stringify(later.body)).toBe(201);
    expect((await upload(jpeg(64 * 1024))).status).toBe(201);
    const batch = await ask(`${url}/api/sync`, json({ submissions: [potholeRequest()] }));
    expect(batch.status).toBe(200);
    expect(batch.body.results[0].outcome).toBe('accepted');
    expect(output.join('')).not.toMatch(/"level":(50|60)/);
  });

  it('photos alone, with the floor on, end in 507 answers: never a 500, never a hang', async () => {
    const statuses: number[] = [];
    // At most the whole disk in 1 MiB photos; the floor must answer long before.
    for (let i = 0; i < 80; i++) {
      const answer = await upload(jpeg(MiB));
      statuses.push(answer.status);
      expect([201, 507], `photo ${i}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
      if (answer.status === 507) {
        expectDiskFullAnswer(answer, `photo ${i}`);
        if (statuses.filter((s) => s === 507).length >= 5) break;
      }
    }
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(5);
    // Once refused, refused: 507 every time after the first.
    expect(statuses.slice(statuses.indexOf(507))).toEqual([507, 507, 507, 507, 507]);
    expect(await health()).toMatchObject({ status: 'degraded', problems: ['disk_low'] });
    expect((await ask(`${server!.url}/api/submissions/${storedId}`)).status).toBe(200);
  });

  it('photos alone until the disk is really full (floor off): ENOSPC answers 507, later requests still answer, health answers', async () => {
    await server!.stop();
    await start(0);
    const statuses: number[] = [];
    for (let i = 0; i < 40 && statuses.filter((s) => s === 507).length < 6; i++) {
      const answer = await upload(jpeg(MiB));
      statuses.push(answer.status);
      expect([201, 507], `photo ${i}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
      if (answer.status === 507) expectDiskFullAnswer(answer, `photo ${i}`);
    }
    // The disk did fill: less than one photo's room is left, and the last photos were refused.
    expect(freeBytes(mountPoint)).toBeLessThan(MiB);
    expect(statuses.slice(-6)).toEqual([507, 507, 507, 507, 507, 507]);
    // The process is alive and answering on the same connections: health (the floor is off: "ok"), a read,
    // and a small submission, which the database may still fit or refuse, but answers.
    expect((await health()).status).toBe('ok');
    expect((await ask(`${server!.url}/api/submissions/${storedId}`)).status).toBe(200);
    const small = await ask(`${server!.url}/api/submissions`, json(potholeRequest()));
    expect([201, 507], JSON.stringify(small.body)).toContain(small.status);
    expect(output.join('')).not.toMatch(/"level":(50|60)/);
  });
});
