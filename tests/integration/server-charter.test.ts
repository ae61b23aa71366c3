import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, fixtureCharter, readJson, startServer, type TestServer } from '../support/server.ts';
import { installCharter } from '../../src/server/storage/charter-store.ts';

describe.each(BACKENDS)('GET /api/charter on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ backend }); });
  afterAll(async () => { await server?.close(); });

  const get = (headers: Record<string, string> = {}) => fetch(`${server.url}/api/charter`, { headers });

  it('serves the installed charter with a strong ETag and no-cache', async () => {
    const response = await get({ 'accept-encoding': 'identity' });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^"[a-f0-9]{64}"$/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-type')).toContain('application/json');
    const charter = await response.json();
    expect(charter).toEqual(fixtureCharter());
  });

  it('answers 304 for the current ETag, alone, in a list, or in weak form', async () => {
    const etag = (await get()).headers.get('etag')!;
    for (const header of [etag, `"stale", ${etag}`, `W/${etag}`, '*']) {
      const response = await get({ 'if-none-match': header });
      expect(response.status, header).toBe(304);
      expect(response.headers.get('etag')).toBe(etag);
      expect(await response.text()).toBe('');
    }
    expect((await get({ 'if-none-match': '"something-else"' })).status).toBe(200);
  });

  it('compresses with brotli or gzip as the client accepts, the same bytes each time', async () => {
    // fetch() would decode transparently; read raw bytes through node:http semantics instead.
    const raw = async (encoding: string) => {
      const { request } = await import('node:http');
      return new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        request(`${server.url}/api/charter`, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', reject).end();
      });
    };
    const plain = await raw('identity');
    expect(plain.encoding).toBeUndefined();
    const br = await raw('gzip, deflate, br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length);
    const gz = await raw('gzip');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect((await raw('br;q=0, gzip')).encoding).toBe('gzip');
    const again = await raw('br');
    expect(again.body.equals(br.body)).toBe(true);
  });

  it('serves a newly installed version with a new ETag', async () => {
    const before = (await get()).headers.get('etag');
    const next = { ...fixtureCharter(), version: 'fixture-2' };
    await installCharter(server.storage, next);
    const response = await get({ 'if-none-match': before! });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).not.toBe(before);
    expect((await readJson(response)).version).toBe('fixture-2');
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health).toEqual({ status: 'ok', database: backend, charterVersion: 'fixture-2' });
  });
});

describe('GET /api/charter with no charter installed', () => {
  it('answers 503 in pt-BR, and health says so', async () => {
    const server = await startServer({ charter: false });
    try {
      const response = await fetch(`${server.url}/api/charter`);
      expect(response.status).toBe(503);
      expect(await readJson(response)).toMatchObject({ error: 'no_charter', message: expect.stringContaining('Carta de Serviços') });
      expect(await readJson((await fetch(`${server.url}/api/health`)))).toEqual({ status: 'ok', database: 'pglite', charterVersion: null });
    } finally {
      await server.close();
    }
  });
});
