/**
 * The work queue pages with its keyset cursor through rows that have no due date (evaluations, sorted as
 * 'infinity'): every row once, and the CSV export, which pages 200 rows at a time, streams them all.
 */
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/server/storage/types.ts';
import { bahiaDay } from '../../src/shared/dates.ts';
import { BACKENDS, evaluation, postJson, potholeRequest, startServer, type TestServer } from '../support/server.ts';
import { signInNewAccount } from '../support/staff.ts';

describe.each(BACKENDS)('GET /api/gestao/requests pages on %s', (backend) => {
  let server: TestServer;
  let cookie = '';
  const ids: string[] = [];
  const get = (path: string) => fetch(`${server.url}${path}`, { headers: { cookie } });

  beforeAll(async () => {
    server = await startServer({ backend });
    const gestora = await signInNewAccount(server.url, server.storage, ['gestor'], ['servicos-publicos']);
    cookie = `${gestora.cookieName}=${gestora.token}`;
    for (let batch = 0; batch < 3; batch++) {
      const submissions = Array.from({ length: batch < 2 ? 100 : 5 }, () => evaluation());
      ids.push(...submissions.map((s) => String(s.id)));
      const response = await postJson(`${server.url}/api/sync`, { submissions });
      expect(response.body.results.every((r: { outcome: string }) => r.outcome === 'accepted')).toBe(true);
    }
  });
  afterAll(async () => { await server?.close(); });

  it('pages through rows with no due date, each once', async () => {
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 10; page++) {
      const response = await get(`/api/gestao/requests?kind=evaluation&limit=90${after ? `&after=${after}` : ''}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: { id: string; dueAt: string | null }[]; nextCursor: string | null };
      expect(body.items.every((item) => item.dueAt === null)).toBe(true);
      seen.push(...body.items.map((item) => item.id));
      if (!body.nextCursor) break;
      after = body.nextCursor;
    }
    expect(seen).toHaveLength(ids.length);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it('gives a short window of days received (sorted from its index) in the same order as a long one (walked in queue order), for a secretariat and for every secretariat', async () => {
    const requests = Array.from({ length: 7 }, () => potholeRequest());
    const posted = await postJson(`${server.url}/api/sync`, { submissions: requests });
    expect(posted.body.results.every((r: { outcome: string }) => r.outcome === 'accepted')).toBe(true);
    // Distinct due dates in the reverse order of the ids, and two requests closed: the order is neither the
    // ids' nor the arrival's, so a sort written differently from the queue's index shows.
    const byId = requests.map((r) => String(r.id)).sort();
    for (const [index, id] of byId.entries()) {
      await server.storage.query('UPDATE submissions SET due_at = $2 WHERE id = $1', [id, new Date(Date.now() + (byId.length - index) * 86_400_000)]);
    }
    await server.storage.query(`UPDATE submissions SET status = 'done', closed_at = now() WHERE id = ANY($1::uuid[])`, [byId.slice(-2)]);
    // Open ones first, each part by due date (the later ids are due sooner).
    const expected = [...byId.slice(0, -2).reverse(), ...byId.slice(-2).reverse()];
    const day = (daysAgo: number) => bahiaDay(Date.now() - daysAgo * 86_400_000);
    // The controladoria sees every secretariat: its branches walk the kind-everywhere index (migration 019).
    const controladoria = await signInNewAccount(server.url, server.storage, ['controladoria'], []);
    const walk = async (window: string, as = cookie) => {
      const seen: string[] = [];
      let after = '';
      for (let page = 0; page < 10; page++) {
        const path = `/api/gestao/requests?${window}&limit=3${after ? `&after=${after}` : ''}`;
        const response = await fetch(`${server.url}${path}`, { headers: { cookie: as } });
        expect(response.status).toBe(200);
        const body = (await response.json()) as { items: { id: string }[]; nextCursor: string | null };
        seen.push(...body.items.map((item) => item.id));
        if (!body.nextCursor) break;
        after = body.nextCursor;
      }
      return seen;
    };
    const short = await walk(`from=${day(30)}&to=${day(-1)}`);
    const long = await walk(`from=${day(400)}`);
    expect(short).toEqual(expected);
    expect(long).toEqual(expected);
    const everywhere = `${controladoria.cookieName}=${controladoria.token}`;
    expect(await walk(`from=${day(30)}&to=${day(-1)}`, everywhere)).toEqual(expected);
    expect(await walk(`from=${day(400)}`, everywhere)).toEqual(expected);
  });

  it('takes the days of a filter as Bahia\'s, whatever the database session\'s time zone', async () => {
    const [late, early] = [potholeRequest(), potholeRequest()];
    const posted = await postJson(`${server.url}/api/sync`, { submissions: [late, early] });
    expect(posted.body.results.every((r: { outcome: string }) => r.outcome === 'accepted')).toBe(true);
    // 23:30 on 9 March in Bahia, and 00:30 on 10 March.
    await server.storage.query('UPDATE submissions SET received_at = $2 WHERE id = $1', [late.id, new Date('2026-03-10T02:30:00Z')]);
    await server.storage.query('UPDATE submissions SET received_at = $2 WHERE id = $1', [early.id, new Date('2026-03-10T03:30:00Z')]);
    // PGlite has one session: a city server set to Bahia's time. (PostgreSQL's pooled sessions keep the default.)
    if (backend === 'pglite') await server.storage.query("SET TIME ZONE 'America/Bahia'");
    try {
      const ids = async (window: string) => ((await (await get(`/api/gestao/requests?${window}`)).json()) as { items: { id: string }[] }).items.map((item) => item.id);
      expect(await ids('from=2026-03-10&to=2026-03-10')).toEqual([early.id]);
      expect(await ids('from=2026-03-09&to=2026-03-09')).toEqual([late.id]);
      expect((await ids('from=2026-03-09&to=2026-03-10')).sort()).toEqual([late.id, early.id].sort());
    } finally {
      if (backend === 'pglite') await server.storage.query("SET TIME ZONE 'UTC'");
    }
  });

  it('refuses a day that does not exist with a pt-BR 422, and ignores a cursor it did not write (never a 500)', async () => {
    for (const [path, field] of [['/api/gestao/requests?from=2026-02-30', 'from'], ['/api/gestao/requests.csv?to=2026-99-99', 'to']] as const) {
      const response = await get(path);
      expect(response.status, path).toBe(422);
      expect(((await response.json()) as { fields: Record<string, string> }).fields, path).toEqual({ [field]: 'Data inválida: use AAAA-MM-DD.' });
    }
    const forged = (cursor: unknown) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
    const first = (await (await get('/api/gestao/requests?kind=evaluation&limit=5')).json()) as { items: { id: string }[] };
    for (const cursor of [{ c: false, d: '2026', i: ids[0] }, { c: false, d: 'infinity', i: '-'.repeat(36) }, { c: true, d: '0000-01-01T00:00:00.000Z', i: ids[0] }]) {
      const response = await get(`/api/gestao/requests?kind=evaluation&limit=5&after=${forged(cursor)}`);
      expect(response.status, JSON.stringify(cursor)).toBe(200);
      expect(((await response.json()) as { items: { id: string }[] }).items).toEqual(first.items);
    }
  });

  it('exports every row in the CSV, past its first slice of 200', async () => {
    const response = await get('/api/gestao/requests.csv?kind=evaluation');
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines).toHaveLength(1 + ids.length);
  });

  it('keeps bytes flowing through the compressor while a slow export reads its next page, so the idle timer never cuts it', async () => {
    // Each page of the queue takes 3 s to read; the socket is closed after 5 s without a byte. 205 rows are
    // two pages: held back by the compressor until the end (6 s), the export was cut; flushed per page, not
    // (2 s of margin per page, so a loaded machine's slower queries do not cut it by chance).
    const slow: Storage = {
      ...server.storage,
      query: async (sql: string, params?: readonly unknown[]) => {
        if (/FROM submissions s/.test(sql) && /LIMIT/i.test(sql)) await new Promise((resolve) => setTimeout(resolve, 3000));
        return server.storage.query(sql, params);
      },
    } as Storage;
    const slowServer = await startServer({ storage: slow, charter: false, integrityContent: false, limits: { bodyStallMs: 5000 } });
    try {
      for (const encoding of ['br', 'gzip'] as const) {
        const body = await new Promise<Buffer>((resolve, reject) => {
          const request = httpRequest(`${slowServer.url}/api/gestao/requests.csv?kind=evaluation`, { headers: { cookie, 'accept-encoding': encoding } }, (response) => {
            expect(response.statusCode).toBe(200);
            expect(response.headers['content-encoding']).toBe(encoding);
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve(Buffer.concat(chunks)));
            response.on('error', reject);
          });
          request.on('error', reject);
          request.end();
        });
        const text = (encoding === 'br' ? brotliDecompressSync(body) : gunzipSync(body)).toString('utf8');
        expect(text.trim().split('\r\n')).toHaveLength(1 + ids.length);
      }
    } finally {
      await slowServer.close();
    }
  }, 60_000);
});
