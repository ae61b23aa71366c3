/**
 * A route's query count does not grow with the rows it returns: the queue's page of 40 costs what a page
 * of 5 costs, and so does the CSV export of 40 rows against 5 (the deadline flag of each row reads the
 * charter's holidays the route already read, never the database again). /colleagues reads only the
 * colleagues, in one query whatever the number of accounts. Every staff request reads its session, the
 * account and the idle clock in one query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateAccount } from '../../src/server/storage/accounts.ts';
import { countingStorage, SERVER_TIMERS, type CountingStorage } from '../support/counting-storage.ts';
import { BACKENDS, openTestStorage, postJson, potholeRequest, startServer, type TestServer, type TestStorage } from '../support/server.ts';
import { addAccount, StaffClient } from '../support/staff.ts';

describe.each(BACKENDS)('the queue\'s query count on %s', (backend) => {
  let owned: TestStorage;
  let counted: CountingStorage;
  let server: TestServer;
  let client: StaffClient;

  beforeAll(async () => {
    owned = await openTestStorage(backend);
    counted = countingStorage(owned.storage, { ignore: SERVER_TIMERS });
    server = await startServer({ storage: counted.storage });
    // 40 open requests in Iguá and 5 in Pradoso: each open row's flag counts business days (holidays).
    const submissions = [
      ...Array.from({ length: 40 }, () => potholeRequest({ answers: { ...potholeRequest().answers as object, local: { district: 'igua' } } })),
      ...Array.from({ length: 5 }, () => potholeRequest({ answers: { ...potholeRequest().answers as object, local: { district: 'pradoso' } } })),
    ];
    const sent = await postJson(`${server.url}/api/sync`, { submissions });
    expect(sent.body.results.every((r: { outcome: string }) => r.outcome === 'accepted')).toBe(true);
    const gestor = await addAccount(server.storage, ['gestor'], ['servicos-publicos']);
    client = new StaffClient(server.url);
    await client.signIn(gestor.email);
    // The first read of a charter version loads it (one query, once per version): not what is compared.
    expect((await client.call('GET', '/api/gestao/requests?limit=1')).status).toBe(200);
  });

  afterAll(async () => {
    await server?.close();
    await owned?.dispose();
  });

  /** The queries the server sent while answering `path` (its rows checked, so the comparison is of real pages). */
  async function queriesOf(path: string, rows: number): Promise<number> {
    const before = counted.queries();
    const answer = await client.call('GET', path);
    const spent = counted.queries() - before;
    expect(answer.status, path).toBe(200);
    const returned = path.includes('.csv') ? answer.text.trim().split('\r\n').length - 1 : (answer.body as { items: unknown[] }).items.length;
    expect(returned, path).toBe(rows);
    return spent;
  }

  it('a staff request reads its session in one query', async () => {
    const before = counted.queries();
    const answer = await client.call('GET', '/api/gestao/session');
    expect(answer.status).toBe(200);
    expect((answer.body as { stage: string }).stage).toBe('signed_in');
    expect(counted.queries() - before).toBe(1);
  });

  it('a page of 40 rows costs the queries of a page of 5', async () => {
    const five = await queriesOf('/api/gestao/requests?limit=5', 5);
    const forty = await queriesOf('/api/gestao/requests?limit=40', 40);
    expect(forty).toBe(five);
    // Filtered to 5 rows by place, the same again.
    expect(await queriesOf('/api/gestao/requests?district=pradoso', 5)).toBe(five);
  });

  it('the CSV export of 45 rows costs the queries of an export of 5', async () => {
    const five = await queriesOf('/api/gestao/requests.csv?district=pradoso', 5);
    const all = await queriesOf('/api/gestao/requests.csv', 45);
    expect(all).toBe(five);
  });

  it('/colleagues lists the enabled atendentes and gestores sharing a secretariat, in the same queries however many accounts exist', async () => {
    const colleagues = async () => {
      const before = counted.queries();
      const answer = await client.call('GET', '/api/gestao/colleagues');
      expect(answer.status).toBe(200);
      return { queries: counted.queries() - before, names: (answer.body.colleagues as { name: string }[]).map((c) => c.name).sort() };
    };
    const alone = await colleagues();
    await addAccount(server.storage, ['atendente'], ['servicos-publicos'], 'Atendente da secretaria');
    await addAccount(server.storage, ['gestor'], ['agricultura', 'servicos-publicos'], 'Gestor de duas');
    await addAccount(server.storage, ['atendente'], ['agricultura'], 'Atendente de outra secretaria');
    await addAccount(server.storage, ['controladoria'], ['servicos-publicos'], 'Controladoria');
    const gone = await addAccount(server.storage, ['atendente'], ['servicos-publicos'], 'Atendente desligado');
    await updateAccount(server.storage, gone.account.id, { disabled: true });
    for (let i = 0; i < 10; i++) await addAccount(server.storage, ['atendente'], ['saude'], `Outra ${i}`);
    const many = await colleagues();
    expect(many.names).toEqual([...alone.names, 'Atendente da secretaria', 'Gestor de duas'].sort());
    expect(many.queries).toBe(alone.queries);
  });
});
