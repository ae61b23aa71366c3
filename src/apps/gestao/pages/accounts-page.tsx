/**
 * /gestao/contas — the admin's accounts: the grants waiting for a second admin, the list, a new account
 * (its one-time link to choose a password is shown once, with a copy button), roles and secretariats,
 * disabling, a new password link and a colleague's second factor reset. Any change of roles or
 * secretariats, and disabling, ends that person's sessions (the server does it). Administração,
 * Controladoria and Ouvidoria wait for another admin's approval; nobody changes their own roles.
 */
import { useState } from 'preact/hooks';
import { parseContract } from '../../../shared/contract/parse.ts';
import {
  AccountAnswerSchema, AccountChangeSchema, AccountCreatedSchema, AccountListSchema, NewAccountSchema, ROLE_LABELS, ROLES_NEEDING_APPROVAL, ResetLinkSchema,
  STAFF_ROLES, type CharterDirectory, type PendingGrant, type StaffAccount, type StaffRole,
} from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { api } from '../api.ts';
import { secretariatName, useDirectory } from '../directory.ts';
import { useSession } from '../session.ts';
import { useAction, type Action } from '../ui/action.tsx';
import { announce } from '../ui/announce.ts';
import { PendingGrants, useAccountChanges } from '../ui/account-changes.tsx';
import { OneTimeLink } from '../ui/copy-link.tsx';
import { FormError, TextField, focusFirstInvalid, inputValue } from '../ui/fields.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { useLoad } from '../ui/use-load.ts';
import { ROLE_DESCRIPTIONS } from '../ui/words.ts';

const LABELS = { email: 'E-mail', name: 'Nome', roles: 'Papéis', secretariats: 'Secretarias' };

export default function AccountsPage(_props: PageProps) {
  useStaffPageTitle('Contas');
  const directory = useDirectory();
  const { value: accounts, failure, reload: reloadAccounts } = useLoad(async () => (await api(AccountListSchema, '/api/gestao/accounts')).accounts, []);
  const watch = useAccountChanges();
  const reload = async () => {
    await reloadAccounts();
    await watch.reload();
  };

  return (
    <div class="page stack">
      <h1>Contas</h1>
      <p>Quem trabalha na gestão, com que papel e em quais secretarias. A pessoa escolhe a própria senha por um link que só vale uma vez.</p>
      {watch.value && <PendingGrants grants={watch.value.pending} onDecided={() => void reload()} />}
      <NewAccount directory={directory} onCreated={() => void reload()} />
      <section class="section stack" aria-labelledby="lista-contas">
        <h2 id="lista-contas">Contas existentes</h2>
        {failure && <p class="notice notice-error" role="alert">{failure.message}</p>}
        {!accounts && !failure && <p>Carregando…</p>}
        {accounts && (
          <ul class="card-list account-list" data-testid="accounts">
            {accounts.map((account) => <AccountItem key={account.id} account={account} directory={directory} onChanged={() => void reload()} />)}
          </ul>
        )}
      </section>
    </div>
  );
}

function RoleChoices({ id, chosen, onChange, error }: { id: string; chosen: readonly StaffRole[]; onChange: (roles: StaffRole[]) => void; error?: string | undefined }) {
  return (
    <fieldset class="field" aria-describedby={error ? `${id}-erro` : undefined}>
      <legend>Papéis</legend>
      {error && <p id={`${id}-erro`} class="field-error">{error}</p>}
      <ul class="checklist">
        {STAFF_ROLES.map((role) => (
          <li key={role}>
            <input id={`${id}-${role}`} type="checkbox" checked={chosen.includes(role)} aria-describedby={`${id}-${role}-dica`}
              onChange={(event) => onChange((event.currentTarget as HTMLInputElement).checked ? [...chosen, role] : chosen.filter((r) => r !== role))} />
            <label for={`${id}-${role}`}>
              {ROLE_LABELS[role]}
              <span id={`${id}-${role}-dica`} class="field-hint">
                {ROLE_DESCRIPTIONS[role]}{ROLES_NEEDING_APPROVAL.includes(role) ? ' Dar este papel precisa da aprovação de outra pessoa da administração.' : ''}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function SecretariatChoices({ id, chosen, onChange, directory }: { id: string; chosen: readonly string[]; onChange: (ids: string[]) => void; directory: CharterDirectory | null }) {
  const known = directory?.secretariats ?? [];
  // Ids held by the account but no longer in the charter stay visible, so they can be taken away.
  const all = [...known, ...chosen.filter((s) => !known.some((k) => k.id === s)).map((s) => ({ id: s, name: s }))];
  return (
    <fieldset class="field">
      <legend>Secretarias</legend>
      <p class="field-hint">Atendentes e gestores veem só os pedidos destas secretarias.</p>
      <ul class="checklist">
        {all.map((s) => (
          <li key={s.id}>
            <input id={`${id}-${s.id}`} type="checkbox" checked={chosen.includes(s.id)}
              onChange={(event) => onChange((event.currentTarget as HTMLInputElement).checked ? [...chosen, s.id] : chosen.filter((x) => x !== s.id))} />
            <label for={`${id}-${s.id}`}>{s.name}</label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** What an admin reads when a role waits for a second admin. */
function waitingWords(grant: PendingGrant): string {
  const roles = grant.roles.filter((role) => ROLES_NEEDING_APPROVAL.includes(role)).map((role) => ROLE_LABELS[role]).join(', ');
  return `${roles} para ${grant.account.name} precisa da aprovação de outra pessoa da administração: a proposta está em “Papéis esperando aprovação”.`;
}

function NewAccount({ directory, onCreated }: { directory: CharterDirectory | null; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<StaffRole[]>([]);
  const [secretariats, setSecretariats] = useState<string[]>([]);
  const action = useAction();
  const [created, setCreated] = useState<{ name: string; link: string; expiresAt: string; pending?: PendingGrant } | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (action.busy) return;
    const parsed = parseContract(NewAccountSchema, { email, name, roles, secretariats });
    if (!parsed.ok) {
      action.setFailure({ message: 'Confira os dados da nova conta.', fields: parsed.fields });
      focusFirstInvalid(event.currentTarget);
      return;
    }
    setCreated(null);
    // What happened is announced (the link follows the form), so the action's own result stays empty.
    await action.run(async () => {
      const answer = await api(AccountCreatedSchema, '/api/gestao/accounts', { method: 'POST', body: parsed.value });
      setCreated({ name: answer.account.name, link: answer.link, expiresAt: answer.expiresAt, ...(answer.pendingGrant ? { pending: answer.pendingGrant } : {}) });
      announce(`Conta criada para ${answer.account.name}.${answer.pendingGrant ? ` ${waitingWords(answer.pendingGrant)}` : ''} O link para escolher a senha está logo abaixo do formulário.`);
      setName('');
      setEmail('');
      setRoles([]);
      setSecretariats([]);
      onCreated();
      return '';
    });
  };
  const fieldError = (key: string) => action.failure?.fields?.[key];

  return (
    <section class="section stack" aria-labelledby="nova-conta">
      <h2 id="nova-conta">Nova conta</h2>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={LABELS} />
        <TextField id="conta-nome" label="Nome" autocomplete="off" value={name} error={fieldError('name')} onInput={(event) => setName(inputValue(event))} />
        <TextField id="conta-email" label="E-mail" type="email" autocomplete="off" value={email} error={fieldError('email')} onInput={(event) => setEmail(inputValue(event))} />
        <RoleChoices id="conta-papel" chosen={roles} onChange={setRoles} error={fieldError('roles')} />
        <SecretariatChoices id="conta-secretaria" chosen={secretariats} onChange={setSecretariats} directory={directory} />
        <p><button type="submit" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Criando…' : 'Criar conta'}</button></p>
      </form>
      {created?.pending && <p class="notice">{waitingWords(created.pending)}</p>}
      {created && <OneTimeLink id="link-nova-conta" link={created.link} expiresAt={created.expiresAt} intro={`Conta criada para ${created.name}.`} />}
    </section>
  );
}

function AccountItem({ account, directory, onChanged }: { account: StaffAccount; directory: CharterDirectory | null; onChanged: () => void }) {
  const session = useSession();
  const self = session.status === 'signed_in' && session.account.id === account.id;
  const [editing, setEditing] = useState(false);
  const action = useAction();
  const [link, setLink] = useState<{ link: string; expiresAt: string } | null>(null);
  const base = `conta-${account.id}`;

  const change = async (body: unknown, words: string) => {
    if (action.busy) return false;
    const parsed = parseContract(AccountChangeSchema, body);
    if (!parsed.ok) {
      action.setFailure({ message: 'Confira os dados.', fields: parsed.fields });
      return false;
    }
    return action.run(async () => {
      const answer = await api(AccountAnswerSchema, `/api/gestao/accounts/${account.id}`, { method: 'PATCH', body: parsed.value });
      onChanged();
      return answer.pendingGrant ? waitingWords(answer.pendingGrant) : words;
    });
  };
  const resetSecondFactor = async () => {
    if (action.busy || !window.confirm(`Redefinir o segundo fator de ${account.name}? As sessões dessa pessoa terminam e ela configura o aplicativo de novo na próxima entrada.`)) return;
    await action.run(async () => {
      await api(AccountAnswerSchema, `/api/gestao/accounts/${account.id}/second-factor/reset`, { method: 'POST' });
      onChanged();
      return `Segundo fator de ${account.name} redefinido. Na próxima entrada, a pessoa configura o aplicativo de novo.`;
    });
  };
  const toggleDisabled = async () => {
    if (!account.disabled && !window.confirm(`Desativar a conta de ${account.name}? A pessoa não conseguirá mais entrar até ser reativada.`)) return;
    await change({ disabled: !account.disabled }, account.disabled ? `Conta de ${account.name} reativada.` : `Conta de ${account.name} desativada.`);
  };
  const newLink = () => action.run(async () => {
    setLink(await api(ResetLinkSchema, `/api/gestao/accounts/${account.id}/reset-link`, { method: 'POST' }));
    return `Novo link para ${account.name} criado; ele aparece abaixo.`;
  });

  return (
    <li class="card stack" data-testid="account" data-email={account.email}>
      <h3>{account.name}{account.disabled ? ' (desativada)' : ''}{self ? ' (você)' : ''}</h3>
      <dl class="facts facts-inline">
        <div><dt>E-mail</dt><dd>{account.email}</dd></div>
        <div><dt>Papéis</dt><dd>{account.roles.map((role) => ROLE_LABELS[role]).join(', ')}</dd></div>
        <div><dt>Secretarias</dt><dd>{account.secretariats.length ? account.secretariats.map((s) => secretariatName(directory, s)).join(', ') : 'nenhuma'}</dd></div>
        <div><dt>Código do celular (segundo fator)</dt><dd>{account.totpEnabled ? 'ativo' : 'ainda não configurado'}</dd></div>
      </dl>
      <FormError message={action.failure?.message} fields={action.failure?.fields} labels={LABELS} />
      {editing ? (
        <AccountEditForm account={account} self={self} directory={directory} base={base} action={action}
          save={async (body, words) => { if (await change(body, words)) setEditing(false); }} cancel={() => setEditing(false)} />
      ) : (
        <div class="button-row">
          {self
            ? <button type="button" class="button button-secondary" onClick={() => setEditing(true)}>Mudar o meu nome</button>
            : <button type="button" class="button button-secondary" aria-label={`Mudar papéis e secretarias de ${account.name}`} onClick={() => setEditing(true)}>Mudar papéis e secretarias</button>}
          <button type="button" class="button button-secondary" aria-label={`Criar novo link de senha para ${account.name}`} onClick={() => void newLink()}>Novo link de senha</button>
          {!self && account.totpEnabled && (
            <button type="button" class="button button-secondary" aria-label={`Redefinir segundo fator de ${account.name}`} onClick={() => void resetSecondFactor()}>
              Redefinir segundo fator
            </button>
          )}
          {!self && (
            <button type="button" class="button button-secondary" aria-label={`${account.disabled ? 'Reativar' : 'Desativar'} a conta de ${account.name}`} onClick={() => void toggleDisabled()}>
              {account.disabled ? 'Reativar' : 'Desativar'}
            </button>
          )}
        </div>
      )}
      <p role="status">{action.done}</p>
      {link && <OneTimeLink id={`${base}-link`} link={link.link} expiresAt={link.expiresAt} intro={`Novo link para ${account.name} escolher a senha.`} />}
    </li>
  );
}

interface EditProps {
  account: StaffAccount;
  self: boolean;
  directory: CharterDirectory | null;
  base: string;
  action: Action;
  save: (body: unknown, words: string) => Promise<void>;
  /** Leaves the form; what was typed is dropped (the form starts from the account again). */
  cancel: () => void;
}

function AccountEditForm({ account, self, directory, base, action, save, cancel }: EditProps) {
  const [name, setName] = useState(account.name);
  const [roles, setRoles] = useState<StaffRole[]>(account.roles);
  const [secretariats, setSecretariats] = useState<string[]>(account.secretariats);
  const submit = (event: Event) => {
    event.preventDefault();
    // Nobody changes their own roles or secretariats (the server refuses it too): only the name.
    const body = self ? { name } : { name, roles, secretariats };
    void save(body, self ? 'O seu nome foi atualizado.' : `Conta de ${name} atualizada. As sessões abertas dela foram encerradas.`);
  };
  return (
    <form class="stack" onSubmit={submit} noValidate>
      <TextField id={`${base}-nome`} label="Nome" value={name} error={action.failure?.fields?.name} onInput={(event) => setName(inputValue(event))} />
      {self ? <p class="field-hint">Os próprios papéis e secretarias só outra pessoa da administração muda.</p> : (
        <>
          <RoleChoices id={`${base}-papel`} chosen={roles} onChange={setRoles} error={action.failure?.fields?.roles} />
          <SecretariatChoices id={`${base}-secretaria`} chosen={secretariats} onChange={setSecretariats} directory={directory} />
        </>
      )}
      <div class="button-row">
        <button type="submit" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined}>Guardar mudanças</button>
        <button type="button" class="button button-secondary" onClick={cancel}>Cancelar</button>
      </div>
    </form>
  );
}
