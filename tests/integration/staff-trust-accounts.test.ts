/**
 * Issue 15, findings 1–4 and 11 (accounts): written as the attacker's steps, each asserting the refusal
 * and that nothing changed. No one grants themselves power; admin, controladoria and ouvidoria take two
 * admins (or the server's command line); outsiders cannot lock a colleague out nor race the counter; the
 * second factor is neither guessed without end, nor replayed, nor re-bound with a stolen cookie; weak
 * passwords and older reset links are refused.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAccountByEmail, findAccountById } from '../../src/server/storage/accounts.ts';
import { sha256Hex as sha256 } from '../../src/server/domain/hashing.ts';
import { THROTTLE } from '../../src/server/domain/sign-in-throttle.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import type { Queryable } from '../../src/server/storage/types.ts';
import { BACKENDS, dropSchema, startServer, type Backend, type TestServer } from '../support/server.ts';
import { addAccount, loginFromAddress, sessionIdOf, StaffClient, staffCharter, STAFF_PASSWORD, totpCode, unusedTotpCode, type TestAccount } from '../support/staff.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every audit row about an account, oldest first, as (action, by, target). */
async function auditOf(db: Queryable, target: string) {
  return (await db.query<{ action: string; account_id: string | null }>(
    'SELECT action, account_id FROM staff_audit WHERE target = $1 ORDER BY id', [target],
  )).rows.map((row) => ({ action: row.action, by: row.account_id }));
}

describe.each(BACKENDS)('trust from the inside: accounts and sign-in on %s', (backend: Backend) => {
  let server: TestServer;
  let adminA: TestAccount;
  let adminB: TestAccount;
  let clientA: StaffClient;
  let clientB: StaffClient | undefined;
  /** Admin B's browser, signed in at first use (any test may be the first to need the second admin). */
  const secondAdmin = async () => {
    if (!clientB) {
      clientB = new StaffClient(server.url);
      await clientB.signIn(adminB.email);
    }
    return clientB;
  };

  beforeAll(async () => {
    // The route's own per-address limit stays on in production; here it is high so the attack itself is exercised.
    server = await startServer({ backend, charter: staffCharter(), trustProxy: 1, loginRateLimit: 10_000 });
    adminA = await addAccount(server.storage, ['admin'], [], 'Ana Administradora');
    adminB = await addAccount(server.storage, ['admin'], [], 'Bruno Administrador');
    clientA = new StaffClient(server.url);
    await clientA.signIn(adminA.email);
  });
  afterAll(async () => { await server?.close(); });

  const rolesOf = async (id: string) => (await findAccountById(server.storage, id))!.roles;
  const grantRows = async (accountId: string) =>
    (await server.storage.query<{ decision: string | null }>('SELECT decision FROM staff_role_grants WHERE account_id = $1', [accountId])).rows;

  // ------------------------------------------------------------ finding 1: no self-grant, two people for power

  it('refuses an admin who gives itself roles or secretariats, or resets its own second factor (422), and nothing changes', async () => {
    const self = `/api/gestao/accounts/${adminA.account.id}`;
    const power = await clientA.call('PATCH', self, { body: { roles: ['admin', 'controladoria'] } });
    expect(power.status).toBe(422);
    expect(power.body.error).toBe('self_grant');
    expect(power.body.message).toMatch(/não pode mudar os próprios papéis/);
    const secretariats = await clientA.call('PATCH', self, { body: { secretariats: ['agricultura'] } });
    expect(secretariats.status).toBe(422);
    const ownFactor = await clientA.call('POST', `${self}/second-factor/reset`, { body: {} });
    expect(ownFactor.status).toBe(422);
    expect(ownFactor.body.error).toBe('self_second_factor');
    const after = (await findAccountById(server.storage, adminA.account.id))!;
    expect(after.roles).toEqual(['admin']);
    expect(after.secretariats).toEqual([]);
    expect(after.totpEnabled).toBe(true);
    expect(await grantRows(adminA.account.id)).toEqual([]);
    // The session still works: nothing about the account moved.
    expect(await clientA.signedIn()).toBe(true);
  });

  it('a grant of controladoria waits for a second admin: the proposer cannot approve it, another admin does, and both are audited', async () => {
    const { account: target } = await addAccount(server.storage, ['atendente'], ['servicos-publicos'], 'Xavier Servidor');
    const targetClient = new StaffClient(server.url);
    const targetEmail = target.email;
    await targetClient.signIn(targetEmail);

    const proposed = await clientA.call('PATCH', `/api/gestao/accounts/${target.id}`, { body: { roles: ['atendente', 'controladoria'] } });
    expect(proposed.status).toBe(202);
    expect(proposed.body.account.roles).toEqual(['atendente']);
    expect(proposed.body.pendingGrant).toMatchObject({ account: { id: target.id }, roles: ['atendente', 'controladoria'], proposedBy: { id: adminA.account.id } });
    const grantId: string = proposed.body.pendingGrant.id;
    expect(await rolesOf(target.id)).toEqual(['atendente']);

    // The same admin tries to approve its own proposal.
    const own = await clientA.call('POST', `/api/gestao/accounts/grants/${grantId}`, { body: { decision: 'approved' } });
    expect(own.status).toBe(422);
    expect(own.body.error).toBe('own_grant');
    expect(await rolesOf(target.id)).toEqual(['atendente']);
    expect(await grantRows(target.id)).toEqual([{ decision: null }]);
    expect(await targetClient.signedIn()).toBe(true);

    // Another admin signs in, sees it in "O que mudou nas contas", approves.
    const b = await secondAdmin();
    const changes = await b.call('GET', '/api/gestao/accounts/changes');
    expect(changes.status).toBe(200);
    expect(changes.body.pending.map((g: { id: string }) => g.id)).toContain(grantId);
    expect(changes.body.changes).toContainEqual(expect.objectContaining({ action: 'grant_proposed', by: { id: adminA.account.id, name: 'Ana Administradora' }, target: { id: target.id, name: 'Xavier Servidor' } }));
    const approved = await b.call('POST', `/api/gestao/accounts/grants/${grantId}`, { body: { decision: 'approved' } });
    expect(approved.status).toBe(200);
    expect(await rolesOf(target.id)).toEqual(['atendente', 'controladoria']);
    // What the account may do is read again at sign-in: its sessions ended.
    expect(await targetClient.signedIn()).toBe(false);
    expect(await auditOf(server.storage, target.id)).toEqual([
      { action: 'grant_proposed', by: adminA.account.id },
      { action: 'grant_approved', by: adminB.account.id },
    ]);
    // Decided once: approving again is refused.
    expect((await b.call('POST', `/api/gestao/accounts/grants/${grantId}`, { body: { decision: 'approved' } })).status).toBe(404);
  });

  it('a new account asked with admin starts without it; a second admin can refuse the grant, and then it never holds it', async () => {
    const email = `nova.admin.${randomBytes(3).toString('hex')}@pmvc.ba.gov.br`;
    const created = await clientA.call('POST', '/api/gestao/accounts', { body: { email, name: 'Nova Admin', roles: ['admin'], secretariats: [] } });
    expect(created.status).toBe(201);
    expect(created.body.account.roles).toEqual([]);
    expect(created.body.pendingGrant.roles).toEqual(['admin']);
    const id: string = created.body.account.id;
    const refused = await (await secondAdmin()).call('POST', `/api/gestao/accounts/grants/${created.body.pendingGrant.id}`, { body: { decision: 'refused' } });
    expect(refused.status).toBe(200);
    expect(await rolesOf(id)).toEqual([]);
    expect(await grantRows(id)).toEqual([{ decision: 'refused' }]);
    expect(await auditOf(server.storage, id)).toEqual([
      { action: 'account_created', by: adminA.account.id },
      { action: 'grant_proposed', by: adminA.account.id },
      { action: 'grant_refused', by: adminB.account.id },
    ]);
  });

  it('other roles change at once, audited as roles_changed', async () => {
    const { account } = await addAccount(server.storage, ['atendente']);
    const changed = await clientA.call('PATCH', `/api/gestao/accounts/${account.id}`, { body: { roles: ['gestor'] } });
    expect(changed.status).toBe(200);
    expect(await rolesOf(account.id)).toEqual(['gestor']);
    expect(await auditOf(server.storage, account.id)).toEqual([{ action: 'roles_changed', by: adminA.account.id }]);
  });

  it('refuses an account name with NUL or a lone surrogate (422 in pt-BR) and creates nothing', async () => {
    for (const name of ['Nome\u0000Oculto', 'Nome \uD800 quebrado']) {
      const email = `nul.${randomBytes(3).toString('hex')}@pmvc.ba.gov.br`;
      const answer = await clientA.call('POST', '/api/gestao/accounts', { body: { email, name, roles: ['atendente'], secretariats: [] } });
      expect(answer.status).toBe(422);
      expect(answer.body.fields.name).toBe('O nome contém um caractere inválido.');
      expect(await findAccountByEmail(server.storage, email)).toBeNull();
    }
    const { account } = await addAccount(server.storage, ['atendente'], [], 'Nome Certo');
    expect((await clientA.call('PATCH', `/api/gestao/accounts/${account.id}`, { body: { name: 'Nome\u0000' } })).status).toBe(422);
    expect((await findAccountById(server.storage, account.id))!.name).toBe('Nome Certo');
  });

  // ------------------------------------------------------------ findings 2 and 3: outsiders cannot lock staff out

  it('the owner signs in with the right password while 50 wrong ones arrive from 10 other addresses in parallel; only then the account is locked for unknown addresses, with a notice to the admins', async () => {
    const owner = await addAccount(server.storage, ['atendente'], ['servicos-publicos'], 'Olga Dona da Conta');
    const ownerDesk = new StaffClient(server.url);
    await ownerDesk.signIn(owner.email); // a known address and device from an earlier day
    await ownerDesk.call('DELETE', '/api/gestao/session');

    // Ten outsiders, each from its own real source address (127.0.0.2 … 127.0.0.11), five guesses each, all at once.
    const attackers = Array.from({ length: THROTTLE.lockAddresses }, (_, i) => `127.0.0.${i + 2}`);
    const perAddress = THROTTLE.lockFailures / THROTTLE.lockAddresses;
    const wrong = attackers.flatMap((address) => Array.from({ length: perAddress }, (_, i) => loginFromAddress(server.url, address, owner.email, `chute errado numero ${i}`)));
    const [ownerAnswer, ...attack] = await Promise.all([ownerDesk.login(owner.email), ...wrong]);
    expect(ownerAnswer.status).toBe(200);
    expect(ownerAnswer.body.stage).toBe('signed_in');
    expect(attack).toHaveLength(50);
    expect(attack.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    expect(attack.some((a) => a.setCookies.some((c) => c.startsWith('gestao=')))).toBe(false);

    // All 50 counted, from 10 addresses: the account is locked, for unknown addresses only.
    const counted = await server.storage.query<{ failures: number; addresses: number }>(
      'SELECT sum(failures)::int AS failures, count(*)::int AS addresses FROM staff_login_throttle WHERE email_hash = $1', [sha256(owner.email)],
    );
    expect(counted.rows[0]).toEqual({ failures: 50, addresses: 10 });
    const stranger = await new StaffClient(server.url).login(owner.email);
    expect(stranger.status).toBe(429);
    expect(stranger.body.error).toBe('locked');
    // The owner still gets in from the known address, and with the known device from a new address.
    expect((await ownerDesk.login(owner.email)).status).toBe(200);
    const ownerPhone = new StaffClient(server.url);
    ownerPhone.deviceToken = ownerDesk.deviceToken;
    expect((await ownerPhone.login(owner.email)).status).toBe(200);
    // One notice, shown to the admins in "O que mudou nas contas".
    expect((await auditOf(server.storage, owner.account.id)).filter((e) => e.action === 'login_lockout')).toEqual([{ action: 'login_lockout', by: null }]);
    const changes = await (await secondAdmin()).call('GET', '/api/gestao/accounts/changes');
    expect(changes.body.changes).toContainEqual(expect.objectContaining({ action: 'login_lockout', target: { id: owner.account.id, name: 'Olga Dona da Conta' } }));
  });

  it('counts 20 parallel wrong passwords from one address as 20 (one atomic upsert, no read-then-write)', async () => {
    const victim = await addAccount(server.storage, ['atendente']);
    const attacker = '127.0.0.12';
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => loginFromAddress(server.url, attacker, victim.email, `senha errada em paralelo ${i}`)));
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    const row = await server.storage.query<{ failures: number }>('SELECT failures FROM staff_login_throttle WHERE email_hash = $1', [sha256(victim.email)]);
    expect(row.rows).toEqual([{ failures: 20 }]);
    // That address now waits, even with the right password; the account is not locked (one address), so the owner elsewhere signs in.
    expect((await loginFromAddress(server.url, attacker, victim.email, STAFF_PASSWORD)).status).toBe(429);
    expect((await new StaffClient(server.url).login(victim.email)).status).toBe(200);
  });

  // ------------------------------------------------------------ finding 4: the second factor

  const enrolledControladoria = async () => {
    const account = await addAccount(server.storage, ['controladoria'], [], 'Clara Controladora');
    const client = new StaffClient(server.url);
    await client.signIn(account.email);
    return { account, secret: client.totpSecret! };
  };

  it('ends a session after 5 wrong codes: the 6th try and even the right code then need the password again', async () => {
    const { account, secret } = await enrolledControladoria();
    const guesser = new StaffClient(server.url);
    expect((await guesser.login(account.email)).body.stage).toBe('totp');
    const sessionToken = guesser.token!;
    // Six codes that no step near now makes (the guesser's luck is not the point here).
    const valid = new Set([-2, -1, 0, 1, 2].map((k) => totpCode(secret, Date.now() + k * 30_000)));
    const wrongCodes = Array.from({ length: 100 }, (_, i) => String(100_000 + i * 7919)).filter((code) => !valid.has(code)).slice(0, 6);
    const answers = [];
    for (const code of wrongCodes) answers.push(await guesser.call('POST', '/api/gestao/session/totp', { body: { code } }));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(answers.map((a) => a.body.error)).toEqual(['bad_code', 'bad_code', 'bad_code', 'bad_code', 'too_many_codes', 'unauthenticated']);
    expect(answers[4]!.body.message).toBe('Muitos códigos errados. Por segurança, entre de novo com o seu e-mail e senha.');
    guesser.token = sessionToken;
    expect((await guesser.call('POST', '/api/gestao/session/totp', { body: { code: await unusedTotpCode(secret) } })).status).toBe(401);
    const ended = await server.storage.query<{ ended_at: Date | null; second_factor: boolean }>('SELECT ended_at, second_factor FROM staff_sessions WHERE id = $1', [sessionIdOf(sessionToken)]);
    expect(ended.rows[0]!.ended_at).not.toBeNull();
    expect(ended.rows[0]!.second_factor).toBe(false);
  });

  it('accepts a code once: the same code sent by two sessions at once opens only one', async () => {
    const { account, secret } = await enrolledControladoria();
    const first = new StaffClient(server.url);
    const second = new StaffClient(server.url);
    await first.login(account.email);
    await second.login(account.email);
    // The next step's code: the enrolment took the current one.
    const code = totpCode(secret, Date.now() + 30_000);
    const answers = await Promise.all([first, second].map((c) => c.call('POST', '/api/gestao/session/totp', { body: { code } })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    expect(answers.find((a) => a.status === 401)!.body.error).toBe('bad_code');
    expect([await first.signedIn(), await second.signedIn()].sort()).toEqual([false, true]);
  });

  it('refuses to enrol a second factor without the password, with a stolen session cookie', async () => {
    const victim = await addAccount(server.storage, ['atendente']);
    const owner = new StaffClient(server.url);
    await owner.signIn(victim.email);
    const thief = new StaffClient(server.url);
    thief.token = owner.token;
    thief.csrf = owner.csrf;
    const none = await thief.call('POST', '/api/gestao/totp/enrolment', { body: {} });
    expect(none.status).toBe(422);
    const wrong = await thief.call('POST', '/api/gestao/totp/enrolment', { body: { password: 'um palpite qualquer 2026' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('bad_password');
    const after = (await findAccountById(server.storage, victim.account.id))!;
    expect(after.totpSecret).toBeNull();
    expect(after.totpEnabled).toBe(false);
    // The owner, who knows the password, can.
    expect((await owner.call('POST', '/api/gestao/totp/enrolment', { body: { password: STAFF_PASSWORD } })).status).toBe(200);
  });

  it('an admin resets a colleague\'s second factor: audited, the colleague\'s sessions end, and the next sign-in enrols again', async () => {
    const { account } = await enrolledControladoria();
    const colleague = new StaffClient(server.url);
    colleague.totpSecret = (await findAccountById(server.storage, account.account.id))!.totpSecret;
    await colleague.signIn(account.email);
    const reset = await clientA.call('POST', `/api/gestao/accounts/${account.account.id}/second-factor/reset`, { body: {} });
    expect(reset.status).toBe(200);
    expect(reset.body.account.totpEnabled).toBe(false);
    expect(await colleague.signedIn()).toBe(false);
    const row = (await findAccountById(server.storage, account.account.id))!;
    expect(row.totpSecret).toBeNull();
    expect(await auditOf(server.storage, account.account.id)).toContainEqual({ action: 'totp_reset', by: adminA.account.id });
    expect((await new StaffClient(server.url).login(account.email)).body.stage).toBe('enrol');
  });

  it('one admin cannot both set a colleague\'s password and clear their second factor (taking over a controladoria account takes two admins)', async () => {
    const { account } = await enrolledControladoria();
    const target = `/api/gestao/accounts/${account.account.id}`;
    // The attacker's steps: a new password link for the colleague, then the colleague's second factor cleared.
    const firstLink = await clientA.call('POST', `${target}/reset-link`, { body: {} });
    expect(firstLink.status).toBe(200);
    const reset = await clientA.call('POST', `${target}/second-factor/reset`, { body: {} });
    expect(reset.status).toBe(422);
    expect(reset.body.error).toBe('takeover');
    expect(reset.body.message).toMatch(/Outra pessoa da administração/);
    const row = (await findAccountById(server.storage, account.account.id))!;
    expect(row.totpEnabled).toBe(true);
    expect(row.totpSecret).not.toBeNull();
    expect(await auditOf(server.storage, account.account.id)).not.toContainEqual({ action: 'totp_reset', by: adminA.account.id });
    // In the other order too: B clears the second factor, then B may not make the password link.
    const adminBClient = await secondAdmin();
    expect((await adminBClient.call('POST', `${target}/second-factor/reset`, { body: {} })).status).toBe(200);
    // A's link, made before B cleared the factor, no longer sets a password: B's act never completes A's.
    const used = await new StaffClient(server.url).call('POST', '/api/gestao/password', { body: { token: firstLink.body.link.split('#')[1], password: 'uma frase nova e comprida do atacante' } });
    expect(used.status).toBe(400);
    const link = await adminBClient.call('POST', `${target}/reset-link`, { body: {} });
    expect(link.status).toBe(422);
    expect(link.body.error).toBe('takeover');
  });

  // ------------------------------------------------------------ finding 11: passwords and reset links

  const newLink = async (accountId: string) => {
    const answer = await clientA.call('POST', `/api/gestao/accounts/${accountId}/reset-link`, { body: {} });
    expect(answer.status).toBe(200);
    return answer.body.link.split('#')[1] as string;
  };
  const hashOf = async (id: string) => (await findAccountById(server.storage, id))!.passwordHash;

  it('refuses common passwords (conquista123, conquista2024, senha12345678) in pt-BR, and the link still works for a good one', async () => {
    const { account } = await addAccount(server.storage, ['atendente']);
    const token = await newLink(account.id);
    const before = await hashOf(account.id);
    for (const password of ['conquista123', 'conquista2024', 'senha12345678']) {
      const answer = await new StaffClient(server.url).call('POST', '/api/gestao/password', { body: { token, password } });
      expect(answer.status, password).toBe(422);
      expect(answer.body.error).toBe('weak_password');
      expect(answer.body.message).toMatch(/fácil de adivinhar/);
    }
    expect(await hashOf(account.id)).toBe(before);
    expect((await new StaffClient(server.url).call('POST', '/api/gestao/password', { body: { token, password: 'rio pardo ao amanhecer lento' } })).status).toBe(200);
  });

  it('a new reset link cancels the older unused one', async () => {
    const { account } = await addAccount(server.storage, ['atendente']);
    const older = await newLink(account.id);
    const newer = await newLink(account.id);
    const before = await hashOf(account.id);
    const stale = await new StaffClient(server.url).call('POST', '/api/gestao/password', { body: { token: older, password: 'rio pardo ao amanhecer lento' } });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('bad_link');
    expect(await hashOf(account.id)).toBe(before);
    expect((await new StaffClient(server.url).call('POST', '/api/gestao/password', { body: { token: newer, password: 'rio pardo ao amanhecer lento' } })).status).toBe(200);
  });
});

describe.each(BACKENDS)('staff:grant, the single admin\'s way, on %s', (backend: Backend) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let schema: string | undefined;
  const run = (script: string, ...args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/cli', script), ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'conecta-grant-'));
    schema = backend === 'postgres' ? `test_grant_${randomBytes(5).toString('hex')}` : undefined;
    env = { ...process.env, DATA_DIR: dir, DATABASE_URL: backend === 'postgres' ? process.env.TEST_DATABASE_URL : '', DATABASE_SCHEMA: schema ?? '' };
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  });

  it('adds controladoria from the command line, audited as done by the command line (no account)', async () => {
    const added = await run('staff-add.ts', '--email', 'unica.admin@pmvc.ba.gov.br', '--name', 'Única Admin', '--role', 'admin');
    expect(added.code, added.stderr).toBe(0);
    const unknown = await run('staff-grant.ts', '--email', 'ninguem@pmvc.ba.gov.br', '--role', 'controladoria');
    expect(unknown.code).toBe(1);
    const granted = await run('staff-grant.ts', '--email', 'unica.admin@pmvc.ba.gov.br', '--role', 'controladoria');
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain('admin, controladoria');
    const storage = await openStorage({ dataDir: dir, databaseUrl: env.DATABASE_URL, schema });
    try {
      const account = (await findAccountByEmail(storage, 'unica.admin@pmvc.ba.gov.br'))!;
      expect(account.roles).toEqual(['admin', 'controladoria']);
      expect(await auditOf(storage, account.id)).toEqual([
        { action: 'account_created_cli', by: null },
        { action: 'cli_grant', by: null },
      ]);
    } finally {
      await storage.close();
    }
    // Three CLI processes, each opening the database: minutes on a busy shared machine, not seconds.
  }, 240_000);
});
