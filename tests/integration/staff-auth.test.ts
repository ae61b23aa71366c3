/**
 * Signing in to the back office and what guards every staff route: sessions (cookie, logout, disabling,
 * idle and absolute limits, a new id at every sign-in), CSRF and Origin, the lock-out without e-mail
 * enumeration, the second factor, reset links, the audit log, and that no unauthenticated path reads a
 * citizen's file. The clock is driven by writing the session rows, never by sleeping.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABSOLUTE_LIMIT_MS, IDLE_LIMIT_MS, RESET_LINK_MS } from '../../src/server/storage/accounts.ts';
import { sha256Hex as sha256 } from '../../src/server/domain/hashing.ts';
import { THROTTLE } from '../../src/server/domain/sign-in-throttle.ts';
import type { StaffRouteInfo } from '../../src/server/audiences/staff/plugin.ts';
import { BACKENDS, startServer, type TestServer } from '../support/server.ts';
import { addAccount, fileWithPhoto, sessionIdOf, StaffClient, staffCharter, STAFF_PASSWORD, totpCode, unusedTotpCode, type Filed, type Method, type TestAccount } from '../support/staff.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Every route of the whole app from Fastify's route tree: full path and methods. */
function appRoutes(printed: string): { path: string; methods: string[] }[] {
  const routes: { path: string; methods: string[] }[] = [];
  const stack: string[] = [];
  for (const line of printed.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    if (match[3]) routes.push({ path: stack.join('').replace(/^\/\//, '/'), methods: match[3].split(', ') });
  }
  return routes;
}

describe.each(BACKENDS)('staff sign-in and its guards on %s', (backend) => {
  let server: TestServer;
  const routes: StaffRouteInfo[] = [];
  let admin: TestAccount;
  let adminClient: StaffClient;
  let ownRequest: Filed;

  beforeAll(async () => {
    server = await startServer({ backend, charter: staffCharter(), trustProxy: 1, loginRateLimit: 10_000, onStaffRoute: (route) => routes.push(route) });
    ownRequest = await fileWithPhoto(server.url, 'request', 'tapa-buraco');
    admin = await addAccount(server.storage, ['admin']);
    adminClient = new StaffClient(server.url);
    await adminClient.signIn(admin.email);
  });
  afterAll(async () => { await server?.close(); });

  const signedIn = async (roles: Parameters<typeof addAccount>[1] = ['gestor'], secretariats?: string[]) => {
    const account = await addAccount(server.storage, roles, secretariats);
    const client = new StaffClient(server.url);
    await client.signIn(account.email);
    return { account, client };
  };
  const sessionRow = async (token: string) =>
    (await server.storage.query<{ last_seen_at: Date; expires_at: Date; created_at: Date; ended_at: Date | null }>(
      'SELECT created_at, last_seen_at, expires_at, ended_at FROM staff_sessions WHERE id = $1', [sessionIdOf(token)],
    )).rows[0]!;

  // ------------------------------------------------------------ no session

  it('answers 401 on every route that is not public without a session, or with a made-up cookie', async () => {
    const routeList = routes.filter((route) => route.access !== 'public');
    expect(routeList.length).toBeGreaterThan(10);
    const forged = new StaffClient(server.url);
    forged.token = 'x'.repeat(43);
    for (const client of [new StaffClient(server.url), forged]) {
      for (const route of routeList) {
        const url = route.url.replace(':sha256', ownRequest.sha256).replace(':id', ownRequest.id);
        const answer = await client.call(route.method as Method, url, WRITES.has(route.method) && route.method !== 'DELETE' ? { body: {} } : {});
        expect(answer.status, `${route.method} ${route.url}`).toBe(401);
        expect(answer.body.error).toBe('unauthenticated');
      }
    }
  });

  // ------------------------------------------------------------ CSRF and Origin

  it('refuses every state-changing route without the CSRF token, with another session\'s token, or from another Origin (403)', async () => {
    const { client } = await signedIn(['gestor']);
    const other = await signedIn(['gestor']);
    const writes = routes.filter((route) => WRITES.has(route.method));
    expect(writes.length).toBeGreaterThan(5);
    for (const route of writes) {
      const url = route.url.replace(':id', ownRequest.id);
      const method = route.method as Method;
      const body = method === 'DELETE' ? {} : { body: {} };
      const cases: [string, Parameters<StaffClient['call']>[2], string][] = [
        ['no Origin', { ...body, origin: null }, 'bad_origin'],
        ['another site', { ...body, origin: 'https://conecta-conquista.evil.example' }, 'bad_origin'],
        ['Origin null', { ...body, origin: 'null' }, 'bad_origin'],
        ['same host on another port', { ...body, origin: `http://127.0.0.1:${Number(new URL(server.url).port) + 1}` }, 'bad_origin'],
      ];
      if (route.access !== 'public') {
        cases.push(['no CSRF token', { ...body, csrf: false }, 'bad_csrf']);
        cases.push(['another session\'s token', { ...body, csrf: other.client.csrf! }, 'bad_csrf']);
        cases.push(['an empty token', { ...body, csrf: '' }, 'bad_csrf']);
      }
      for (const [name, options, error] of cases) {
        const answer = await client.call(method, url, options);
        expect(answer.status, `${method} ${route.url}: ${name}`).toBe(403);
        expect(answer.body.error, `${method} ${route.url}: ${name}`).toBe(error);
      }
    }
    // The same session with its token and its Origin does get through (here: a note on its own request).
    const note = await client.call('POST', `/api/gestao/requests/${ownRequest.id}/notes`, { body: { text: 'Passou pela vistoria.' } });
    expect(note.status).toBe(200);
    expect(await client.signedIn()).toBe(true);
  });

  // ------------------------------------------------------------ the cookie

  it('over plain HTTP sets gestao=…; Path=/; HttpOnly; SameSite=Strict without Secure', async () => {
    const account = await addAccount(server.storage, ['atendente']);
    const client = new StaffClient(server.url);
    const login = await client.login(account.email);
    expect(login.status).toBe(200);
    const cookies = login.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^gestao=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    // The known-device cookie of a full sign-in goes only to the staff API.
    expect(cookies[1]).toMatch(/^gestao-aparelho=[A-Za-z0-9_-]{43}; Path=\/api\/gestao; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(cookies[0]).not.toMatch(/Secure|Domain/i);
    expect(Number(/Max-Age=(\d+)/.exec(cookies[0]!)![1]) * 1000).toBe(ABSOLUTE_LIMIT_MS);
  });

  it('over TLS (a trusted proxy says https) sets __Host-gestao=…; Path=/; HttpOnly; SameSite=Strict; Secure, and reads only that cookie', async () => {
    const account = await addAccount(server.storage, ['atendente']);
    const client = new StaffClient(server.url, { https: true });
    const login = await client.login(account.email);
    expect(login.status).toBe(200);
    const cookies = login.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^__Host-gestao=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
    expect(cookies[1]).toMatch(/^gestao-aparelho=[A-Za-z0-9_-]{43}; Path=\/api\/gestao; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    expect(cookies[0]).not.toMatch(/Domain/i);
    expect(client.cookieName).toBe('__Host-gestao');
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(200);
    // The unprefixed name over TLS could have been planted by a sibling subdomain or a plain-HTTP page:
    // the server does not take a session from it.
    const tossed = new StaffClient(server.url, { https: true });
    tossed.token = client.token;
    tossed.cookieName = 'gestao';
    expect((await tossed.call('GET', '/api/gestao/requests')).status).toBe(401);
    const logout = await client.call('DELETE', '/api/gestao/session');
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie()[0]).toBe('__Host-gestao=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure');
  });

  // ------------------------------------------------------------ the session's life

  it('logout ends the session: the old cookie answers 401 afterwards', async () => {
    const { client } = await signedIn();
    const token = client.token!;
    const logout = await client.call('DELETE', '/api/gestao/session');
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie()[0]).toBe('gestao=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
    const replay = new StaffClient(server.url);
    replay.token = token;
    expect((await replay.call('GET', '/api/gestao/requests')).status).toBe(401);
    expect((await sessionRow(token)).ended_at).not.toBeNull();
  });

  it('disabling an account ends all its sessions, and the account cannot sign in again', async () => {
    const account = await addAccount(server.storage, ['gestor']);
    const phone = new StaffClient(server.url);
    const desk = new StaffClient(server.url);
    await phone.signIn(account.email);
    await desk.signIn(account.email);
    expect((await phone.call('GET', '/api/gestao/requests')).status).toBe(200);
    expect((await desk.call('GET', '/api/gestao/requests')).status).toBe(200);
    const disabled = await adminClient.call('PATCH', `/api/gestao/accounts/${account.account.id}`, { body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect(disabled.body.account.disabled).toBe(true);
    expect((await phone.call('GET', '/api/gestao/requests')).status).toBe(401);
    expect((await desk.call('GET', '/api/gestao/requests')).status).toBe(401);
    const again = await new StaffClient(server.url).login(account.email);
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('bad_credentials');
    // Enabled again, the old sessions stay ended.
    expect((await adminClient.call('PATCH', `/api/gestao/accounts/${account.account.id}`, { body: { disabled: false } })).status).toBe(200);
    expect((await desk.call('GET', '/api/gestao/requests')).status).toBe(401);
  });

  it('changing an account\'s roles or secretariats ends its sessions (what it may do is read again at sign-in)', async () => {
    const { account, client } = await signedIn(['gestor']);
    const changed = await adminClient.call('PATCH', `/api/gestao/accounts/${account.account.id}`, { body: { secretariats: ['agricultura'] } });
    expect(changed.status).toBe(200);
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(401);
  });

  it('ends a session idle for more than 30 minutes (and keeps one idle for 29)', async () => {
    const { client } = await signedIn();
    const id = sessionIdOf(client.token!);
    await server.storage.query(`UPDATE staff_sessions SET last_seen_at = now() - make_interval(secs => $2) WHERE id = $1`, [id, (IDLE_LIMIT_MS - 60_000) / 1000]);
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(200);
    // That request moved the idle clock to now.
    expect(Date.now() - (await sessionRow(client.token!)).last_seen_at.getTime()).toBeLessThan(60_000);
    await server.storage.query(`UPDATE staff_sessions SET last_seen_at = now() - make_interval(secs => $2) WHERE id = $1`, [id, (IDLE_LIMIT_MS + 60_000) / 1000]);
    const answer = await client.call('GET', '/api/gestao/requests');
    expect(answer.status).toBe(401);
    expect((await sessionRow(client.token!)).ended_at).not.toBeNull();
    // Ended for good: even a fresh idle clock does not bring it back.
    await server.storage.query('UPDATE staff_sessions SET last_seen_at = now() WHERE id = $1', [id]);
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(401);
  });

  it('ends a session 12 hours after sign-in however busy it is', async () => {
    const { client } = await signedIn();
    const row = await sessionRow(client.token!);
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(ABSOLUTE_LIMIT_MS);
    // Eleven hours and 59 minutes later, in use a minute ago: still open.
    const shift = async (ms: number) => server.storage.query(
      `UPDATE staff_sessions SET created_at = created_at - make_interval(secs => $2), expires_at = expires_at - make_interval(secs => $2), last_seen_at = now() - interval '1 minute' WHERE id = $1`,
      [sessionIdOf(client.token!), ms / 1000],
    );
    await shift(ABSOLUTE_LIMIT_MS - 60_000);
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(200);
    await shift(120_000);
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(401);
    expect((await sessionRow(client.token!)).ended_at).not.toBeNull();
  });

  it('gives a new session at every sign-in: the cookie changes and the one sent with the sign-in stops working', async () => {
    const account = await addAccount(server.storage, ['atendente']);
    const client = new StaffClient(server.url);
    // A token planted before sign-in (session fixation) is not adopted.
    client.token = 'planted-by-someone-else-aaaaaaaaaaaaaaaaaaaaa';
    await client.signIn(account.email);
    const first = client.token!;
    expect(first).not.toBe('planted-by-someone-else-aaaaaaaaaaaaaaaaaaaaa');
    const firstCsrf = client.csrf;
    await client.signIn(account.email);
    const second = client.token!;
    expect(second).not.toBe(first);
    expect(client.csrf).not.toBe(firstCsrf);
    const old = new StaffClient(server.url);
    old.token = first;
    expect((await old.call('GET', '/api/gestao/requests')).status).toBe(401);
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(200);
    // Stored only hashed: the table holds the SHA-256 of the token, never the token.
    const stored = await server.storage.query<{ id: string }>('SELECT id FROM staff_sessions WHERE id = $1 OR id = $2', [second, sessionIdOf(second)]);
    expect(stored.rows.map((r) => r.id)).toEqual([sessionIdOf(second)]);
  });

  // ------------------------------------------------------------ lock-out, without telling which e-mails exist

  it(`makes an address that keeps guessing wait after ${THROTTLE.freeFailures} failures (doubling), never the account, answering an unknown e-mail exactly like a known one`, async () => {
    const known = await addAccount(server.storage, ['atendente']);
    const unknown = `ninguem.${Date.now()}@pmvc.ba.gov.br`;
    // One guesser per e-mail, each from its own address, as the same steps.
    const guessers = { [known.email]: new StaffClient(server.url), [unknown]: new StaffClient(server.url) };
    const attempt = async (email: string, password: string) => {
      const answer = await guessers[email]!.login(email, password);
      return { status: answer.status, body: answer.body, cookie: answer.headers.getSetCookie().length, retryAfter: answer.headers.get('retry-after') };
    };
    const knownAnswers = [];
    const unknownAnswers = [];
    for (let i = 0; i < THROTTLE.freeFailures + 2; i++) {
      knownAnswers.push(await attempt(known.email, 'senha errada 123456'));
      unknownAnswers.push(await attempt(unknown, 'senha errada 123456'));
    }
    expect(knownAnswers).toEqual(unknownAnswers);
    expect(knownAnswers.map((a) => a.status)).toEqual([...Array(THROTTLE.freeFailures - 1).fill(401), 429, 429, 429]);
    expect(knownAnswers[0]!.body).toEqual({ error: 'bad_credentials', message: 'E-mail ou senha incorretos.' });
    expect(knownAnswers.slice(-3).map((a) => a.retryAfter)).toEqual(['1', '2', '4']);
    expect(knownAnswers.at(-1)!.body).toEqual({ error: 'wait', message: 'Muitas tentativas erradas deste endereço. Espere 4 segundos e tente de novo.' });
    expect(knownAnswers.every((a) => a.cookie === 0)).toBe(true);
    // While that address waits, even the right password from it is refused, in the same words as for the unknown e-mail.
    const right = await attempt(known.email, STAFF_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.body.error).toBe('wait');
    expect((await attempt(unknown, STAFF_PASSWORD)).body.error).toBe('wait');
    // The account itself is not locked: the owner, from another address, signs in.
    expect((await new StaffClient(server.url).login(known.email)).status).toBe(200);
    const lock = await server.storage.query('SELECT 1 FROM staff_login_failures WHERE email_hash = $1', [sha256(known.email)]);
    expect(lock.rows).toEqual([]);
    // The wait runs out: the right password works from that address too.
    await server.storage.query(`UPDATE staff_login_throttle SET next_allowed_at = now() - interval '1 second' WHERE email_hash = $1`, [sha256(known.email)]);
    expect((await attempt(known.email, STAFF_PASSWORD)).status).toBe(200);
  });

  it('takes about as long to refuse an unknown e-mail as a known one with a wrong password', async () => {
    const known = await addAccount(server.storage, ['atendente']);
    const unknown = `ninguem.tempo.${Date.now()}@pmvc.ba.gov.br`;
    const timed = async (email: string) => {
      await server.storage.query('DELETE FROM staff_login_throttle WHERE email_hash = $1', [sha256(email)]);
      const start = performance.now();
      const answer = await new StaffClient(server.url).login(email, 'senha errada 123456');
      expect(answer.status).toBe(401);
      return performance.now() - start;
    };
    await timed(unknown); // warms the dummy hash
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 12; i++) {
      if (i % 2) { knownTimes.push(await timed(known.email)); unknownTimes.push(await timed(unknown)); } else { unknownTimes.push(await timed(unknown)); knownTimes.push(await timed(known.email)); }
    }
    // Both verify an argon2id hash (the unknown e-mail a dummy one), so neither has a shortcut. The fastest
    // of a dozen tries is the cost without the noise of a shared machine; a skipped hash would be ~10× faster.
    const fastest = Math.min(...unknownTimes) / Math.min(...knownTimes);
    const typical = median(unknownTimes) / median(knownTimes);
    const report = `fastest unknown ${Math.min(...unknownTimes).toFixed(1)} ms, known ${Math.min(...knownTimes).toFixed(1)} ms; medians ${median(unknownTimes).toFixed(1)} / ${median(knownTimes).toFixed(1)} ms`;
    expect(fastest, report).toBeGreaterThan(0.5);
    expect(fastest, report).toBeLessThan(2);
    expect(typical, report).toBeGreaterThan(0.33);
    expect(typical, report).toBeLessThan(3);
  });

  // ------------------------------------------------------------ the second factor

  it('makes a role that needs it enrol a second factor (QR code and secret, confirmed by a code), then asks for a code at every sign-in; wrong codes are refused', async () => {
    const account = await addAccount(server.storage, ['controladoria']);
    const client = new StaffClient(server.url);
    const login = await client.login(account.email);
    expect(login.body).toEqual({ stage: 'enrol', csrfToken: expect.any(String) });
    const blocked = await client.call('GET', '/api/gestao/requests');
    expect(blocked.status).toBe(401);
    expect(blocked.body.error).toBe('second_factor_required');
    const enrolment = await client.call('POST', '/api/gestao/totp/enrolment', { body: { password: STAFF_PASSWORD } });
    expect(enrolment.status).toBe(200);
    const { secret, otpauthUri, qrSvg } = enrolment.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(otpauthUri).searchParams.get('secret')).toBe(secret);
    expect(qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    // A code of another moment (ten minutes away) is refused, and the account is still not enrolled.
    const wrong = await client.call('POST', '/api/gestao/totp/enrolment/confirm', { body: { code: totpCode(secret, Date.now() + 600_000) } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('bad_code');
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(401);
    const confirmed = await client.call('POST', '/api/gestao/totp/enrolment/confirm', { body: { code: await unusedTotpCode(secret) } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.stage).toBe('signed_in');
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(200);
    // Once enrolled, a new secret cannot be set from a half-signed-in session.
    expect((await client.call('POST', '/api/gestao/totp/enrolment', { body: { password: STAFF_PASSWORD } })).status).toBe(409);

    const next = new StaffClient(server.url);
    expect((await next.login(account.email)).body.stage).toBe('totp');
    expect((await next.call('GET', '/api/gestao/audit')).body.error).toBe('second_factor_required');
    expect((await next.call('POST', '/api/gestao/totp/enrolment', { body: { password: STAFF_PASSWORD } })).status).toBe(409);
    const bad = await next.call('POST', '/api/gestao/session/totp', { body: { code: totpCode(secret, Date.now() - 600_000) } });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('bad_code');
    expect((await next.call('POST', '/api/gestao/session/totp', { body: { code: 'abcdef' } })).status).toBe(422);
    expect((await next.call('GET', '/api/gestao/audit')).status).toBe(401);
    const good = await next.call('POST', '/api/gestao/session/totp', { body: { code: await unusedTotpCode(secret) } });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ stage: 'signed_in', account: { id: account.account.id, totpEnabled: true } });
    expect((await next.call('GET', '/api/gestao/audit')).status).toBe(200);
    const failed = await server.storage.query('SELECT 1 FROM staff_audit WHERE action = $1 AND account_id = $2', ['totp_failed', account.account.id]);
    expect(failed.rows.length).toBeGreaterThanOrEqual(1);
  });

  it('asks anyone who enabled the second factor for it, even a role that does not need it', async () => {
    const { account, client } = await signedIn(['gestor']);
    expect((await client.enrolTotp()).body.stage).toBe('signed_in');
    const next = new StaffClient(server.url);
    expect((await next.login(account.email)).body.stage).toBe('totp');
    expect((await next.call('GET', '/api/gestao/requests')).status).toBe(401);
    expect((await next.call('POST', '/api/gestao/session/totp', { body: { code: await unusedTotpCode(client.totpSecret!) } })).status).toBe(200);
    expect((await next.call('GET', '/api/gestao/requests')).status).toBe(200);
  });

  // ------------------------------------------------------------ password reset links

  it('a new account\'s link sets its password once; used again it is refused', async () => {
    const created = await adminClient.call('POST', '/api/gestao/accounts', { body: { email: `nova.${Date.now()}@pmvc.ba.gov.br`, name: 'Pessoa Nova', roles: ['atendente'], secretariats: ['servicos-publicos'] } });
    expect(created.status).toBe(201);
    expect(created.body.link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/gestao/senha#[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(created.body.expiresAt) - Date.now()).toBeGreaterThan(RESET_LINK_MS - 60_000);
    expect(Date.parse(created.body.expiresAt) - Date.now()).toBeLessThanOrEqual(RESET_LINK_MS);
    const token = created.body.link.split('#')[1];
    // Before the link is used there is no password to sign in with.
    expect((await new StaffClient(server.url).login(created.body.account.email, 'qualquer senha longa 123')).status).toBe(401);
    const anyone = new StaffClient(server.url);
    const set = await anyone.call('POST', '/api/gestao/password', { body: { token, password: 'minha senha nova e longa' } });
    expect(set.status).toBe(200);
    const again = await anyone.call('POST', '/api/gestao/password', { body: { token, password: 'outra senha nova e longa' } });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('bad_link');
    expect((await new StaffClient(server.url).login(created.body.account.email, 'minha senha nova e longa')).status).toBe(200);
    expect((await new StaffClient(server.url).login(created.body.account.email, 'outra senha nova e longa')).status).toBe(401);
  });

  it('a reset link works until 24 hours after it was made, not after; using one ends the account\'s sessions', async () => {
    const { account, client } = await signedIn(['atendente']);
    const link = async () => {
      const answer = await adminClient.call('POST', `/api/gestao/accounts/${account.account.id}/reset-link`, { body: {} });
      expect(answer.status).toBe(200);
      return answer.body.link.split('#')[1] as string;
    };
    const age = (token: string, ms: number) => server.storage.query(
      'UPDATE staff_password_resets SET expires_at = expires_at - make_interval(secs => $2) WHERE token_hash = $1', [sha256(token), ms / 1000],
    );
    const late = await link();
    await age(late, RESET_LINK_MS);
    const refused = await new StaffClient(server.url).call('POST', '/api/gestao/password', { body: { token: late, password: 'senha que chegou tarde' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('bad_link');

    const inTime = await link();
    await age(inTime, RESET_LINK_MS - 120_000);
    expect((await new StaffClient(server.url).call('POST', '/api/gestao/password', { body: { token: inTime, password: 'senha a tempo e longa' } })).status).toBe(200);
    expect((await client.call('GET', '/api/gestao/requests')).status).toBe(401);
    expect((await new StaffClient(server.url).login(account.email, 'senha a tempo e longa')).status).toBe(200);
  });

  // ------------------------------------------------------------ the audit log

  it('writes an audit entry for each kind of action, with the account and the session', async () => {
    const gestor = await addAccount(server.storage, ['gestor']);
    const client = new StaffClient(server.url);
    const expected: { action: string; accountId: string | null; session: string | null; submissionId?: string }[] = [];
    const sid = () => sessionIdOf(client.token!).slice(0, 16);
    const adminSid = sessionIdOf(adminClient.token!).slice(0, 16);

    expect((await client.login(gestor.email, 'senha errada 123456')).status).toBe(401);
    expected.push({ action: 'login_failed', accountId: null, session: null });
    await client.signIn(gestor.email);
    expected.push({ action: 'login', accountId: gestor.account.id, session: sid() });
    const request = await fileWithPhoto(server.url, 'request', 'tapa-buraco');
    const on = (path: string) => `/api/gestao/requests/${request.id}${path}`;
    const steps: [string, Method, string, unknown][] = [
      ['view_request', 'GET', on(''), undefined],
      ['view_attachment', 'GET', on(`/attachments/${request.sha256}`), undefined],
      ['status:in_progress', 'POST', on('/status'), { status: 'in_progress', note: 'Equipe a caminho.' }],
      ['question', 'POST', on('/question'), { question: 'Qual é o número da casa mais próxima?' }],
      ['note', 'POST', on('/notes'), { text: 'Ligar antes de ir.' }],
      ['assign', 'POST', on('/assign'), { accountId: gestor.account.id }],
      ['transfer', 'POST', on('/transfer'), { secretariatId: 'agricultura', reason: 'Estrada rural.' }],
    ];
    for (const [action, method, path, body] of steps) {
      const answer = await client.call(method, path, body === undefined ? {} : { body });
      expect(answer.status, `${action}: ${answer.text.slice(0, 200)}`).toBe(200);
      expected.push({ action, accountId: gestor.account.id, session: sid(), submissionId: request.id });
    }
    expect((await client.call('GET', '/api/gestao/requests.csv?status=received')).status).toBe(200);
    expected.push({ action: 'export', accountId: gestor.account.id, session: sid() });

    const created = await adminClient.call('POST', '/api/gestao/accounts', { body: { email: `auditada.${Date.now()}@pmvc.ba.gov.br`, name: 'Pessoa Auditada', roles: ['atendente'], secretariats: [] } });
    expect(created.status).toBe(201);
    expected.push({ action: 'account_created', accountId: admin.account.id, session: adminSid });
    expect((await adminClient.call('PATCH', `/api/gestao/accounts/${created.body.account.id}`, { body: { name: 'Pessoa Auditada da Silva' } })).status).toBe(200);
    expected.push({ action: 'account_changed', accountId: admin.account.id, session: adminSid });
    expect((await adminClient.call('POST', `/api/gestao/accounts/${created.body.account.id}/reset-link`, { body: {} })).status).toBe(200);
    expected.push({ action: 'reset_link_created', accountId: admin.account.id, session: adminSid });
    const charter = { ...staffCharter(), version: `auditoria-${Date.now()}` };
    const imported = await adminClient.call('POST', '/api/gestao/charter', { body: charter });
    expect(imported.status, imported.text.slice(0, 300)).toBe(200);
    expected.push({ action: 'charter_imported', accountId: admin.account.id, session: adminSid });

    const lastSid = sid();
    expect((await client.call('DELETE', '/api/gestao/session')).status).toBe(204);
    expected.push({ action: 'logout', accountId: gestor.account.id, session: lastSid });

    for (const entry of expected) {
      const found = await server.storage.query<{ account_id: string | null; session_id: string | null; submission_id: string | null; at: Date }>(
        `SELECT account_id, session_id, submission_id, at FROM staff_audit WHERE action = $1 AND ${entry.accountId ? 'account_id = $2' : 'account_id IS NULL AND $2::uuid IS NULL'}
         ORDER BY id DESC LIMIT 1`,
        [entry.action, entry.accountId],
      );
      const row = found.rows[0];
      expect(row, entry.action).toBeDefined();
      expect({ account: row!.account_id, session: row!.session_id }, entry.action).toEqual({ account: entry.accountId, session: entry.session });
      if (entry.submissionId) expect(row!.submission_id, entry.action).toBe(entry.submissionId);
      expect(Date.now() - row!.at.getTime()).toBeLessThan(120_000);
    }
    // Every kind the brief lists, and the log never copies what the citizen wrote.
    expect(new Set(expected.map((e) => e.action.replace(/:.*/, ':*')))).toEqual(new Set([
      'login', 'login_failed', 'view_request', 'view_attachment', 'status:*', 'question', 'note', 'assign', 'transfer', 'export',
      'account_created', 'account_changed', 'reset_link_created', 'charter_imported', 'logout',
    ]));
    const all = await server.storage.query<{ row: string }>('SELECT row_to_json(a)::text AS row FROM staff_audit a');
    expect(all.rows.map((r) => r.row).join('\n')).not.toMatch(/Buraco grande|Maria da Concei|529\.982|Ligar antes|Qual é o número/);
  });

  it('the audit table refuses UPDATE and DELETE (append-only trigger)', async () => {
    const before = await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM staff_audit');
    expect(before.rows[0]!.n).toBeGreaterThan(0);
    await expect(server.storage.query(`UPDATE staff_audit SET action = 'nada' WHERE id = (SELECT min(id) FROM staff_audit)`)).rejects.toThrow(/append-only/);
    await expect(server.storage.query('UPDATE staff_audit SET account_id = NULL')).rejects.toThrow(/append-only/);
    await expect(server.storage.query('DELETE FROM staff_audit WHERE id = (SELECT min(id) FROM staff_audit)')).rejects.toThrow(/append-only/);
    await expect(server.storage.query('DELETE FROM staff_audit')).rejects.toThrow(/append-only/);
    const after = await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM staff_audit');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    expect((await server.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM staff_audit WHERE action = 'nada'`)).rows[0]!.n).toBe(0);
  });

  // ------------------------------------------------------------ nobody reads a file without a session

  it('no unauthenticated path reads an attachment: every staff route answers 401, and the citizen API has no GET for files', async () => {
    const request = await fileWithPhoto(server.url, 'request', 'tapa-buraco');
    const marker = request.photo.subarray(4, 64);
    const anonymous = new StaffClient(server.url);
    const fill = (pattern: string) => pattern.replace(/:id\b/, request.id).replace(/:[A-Za-z0-9_]+/g, request.sha256);
    const staffReads = routes.filter((route) => route.method === 'GET' && route.access !== 'public');
    expect(staffReads.some((route) => route.url.includes(':sha256'))).toBe(true);
    for (const route of staffReads) {
      for (const method of ['GET', 'HEAD'] as const) {
        const answer = await anonymous.call(method, fill(route.url));
        expect(answer.status, `${method} ${route.url}`).toBe(401);
      }
    }
    // Every GET route of the whole app, its parameters filled with the file's address and its request's id.
    const all = appRoutes(server.app.printRoutes({ commonPrefix: false }));
    expect(all.some((route) => route.path === '/api/attachments/:sha256')).toBe(true);
    for (const route of all.filter((r) => r.methods.includes('GET'))) {
      const response = await fetch(`${server.url}${fill(route.path)}`);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.includes(marker), `GET ${route.path} returned the file`).toBe(false);
      if (route.path.startsWith('/api/gestao/')) expect(response.status, route.path).toBe(401);
    }
    expect(server.app.hasRoute({ method: 'GET', url: '/api/attachments/:sha256' })).toBe(false);
    const direct = await fetch(`${server.url}/api/attachments/${request.sha256}`);
    expect(direct.status).toBe(405);
    expect(direct.headers.get('allow')).not.toMatch(/GET/);
    expect(Buffer.from(await direct.arrayBuffer()).includes(marker)).toBe(false);
    // A staff member of the request's secretariat does read it, so the bytes above would have been found.
    const { client } = await signedIn(['atendente']);
    const file = await client.call('GET', `/api/gestao/requests/${request.id}/attachments/${request.sha256}`);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(request.photo)).toBe(true);
  });
});

describe('the sign-in rate limit per client address', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ charter: staffCharter(), loginRateLimit: 3 }); });
  afterAll(async () => { await server?.close(); });

  it('answers 429 after loginRateLimit attempts a minute from one address, whatever the e-mail', async () => {
    const client = new StaffClient(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await client.login(`alguem${i}@pmvc.ba.gov.br`, 'senha errada 123456')).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe('a caller who may not call a staff route', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ charter: staffCharter() }); });
  afterAll(async () => { await server?.close(); });

  it('is refused before its body is read: a 20 MB charter import without a session gets its 401 after a few bytes', async () => {
    const { connect } = await import('node:net');
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        // The headers promise 20 MB; only the first bytes are ever sent.
        socket.write(`POST /api/gestao/charter HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${server.url}\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n{"version":`);
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString('utf8');
        if (text.includes('\r\n\r\n') && text.includes('}')) { socket.destroy(); resolve(text); }
      });
      socket.on('error', reject);
      setTimeout(() => { socket.destroy(); reject(new Error(`no answer while the body was pending; got: ${text}`)); }, 5_000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"error":"unauthenticated"');
  });
});
