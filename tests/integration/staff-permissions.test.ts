/**
 * The back office's permission matrix, proven route by route. The routes are the ones the app registers
 * (collected with onStaffRoute while it is built), so a staff route added later is covered without editing
 * this file; the expected answer of every (route, profile, request) comes from MATRIX and canSee in
 * src/server/staff/permissions.ts, never from a copy of them.
 *
 *   no session                → 401 (unless the route is public)
 *   the matrix says no        → 403
 *   the scope says no         → 403 (routes about one request: own secretariat, another one, each kind)
 *   allowed                   → a GET answers 2xx; a write sent an empty body answers 2xx or a validation 4xx
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSee, MATRIX, type Actor } from '../../src/server/domain/permissions.ts';
import type { StaffRouteInfo } from '../../src/server/audiences/staff/plugin.ts';
import { SUBMISSION_KINDS } from '../../src/shared/contract/forms.ts';
import type { Permission, StaffRole } from '../../src/shared/contract/staff.ts';
import { BACKENDS, startServer, type TestServer } from '../support/server.ts';
import { addAccount, fileWithPhoto, StaffClient, staffCharter, type Answer, type Filed, type Method, type TestAccount } from '../support/staff.ts';

// ---------------------------------------------------------------- the routes, as the app registers them

async function registeredStaffRoutes(): Promise<StaffRouteInfo[]> {
  const routes: StaffRouteInfo[] = [];
  const server = await startServer({ charter: false, onStaffRoute: (route) => routes.push(route) });
  await server.close();
  return routes;
}
const ROUTES = await registeredStaffRoutes();

/** A route that acts on one request (its :id is a submission): the scope rules apply. */
const aboutOneRequest = (route: StaffRouteInfo) => /\/requests\/:id(\/|$)/.test(route.url);

// ---------------------------------------------------------------- who

interface Profile {
  name: string;
  roles: StaffRole[];
  secretariats: string[];
}
const OWN = 'servicos-publicos';
const OTHER = 'agricultura';
const PROFILES: Profile[] = [
  { name: 'atendente', roles: ['atendente'], secretariats: [OWN] },
  { name: 'gestor', roles: ['gestor'], secretariats: [OWN] },
  { name: 'ouvidoria', roles: ['ouvidoria'], secretariats: [OWN] },
  { name: 'controladoria', roles: ['controladoria'], secretariats: [OWN] },
  { name: 'admin', roles: ['admin'], secretariats: [OWN] },
  { name: 'admin + gestor', roles: ['admin', 'gestor'], secretariats: [OWN] },
  { name: 'ouvidoria + atendente', roles: ['ouvidoria', 'atendente'], secretariats: [OWN] },
  { name: 'atendente of two secretariats', roles: ['atendente'], secretariats: [OWN, OTHER] },
  { name: 'gestor of no secretariat', roles: ['gestor'], secretariats: [] },
];

// ---------------------------------------------------------------- which requests

interface Target {
  name: string;
  kind: (typeof SUBMISSION_KINDS)[number];
  serviceId: 'tapa-buraco' | 'vistoria-estrada';
}
/** Every kind, in the profiles' own secretariat and in another one; each with a photo. */
const TARGETS: Target[] = SUBMISSION_KINDS.flatMap((kind) => [
  { name: `${kind} of its own secretariat`, kind, serviceId: 'tapa-buraco' as const },
  { name: `${kind} of another secretariat`, kind, serviceId: 'vistoria-estrada' as const },
]);

// ---------------------------------------------------------------- the expected answer

type Expected = 'allowed' | 401 | 403;

function expectedAnswer(route: StaffRouteInfo, actor: Actor | null, target: Filed | null): Expected {
  if (route.access === 'public') return 'allowed';
  if (!actor) return 401;
  if (route.access === 'pending' || route.access === 'signed_in') return 'allowed';
  const permitted = MATRIX[route.access as Permission];
  if (!permitted) throw new Error(`Route ${route.method} ${route.url} names an access the matrix does not know: ${route.access}`);
  if (!actor.roles.some((role) => permitted.includes(role))) return 403;
  if (target && !canSee(actor, { kind: target.kind, secretariatId: target.secretariatId })) return 403;
  return 'allowed';
}

/** What "allowed" may answer: a read 2xx; a write with an empty body 2xx, or a refusal of the body itself. */
function isAllowedAnswer(method: string, status: number, unknownParams: boolean): boolean {
  if (status >= 200 && status < 300) return true;
  if (unknownParams && status === 404) return true;
  return method !== 'GET' && method !== 'HEAD' && [400, 409, 422].includes(status);
}

function matches(expected: Expected, method: string, answer: Answer, unknownParams: boolean): boolean {
  return expected === 'allowed' ? isAllowedAnswer(method, answer.status, unknownParams) : answer.status === expected;
}

// ---------------------------------------------------------------- the test

describe.each(BACKENDS)('the permission matrix on %s', (backend) => {
  let server: TestServer;
  const accounts = new Map<string, TestAccount>();
  const clients = new Map<string, StaffClient>();
  const filed = new Map<string, Filed>();
  /** An account the admin routes act on (PATCH /accounts/:id, its reset link). */
  let bystander: TestAccount;

  beforeAll(async () => {
    // trustProxy: each profile's client sends its own X-Forwarded-For, so the staff API's per-address
    // rate limit (600 a minute) counts each profile apart.
    server = await startServer({ backend, charter: staffCharter(), trustProxy: 1, loginRateLimit: 10_000 });
    for (const target of TARGETS) filed.set(target.name, await fileWithPhoto(server.url, target.kind, target.serviceId));
    bystander = await addAccount(server.storage, ['atendente'], [OWN], 'Pessoa sobre quem o admin age');
    for (const profile of PROFILES) {
      const account = await addAccount(server.storage, profile.roles, profile.secretariats);
      accounts.set(profile.name, account);
      const client = new StaffClient(server.url);
      await client.signIn(account.email);
      clients.set(profile.name, client);
    }
  });
  afterAll(async () => { await server?.close(); });

  /** The profile's client, signed in again if an earlier route ended its session (DELETE /session). */
  async function clientOf(profile: Profile): Promise<StaffClient> {
    const client = clients.get(profile.name)!;
    if (!(await client.signedIn())) await client.signIn(accounts.get(profile.name)!.email);
    return client;
  }

  /** The route's URL with its parameters filled in; unknownParams when a parameter had to be made up. */
  function urlOf(route: StaffRouteInfo, target: Filed | null): { url: string; unknownParams: boolean } {
    let unknownParams = false;
    const url = route.url.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
      if (target && name === 'id' && aboutOneRequest(route)) return target.id;
      if (target && name === 'sha256') return target.sha256;
      if (name === 'id' && /\/accounts\/:id/.test(route.url)) return bystander.account.id;
      unknownParams = true;
      return crypto.randomUUID();
    });
    return { url, unknownParams };
  }

  async function send(client: StaffClient, route: StaffRouteInfo, url: string, withSession: boolean): Promise<Answer> {
    const method = route.method as Method;
    const write = !['GET', 'HEAD'].includes(method);
    return client.call(method, url, { cookie: withSession, ...(write && method !== 'DELETE' ? { body: {} } : {}) });
  }

  it('sees the routes of the staff API (the list the cases below are made from)', () => {
    expect(ROUTES.length).toBeGreaterThan(10);
    for (const route of ROUTES) expect(route.url.startsWith('/api/gestao/'), route.url).toBe(true);
  });

  describe.each(ROUTES.map((route) => [`${route.method} ${route.url} (${route.access})`, route] as const))('%s', (_title, route) => {
    const targets = () => (aboutOneRequest(route) ? TARGETS.map((t) => filed.get(t.name)!) : [null]);

    it('without a session', async () => {
      const anonymous = new StaffClient(server.url);
      const wrong: string[] = [];
      for (const target of targets()) {
        const { url, unknownParams } = urlOf(route, target);
        const expected = expectedAnswer(route, null, target);
        const answer = await send(anonymous, route, url, false);
        if (!matches(expected, route.method, answer, unknownParams)) wrong.push(`${target?.kind ?? '-'} ${target?.secretariatId ?? ''}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 120)}`);
      }
      expect(wrong).toEqual([]);
    });

    it.each(PROFILES.map((profile) => [profile.name, profile] as const))('as %s', async (_name, profile) => {
      const client = await clientOf(profile);
      const actor = accounts.get(profile.name)!.account;
      const wrong: string[] = [];
      for (const target of targets()) {
        if (!(await client.signedIn())) await client.signIn(accounts.get(profile.name)!.email);
        const { url, unknownParams } = urlOf(route, target);
        const expected = expectedAnswer(route, actor, target);
        const answer = await send(client, route, url, true);
        if (!matches(expected, route.method, answer, unknownParams)) {
          wrong.push(`${target ? `${target.kind} of ${target.secretariatId}` : '-'}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 160)}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });

  // ------------------------------------------------------------ lists and exports reach exactly what canSee allows

  async function allPages(client: StaffClient, query: string): Promise<{ ids: string[]; protocols: string[] }> {
    const ids: string[] = [];
    const protocols: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const params = new URLSearchParams(query);
      params.set('limit', '2');
      if (after) params.set('after', after);
      const answer = await client.call('GET', `/api/gestao/requests?${params}`);
      expect(answer.status, answer.text).toBe(200);
      for (const item of answer.body.items) { ids.push(item.id); protocols.push(item.protocol); }
      after = answer.body.nextCursor;
      if (!after) return { ids, protocols };
    }
    throw new Error('the queue never ended');
  }

  function csvProtocols(text: string): string[] {
    return text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((line) => JSON.parse(line.split(',')[0]!) as string);
  }

  it.each(PROFILES.map((profile) => [profile.name, profile] as const))('the queue and the export of %s hold exactly the requests canSee allows, of every kind', async (_name, profile) => {
    const client = await clientOf(profile);
    const actor = accounts.get(profile.name)!.account;
    const reads = MATRIX['requests.read'].some((role) => actor.roles.includes(role));
    const exports = MATRIX['requests.export'].some((role) => actor.roles.includes(role));
    for (const kind of SUBMISSION_KINDS) {
      const visible = [...filed.values()].filter((f) => f.kind === kind && canSee(actor, f));
      if (reads) {
        const listed = await allPages(client, `kind=${kind}`);
        expect(new Set(listed.ids), kind).toEqual(new Set(visible.map((f) => f.id)));
        expect(listed.ids.length, `${kind}: no row twice across pages`).toBe(visible.length);
      } else {
        expect((await client.call('GET', `/api/gestao/requests?kind=${kind}`)).status).toBe(403);
      }
      const csv = await client.call('GET', `/api/gestao/requests.csv?kind=${kind}`);
      if (exports) {
        expect(csv.status).toBe(200);
        expect(csvProtocols(csv.text).sort(), kind).toEqual(visible.map((f) => f.protocol).sort());
      } else {
        expect(csv.status).toBe(403);
      }
    }
    if (reads) {
      // Without a kind the queue is the work (requests and manifestações), and its counts are of the same rows.
      const work = [...filed.values()].filter((f) => f.kind !== 'evaluation' && canSee(actor, f));
      const first = await client.call('GET', '/api/gestao/requests');
      expect(Object.values(first.body.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(work.length);
      expect(new Set((await allPages(client, '')).ids)).toEqual(new Set(work.map((f) => f.id)));
    }
  });

  // ------------------------------------------------------------ another secretariat's request, every way of reaching it

  /**
   * A body the route would accept (so only the scope can refuse it). Known actions get a real one; a route
   * added later gets {} until someone writes one here, and is still checked with it.
   */
  function validBody(route: StaffRouteInfo): unknown {
    const action = route.url.split('/').at(-1)!;
    const bodies: Record<string, unknown> = {
      status: { status: 'done', note: 'Resolvido.' },
      question: { question: 'Qual é o ponto de referência?' },
      notes: { text: 'Nota interna.' },
      assign: { accountId: null },
      transfer: { secretariatId: OWN, reason: 'É da nossa secretaria.' },
    };
    return bodies[action] ?? {};
  }

  describe.each([['atendente'], ['gestor']])('%s of one secretariat and a request of another', (role) => {
    const profile = () => PROFILES.find((p) => p.name === role)!;
    const theirs = () => filed.get(`request of another secretariat`)!;

    it('is refused by id: every route about one request answers 403 (GET and HEAD too), with any body', async () => {
      const client = await clientOf(profile());
      const target = theirs();
      const routes = ROUTES.filter(aboutOneRequest);
      expect(routes.length).toBeGreaterThan(3);
      for (const route of routes) {
        const { url } = urlOf(route, target);
        const method = route.method as Method;
        const bodies: (unknown | undefined)[] = method === 'GET' ? [undefined] : [{}, validBody(route)];
        for (const body of bodies) {
          const answer = await client.call(method, url, body === undefined ? {} : { body });
          expect(answer.status, `${method} ${route.url} ${JSON.stringify(body)}: ${answer.text}`).toBe(403);
          expect(answer.text).not.toContain(target.protocol);
        }
        if (method === 'GET') expect((await client.call('HEAD', url)).status, `HEAD ${route.url}`).toBe(403);
      }
      // Nothing happened to it.
      const row = await server.storage.query<{ status: string; secretariat_id: string }>('SELECT status, secretariat_id FROM submissions WHERE id = $1', [target.id]);
      expect(row.rows[0]).toEqual({ status: 'received', secretariat_id: OTHER });
    });

    it('is refused by its attachment hash', async () => {
      const client = await clientOf(profile());
      const target = theirs();
      const answer = await client.call('GET', `/api/gestao/requests/${target.id}/attachments/${target.sha256}`);
      expect(answer.status).toBe(403);
      expect(answer.bytes.includes(target.photo.subarray(4, 64))).toBe(false);
      // Nor through one of its own requests naming the other's file.
      const mine = filed.get('request of its own secretariat')!;
      expect((await client.call('GET', `/api/gestao/requests/${mine.id}/attachments/${target.sha256}`)).status).toBe(404);
    });

    const FILTERS = (target: Filed) => [
      '', `secretariat=${OTHER}`, `secretariat=${OTHER}&kind=request`, `service=${target.serviceId}`, `district=${target.district}`,
      `protocol=${target.protocol}`, `protocol=${target.protocol.replace(/-0+/, '-')}`, 'status=received', 'kind=request', 'overdue=1',
      `from=2000-01-01&to=2100-12-31`,
    ];

    it('never appears in a list, whatever the filter, page by page; its counts are not counted', async () => {
      const client = await clientOf(profile());
      const target = theirs();
      for (const filter of FILTERS(target)) {
        const { ids, protocols } = await allPages(client, filter);
        expect(ids, filter).not.toContain(target.id);
        expect(protocols, filter).not.toContain(target.protocol);
      }
      const counted = await client.call('GET', `/api/gestao/requests?secretariat=${OTHER}`);
      expect(counted.body).toEqual({ items: [], nextCursor: null, counts: {} });
    });

    it('never appears in the CSV export, whatever the filter', async () => {
      const client = await clientOf(profile());
      const target = theirs();
      for (const filter of FILTERS(target)) {
        const csv = await client.call('GET', `/api/gestao/requests.csv?${filter}`);
        expect(csv.status, filter).toBe(200);
        expect(csv.text, filter).not.toContain(target.protocol);
      }
    });

    it('is there for its own secretariat with the same filters (the filters do find it)', async () => {
      const account = await addAccount(server.storage, [role as StaffRole], [OTHER]);
      const client = new StaffClient(server.url);
      await client.signIn(account.email);
      const target = theirs();
      for (const filter of FILTERS(target).filter((f) => f !== 'overdue=1')) {
        expect((await allPages(client, filter)).ids, filter).toContain(target.id);
        expect((await client.call('GET', `/api/gestao/requests.csv?${filter}`)).text, filter).toContain(target.protocol);
      }
      expect((await client.call('GET', `/api/gestao/requests/${target.id}`)).status).toBe(200);
      const file = await client.call('GET', `/api/gestao/requests/${target.id}/attachments/${target.sha256}`);
      expect(file.status).toBe(200);
    });
  });
});
