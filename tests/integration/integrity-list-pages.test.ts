/**
 * The controladoria's list of integrity reports, a page at a time (GET /api/gestao/integridade): newest day
 * first and by id within a day, 50 a page, pages that neither overlap nor skip, the total from one count,
 * an opaque cursor (a bad one is a pt-BR 422 that reads and audits nothing), and a page that opens the
 * sealed contents of its own rows only (counted through the channel's keys, which the server is given), with
 * the same few statements for every page.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrityKeys, type Sealed } from '../../src/server/domain/integrity/crypto.ts';
import { signInNewAccount } from '../support/staff.ts';
import { appTestCharter } from '../support/app-charter.ts';
import { seedReports } from '../support/integrity-reports.ts';
import { countingStorage, SERVER_TIMERS, type CountingStorage } from '../support/counting-storage.ts';
import { BACKENDS, openTestStorage, startServer, type TestServer, type TestStorage } from '../support/server.ts';

/** The channel's real keys, counting every opening of a sealed blob. */
class CountingKeys extends IntegrityKeys {
  opened = 0;
  override open(sealed: Sealed): Buffer {
    this.opened++;
    return super.open(sealed);
  }
}

const REPORTS = 120;
const DAYS = ['2026-11-02', '2026-11-03', '2026-11-05', '2026-11-09', '2026-11-10', '2026-11-20', '2026-12-01'];

interface Page {
  reports: { id: string; receivedDay: string; tipo: string | null }[];
  total: number;
  nextCursor: string | null;
}

describe.each(BACKENDS)('the integrity list in pages on %s', (backend) => {
  let server: TestServer;
  let owned: TestStorage;
  let counting: CountingStorage;
  const keys = new CountingKeys(randomBytes(32));
  let cookie = '';
  /** The seeded reports in the list's order: newest day first, then by id. */
  let expected: { id: string; day: string }[] = [];

  const list = async (after?: string) => {
    const answer = await fetch(`${server.url}/api/gestao/integridade${after === undefined ? '' : `?after=${encodeURIComponent(after)}`}`, { headers: { cookie } });
    return { status: answer.status, body: await answer.json() as Page & { code?: string; message?: string } };
  };
  const listAudits = async () => (await server.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM staff_audit WHERE action = 'integrity_list'`)).rows[0]!.n;

  beforeAll(async () => {
    owned = await openTestStorage(backend);
    counting = countingStorage(owned.storage, { ignore: SERVER_TIMERS });
    server = await startServer({ storage: counting.storage, charter: appTestCharter(), integrityKeys: keys });
    const client = await signInNewAccount(server.url, server.storage, ['controladoria']);
    cookie = `${client.cookieName}=${client.token}`;
    // Several reports a day, so that ties within a day are ordered by id.
    expected = await seedReports(server.storage, keys, REPORTS, DAYS);
  });
  afterAll(async () => {
    await server?.close();
    await owned?.dispose();
  });

  it('reads every report once, newest first, 50 a page, with the total on each page, opening only the page\'s rows', async () => {
    const seen: Page['reports'] = [];
    const sizes: number[] = [];
    const queries: number[] = [];
    let after: string | undefined;
    do {
      const before = keys.opened;
      const sent = counting.queries();
      const page = await list(after);
      queries.push(counting.queries() - sent);
      expect(page.status).toBe(200);
      expect(keys.opened - before).toBeLessThanOrEqual(50);
      expect(keys.opened - before).toBe(page.body.reports.length);
      expect(page.body.total).toBe(REPORTS);
      sizes.push(page.body.reports.length);
      seen.push(...page.body.reports);
      after = page.body.nextCursor ?? undefined;
    } while (after !== undefined && sizes.length < 10);
    expect(sizes).toEqual([50, 50, 20]);
    // The same statements for every page (the session, the audit entry, the page, the count), whatever it holds.
    expect(new Set(queries).size, JSON.stringify(queries)).toBe(1);
    expect(queries[0]).toBeLessThanOrEqual(5);
    expect(seen.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(seen.map((r) => r.receivedDay)).toEqual(expected.map((r) => r.day));
    expect(seen.every((r) => r.tipo === 'propina')).toBe(true);
  });

  it('answers a bad cursor with a pt-BR 422, reading and auditing nothing', async () => {
    const first = await list();
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const wellFormed = (d: unknown, i: unknown) => Buffer.from(JSON.stringify({ d, i })).toString('base64url');
    const bad = [
      'não-é-um-cursor', '', 'x'.repeat(201), Buffer.from('{"d":').toString('base64url'),
      wellFormed('2026-02-30', randomUUID()), wellFormed('2026-11-02', 'não é uuid'), wellFormed("2026-11-02'; DROP TABLE x; --", randomUUID()), wellFormed(20261102, randomUUID()), wellFormed('0000-01-01', randomUUID()),
    ];
    for (const cursor of bad) {
      const audits = await listAudits();
      const opened = keys.opened;
      const answer = await list(cursor);
      expect(answer.status, cursor).toBe(422);
      expect(answer.body.message, cursor).toMatch(/lista/);
      expect(await listAudits(), cursor).toBe(audits);
      expect(keys.opened, cursor).toBe(opened);
    }
    // The good cursor still reads the second page.
    const second = await list(first.body.nextCursor!);
    expect(second.status).toBe(200);
    expect(second.body.reports[0]!.id).toBe(expected[50]!.id);
  });
});
