/**
 * The work queue pages with its keyset cursor through rows that have no due date (evaluations, sorted as
 * 'infinity'): every row once, and the CSV export, which pages 200 rows at a time, streams them all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, setPassword } from '../../src/server/staff/accounts.ts';
import { BACKENDS, evaluation, postJson, startServer, type TestServer } from '../helpers/server.ts';

describe.each(BACKENDS)('GET /api/gestao/requests pages on %s', (backend) => {
  let server: TestServer;
  let cookie = '';
  const ids: string[] = [];
  const get = (path: string) => fetch(`${server.url}${path}`, { headers: { cookie } });

  beforeAll(async () => {
    server = await startServer({ backend });
    const account = await createAccount(server.storage, { email: 'gestora@pmvc.example', name: 'Gestora', roles: ['gestor'], secretariats: ['servicos-publicos'] });
    await setPassword(server.storage, account.id, 'uma senha longa o bastante');
    const login = await postJson(`${server.url}/api/gestao/session`, { email: 'gestora@pmvc.example', password: 'uma senha longa o bastante' }, { origin: server.url });
    expect(login.status).toBe(200);
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
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

  it('exports every row in the CSV, past its first slice of 200', async () => {
    const response = await get('/api/gestao/requests.csv?kind=evaluation');
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines).toHaveLength(1 + ids.length);
  });
});
