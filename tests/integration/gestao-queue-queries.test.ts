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
  let signedIn: { id: string; name: string };

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
    signedIn = gestor.account;
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

  it("a request's page reads its story and its service's templates in one query: every event in time order, each instant to the millisecond, whatever the story's length", async () => {
    const [quiet, told] = (await server.storage.query<{ id: string; service_id: string }>(`SELECT id, service_id FROM submissions WHERE district = 'pradoso' ORDER BY id LIMIT 2`)).rows;
    const page = async (id: string) => {
      const before = counted.queries();
      const answer = await client.call('GET', `/api/gestao/requests/${id}`);
      expect(answer.status).toBe(200);
      return { queries: counted.queries() - before, body: answer.body as { events: { at: string; type: string; text?: string; by: string | null; public: boolean }[]; templates: { title: string }[] } };
    };
    const alone = await page(quiet!.id);
    // Interleaved across the three tables, instants with microseconds (the page shows milliseconds, as before).
    const id = told!.id;
    const gestor = signedIn;
    await server.storage.query(`INSERT INTO status_history (submission_id, status, at, note) VALUES ($1, 'in_review', '2030-01-02T10:00:00.123456Z', NULL), ($1, 'waiting_citizen', '2030-01-02T10:00:03.000999Z', 'Qual o número?')`, [id]);
    await server.storage.query(`INSERT INTO citizen_replies (id, submission_id, body_hash, text, created_at, received_at) VALUES ($2, $1, 'h', 'Número 12', now(), '2030-01-02T10:00:04.5Z')`, [id, crypto.randomUUID()]);
    await server.storage.query(`INSERT INTO staff_events (submission_id, at, account_id, type, text) VALUES ($1, '2030-01-02T10:00:01.999Z', $2, 'note', 'Equipe avisada')`, [id, gestor.id]);
    for (const title of ['Zeladoria', 'Asfalto']) {
      await server.storage.query(`INSERT INTO answer_templates (id, service_id, title, text) VALUES ($1, $2, $3, 'Texto')`, [crypto.randomUUID(), told!.service_id, title]);
    }
    const story = await page(id);
    expect(story.queries).toBe(alone.queries);
    expect(story.body.events.slice(1).map(({ at, type, text, by, public: shown }) => ({ at, type, text, by, shown }))).toEqual([
      { at: '2030-01-02T10:00:00.123Z', type: 'status', text: undefined, by: null, shown: true },
      { at: '2030-01-02T10:00:01.999Z', type: 'note', text: 'Equipe avisada', by: gestor.name, shown: false },
      { at: '2030-01-02T10:00:03.000Z', type: 'question', text: 'Qual o número?', by: null, shown: true },
      { at: '2030-01-02T10:00:04.500Z', type: 'reply', text: 'Número 12', by: null, shown: true },
    ]);
    expect(story.body.events[0]!.type).toBe('status');
    expect(story.body.templates.map((t) => t.title)).toEqual(['Asfalto', 'Zeladoria']);
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
