/**
 * The admin's pages: accounts (create, change role and secretariats, disable, a reset link, a colleague's
 * second factor), two-person grants, "O que mudou nas contas", and charter import.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CharterSchema } from '../../../shared/contract/charter.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { UuidSchema } from '../../../shared/contract/primitives.ts';
import { AccountChangeSchema, GrantDecisionSchema, NewAccountSchema, type StaffRole } from '../../../shared/contract/staff.ts';
import { HttpError, apiError, parsed } from '../../http/api-errors.ts';
import type { CharterCache } from '../../domain/current-charter.ts';
import { FormVersionConflictError, installCharter } from '../../storage/charter-store.ts';
import type { Storage } from '../../storage/types.ts';
import {
  createAccount, createResetToken, findAccountByEmail, findAccountById, listAccounts, publicAccount, resetSecondFactor, updateAccount,
} from '../../storage/accounts.ts';
import { audit } from '../../domain/audit.ts';
import { didLately } from '../../storage/audit-log.ts';
import { accountChangesSince, decideGrant, findPendingGrant, pendingGrants, POWER_ROLES, powerAdded, proposeGrant } from '../../domain/grants.ts';

/** The link a person opens to choose a password: the back office's page, with the one-time token. */
function resetLink(request: FastifyRequest, token: string): string {
  return `${request.protocol}://${request.headers.host}/gestao/senha#${token}`;
}

/** The acts that set a password for an account, and the one that clears its second factor. */
const PASSWORD_ACTS = ['reset_link_created', 'account_created'] as const;
const SECOND_FACTOR_ACTS = ['totp_reset'] as const;
/** How long one admin's password link and the same admin's second-factor reset may not meet on one account. */
const TAKEOVER_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * Taking over an account needs a new password AND a new second factor: one admin alone may give only one
 * of them to the same account within seven days, so becoming a colleague (a controladoria account that
 * approves one's own reveal request) takes two admins.
 */
async function refuseTakeoverBy(storage: Storage, request: FastifyRequest, target: string, otherActs: readonly string[]): Promise<void> {
  if (await didLately(storage, request.actor.accountId, otherActs, target, new Date(Date.now() - TAKEOVER_WINDOW_MS))) {
    throw new HttpError(422, apiError('takeover', 'Outra pessoa da administração precisa fazer esta etapa: quem gerou o link de senha desta conta não redefine o segundo fator dela, e vice-versa.'));
  }
}

const notFound = () => new HttpError(404, apiError('not_found', 'Conta não encontrada.'));

function accountIdOf(request: FastifyRequest<{ Params: { id: string } }>): string {
  if (!parseContract(UuidSchema, request.params.id).ok) throw notFound();
  return request.params.id;
}

export function accountRoutes(app: FastifyInstance, { storage, charters }: { storage: Storage; charters: CharterCache }): void {
  accountListRoutes(app, storage);
  credentialRoutes(app, storage);
  grantRoutes(app, storage);
  charterImportRoute(app, storage, charters);
}

/** The list of accounts, a new account and a change to one. */
function accountListRoutes(app: FastifyInstance, storage: Storage): void {
  app.get('/accounts', { config: { access: 'accounts.manage' } }, async () => ({ accounts: (await listAccounts(storage)).map(publicAccount) }));

  // A new account with admin, controladoria or ouvidoria starts without them: they wait for a second admin.
  app.post('/accounts', { config: { access: 'accounts.manage' } }, async (request, reply) => {
    const input = parsed(parseContract(NewAccountSchema, request.body));
    if (await findAccountByEmail(storage, input.email)) throw new HttpError(409, apiError('email_taken', 'Já existe uma conta com este e-mail.'));
    const needsSecond = powerAdded([], input.roles).length > 0;
    const created = await storage.transaction(async (tx) => {
      const account = await createAccount(tx, { ...input, roles: input.roles.filter((role) => !POWER_ROLES.includes(role)) });
      const link = await createResetToken(tx, account.id, request.actor.accountId);
      await audit(tx, request.actor, 'account_created', { target: account.id });
      const grantId = needsSecond ? await proposeGrant(tx, request.actor, { accountId: account.id, roles: input.roles, secretariats: input.secretariats }) : null;
      return { account, link, grantId };
    });
    const pendingGrant = created.grantId ? await findPendingGrant(storage, created.grantId) : null;
    reply.code(201);
    // The link to choose a first password is shown once, here, and never stored in clear.
    return {
      account: publicAccount(created.account), link: resetLink(request, created.link.token), expiresAt: created.link.expiresAt.toISOString(),
      ...(pendingGrant ? { pendingGrant } : {}),
    };
  });

  app.patch<{ Params: { id: string } }>('/accounts/:id', { config: { access: 'accounts.manage' } }, async (request, reply) => {
    const id = accountIdOf(request);
    const change = parsed(parseContract(AccountChangeSchema, request.body));
    const current = await findAccountById(storage, id);
    if (!current) throw notFound();
    const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
    const rolesChange = change.roles && !sameSet(change.roles, current.roles);
    const secretariatsChange = change.secretariats && !sameSet(change.secretariats, current.secretariats);
    if (id === request.actor.accountId) {
      if (change.disabled) throw new HttpError(422, apiError('self_lockout', 'Você não pode desativar a própria conta.'));
      if (rolesChange || secretariatsChange) {
        throw new HttpError(422, apiError('self_grant', 'Você não pode mudar os próprios papéis nem as próprias secretarias. Peça a outra pessoa da administração.'));
      }
    }
    const nextRoles: StaffRole[] = change.roles ?? current.roles;
    if (powerAdded(current.roles, nextRoles).length) {
      // The name and the on/off switch apply now; the roles wait for a second admin.
      const { roles: _r, secretariats: _s, ...now } = change;
      let grantId = '';
      const account = await updateAccount(storage, id, now, async (tx) => {
        if (now.name !== undefined || now.disabled !== undefined) await audit(tx, request.actor, now.disabled ? 'account_disabled' : 'account_changed', { target: id });
        grantId = await proposeGrant(tx, request.actor, { accountId: id, roles: nextRoles, secretariats: change.secretariats ?? current.secretariats });
      });
      reply.code(202);
      return { account: publicAccount(account!), pendingGrant: await findPendingGrant(storage, grantId) };
    }
    const action = change.disabled ? 'account_disabled' : rolesChange || secretariatsChange ? 'roles_changed' : 'account_changed';
    const account = await updateAccount(storage, id, change, (tx) => audit(tx, request.actor, action, { target: id }));
    if (!account) throw notFound();
    return { account: publicAccount(account) };
  });
}

/** A password link and a colleague's second factor: what lets someone into an account. */
function credentialRoutes(app: FastifyInstance, storage: Storage): void {
  app.post<{ Params: { id: string } }>('/accounts/:id/reset-link', { config: { access: 'accounts.manage' } }, async (request) => {
    const id = accountIdOf(request);
    if (!await findAccountById(storage, id)) throw notFound();
    await refuseTakeoverBy(storage, request, id, SECOND_FACTOR_ACTS);
    const { token, expiresAt } = await storage.transaction(async (tx) => {
      const link = await createResetToken(tx, id, request.actor.accountId);
      await audit(tx, request.actor, 'reset_link_created', { target: id });
      return link;
    });
    return { link: resetLink(request, token), expiresAt: expiresAt.toISOString() };
  });

  // A colleague who lost their phone: the secret goes, their sessions end, and they enrol again at the next sign-in.
  app.post<{ Params: { id: string } }>('/accounts/:id/second-factor/reset', { config: { access: 'accounts.manage' } }, async (request) => {
    const id = accountIdOf(request);
    if (id === request.actor.accountId) {
      throw new HttpError(422, apiError('self_second_factor', 'Você não pode redefinir o próprio segundo fator. Peça a outra pessoa da administração.'));
    }
    if (!await findAccountById(storage, id)) throw notFound();
    await refuseTakeoverBy(storage, request, id, PASSWORD_ACTS);
    await storage.transaction(async (tx) => {
      await resetSecondFactor(tx, id);
      await audit(tx, request.actor, 'totp_reset', { target: id });
    });
    return { account: publicAccount((await findAccountById(storage, id))!) };
  });
}

/** Two-person grants and "O que mudou nas contas". */
function grantRoutes(app: FastifyInstance, storage: Storage): void {
  app.get('/accounts/grants', { config: { access: 'accounts.manage' } }, async () => ({ grants: await pendingGrants(storage) }));

  app.post<{ Params: { id: string } }>('/accounts/grants/:id', { config: { access: 'accounts.manage' } }, async (request) => {
    if (!parseContract(UuidSchema, request.params.id).ok) throw new HttpError(404, apiError('not_found', 'Pedido de papel não encontrado ou já decidido.'));
    const { decision } = parsed(parseContract(GrantDecisionSchema, request.body));
    const result = await decideGrant(storage, { ...request.actor }, request.params.id, decision);
    if (result === 'own_grant') {
      throw new HttpError(422, apiError('own_grant', 'Quem propôs este papel, ou quem o receberia, não pode aprová-lo. Outra pessoa da administração precisa aprovar.'));
    }
    if (result === 'not_found') throw new HttpError(404, apiError('not_found', 'Pedido de papel não encontrado ou já decidido.'));
    return { ok: true };
  });

  app.get('/accounts/changes', { config: { access: 'accounts.manage' } }, async (request) => ({
    ...await accountChangesSince(storage, request.actor.accountId),
    pending: await pendingGrants(storage),
  }));
}

/** The same validation and error report as `npm run charter:import`. */
function charterImportRoute(app: FastifyInstance, storage: Storage, charters: CharterCache): void {
  app.post('/charter', { config: { access: 'charter.import' }, bodyLimit: 20 * 1024 * 1024 }, async (request) => {
    const result = parseContract(CharterSchema, request.body, { maxErrors: Infinity });
    if (!result.ok) throw new HttpError(422, apiError('invalid_charter', 'A Carta de Serviços tem problemas; nada foi mudado.', result.fields));
    try {
      const installed = await installCharter(storage, result.value, (tx) => audit(tx, request.actor, 'charter_imported', { target: result.value.version }));
      await charters.current();
      return { version: installed.version, installed: installed.installed, newFormVersions: installed.newFormVersions, services: result.value.services.length };
    } catch (error) {
      if (error instanceof FormVersionConflictError) {
        const fields = Object.fromEntries(error.conflicts.map((c) => [`forms.${c.formId} (versão ${c.version})`, 'Esta versão já foi publicada com outro conteúdo: dê a ela um número de versão novo.']));
        throw new HttpError(422, apiError('form_version_conflict', 'Um formulário mudou sem mudar de versão; nada foi mudado.', fields));
      }
      throw error;
    }
  });
}
