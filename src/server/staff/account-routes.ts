/** The admin's pages: accounts (create, change role and secretariats, disable, a reset link) and charter import. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CharterSchema, parseContract, UuidSchema } from '../../shared/schemas.ts';
import { AccountChangeSchema, NewAccountSchema } from '../../shared/staff.ts';
import { HttpError, apiError } from '../api-errors.ts';
import type { CharterCache } from '../current-charter.ts';
import { FormVersionConflictError, installCharter } from '../storage/charter-store.ts';
import type { Storage } from '../storage/types.ts';
import { createAccount, createResetToken, findAccountByEmail, listAccounts, publicAccount, updateAccount } from './accounts.ts';
import { audit } from './audit.ts';

const who = (request: FastifyRequest) => ({ accountId: request.staff!.account.id, sessionId: request.staff!.session.id });

function parsed<T>(result: { ok: true; value: T } | { ok: false; fields: Record<string, string> }): T {
  if (!result.ok) throw new HttpError(422, apiError('invalid_request', 'Confira os dados informados.', result.fields));
  return result.value;
}

/** The link a person opens to choose a password: the back office's page, with the one-time token. */
function resetLink(request: FastifyRequest, token: string): string {
  return `${request.protocol}://${request.headers.host}/gestao/senha#${token}`;
}

export function accountRoutes(app: FastifyInstance, { storage, charters }: { storage: Storage; charters: CharterCache }): void {
  app.get('/accounts', { config: { access: 'accounts.manage' } }, async () => ({ accounts: (await listAccounts(storage)).map(publicAccount) }));

  app.post('/accounts', { config: { access: 'accounts.manage' } }, async (request, reply) => {
    const input = parsed(parseContract(NewAccountSchema, request.body));
    if (await findAccountByEmail(storage, input.email)) throw new HttpError(409, apiError('email_taken', 'Já existe uma conta com este e-mail.'));
    const account = await createAccount(storage, input);
    const { token, expiresAt } = await createResetToken(storage, account.id, request.staff!.account.id);
    await audit(storage, who(request), 'account_created', { target: account.id });
    reply.code(201);
    // The link to choose a first password is shown once, here, and never stored in clear.
    return { account: publicAccount(account), link: resetLink(request, token), expiresAt: expiresAt.toISOString() };
  });

  app.patch<{ Params: { id: string } }>('/accounts/:id', { config: { access: 'accounts.manage' } }, async (request) => {
    if (!parseContract(UuidSchema, request.params.id).ok) throw new HttpError(404, apiError('not_found', 'Conta não encontrada.'));
    const change = parsed(parseContract(AccountChangeSchema, request.body));
    if (request.params.id === request.staff!.account.id && (change.disabled || (change.roles && !change.roles.includes('admin')))) {
      throw new HttpError(422, apiError('self_lockout', 'Você não pode desativar a própria conta nem tirar dela o papel de administração.'));
    }
    const account = await updateAccount(storage, request.params.id, change);
    if (!account) throw new HttpError(404, apiError('not_found', 'Conta não encontrada.'));
    await audit(storage, who(request), change.disabled ? 'account_disabled' : 'account_changed', { target: account.id });
    return { account: publicAccount(account) };
  });

  app.post<{ Params: { id: string } }>('/accounts/:id/reset-link', { config: { access: 'accounts.manage' } }, async (request) => {
    if (!parseContract(UuidSchema, request.params.id).ok) throw new HttpError(404, apiError('not_found', 'Conta não encontrada.'));
    const accounts = await listAccounts(storage);
    if (!accounts.some((a) => a.id === request.params.id)) throw new HttpError(404, apiError('not_found', 'Conta não encontrada.'));
    const { token, expiresAt } = await createResetToken(storage, request.params.id, request.staff!.account.id);
    await audit(storage, who(request), 'reset_link_created', { target: request.params.id });
    return { link: resetLink(request, token), expiresAt: expiresAt.toISOString() };
  });

  // The same validation and error report as `npm run charter:import`.
  app.post('/charter', { config: { access: 'charter.import' }, bodyLimit: 20 * 1024 * 1024 }, async (request) => {
    const result = parseContract(CharterSchema, request.body, { maxErrors: Infinity });
    if (!result.ok) throw new HttpError(422, apiError('invalid_charter', 'A Carta de Serviços tem problemas; nada foi mudado.', result.fields));
    try {
      const installed = await installCharter(storage, result.value);
      await audit(storage, who(request), 'charter_imported', { target: result.value.version });
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
