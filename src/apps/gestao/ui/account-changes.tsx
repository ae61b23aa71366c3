/**
 * The admins' watch over accounts: the grants waiting for a second admin (approve or refuse; the proposer
 * can only withdraw theirs) and "O que mudou nas contas" since the admin's previous sign-in.
 */
import { useState } from 'preact/hooks';
import { ACCOUNT_CHANGE_LABELS, AccountChangesSchema, OkSchema, ROLE_LABELS, type AccountChanges, type PendingGrant } from '../../../shared/contract/staff.ts';
import { api, failureWords } from '../api.ts';
import { useSession } from '../session.ts';
import { announce } from './announce.ts';
import { useLoad, type Loaded } from './use-load.ts';
import { dateTimeWords, plural } from './words.ts';

/** Loads /api/gestao/accounts/changes; `reload` after a decision. */
export function useAccountChanges(): Loaded<AccountChanges> {
  return useLoad(() => api(AccountChangesSchema, '/api/gestao/accounts/changes'), []);
}

const rolesWords = (grant: PendingGrant) => grant.roles.map((role) => ROLE_LABELS[role]).join(', ');

export function PendingGrants({ grants, onDecided }: { grants: readonly PendingGrant[]; onDecided: () => void }) {
  const session = useSession();
  const me = session.status === 'signed_in' ? session.account.id : '';
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState('');

  const decide = async (grant: PendingGrant, decision: 'approved' | 'refused') => {
    if (busy) return;
    setBusy(true);
    try {
      await api(OkSchema, `/api/gestao/accounts/grants/${grant.id}`, { method: 'POST', body: { decision } });
      const words = decision === 'approved'
        ? `Aprovado: ${grant.account.name} agora tem ${rolesWords(grant)}. As sessões abertas dessa pessoa foram encerradas.`
        : `Recusado: ${grant.account.name} não recebe ${rolesWords(grant)}.`;
      setResult(words);
      announce(words);
      onDecided();
    } catch (error) {
      setResult(failureWords(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="section stack" aria-labelledby="papeis-esperando">
      <h2 id="papeis-esperando">Papéis esperando aprovação</h2>
      <p>Administração, Controladoria e Ouvidoria só são dados quando outra pessoa da administração aprova. Quem propôs não pode aprovar.</p>
      {grants.length === 0 ? <p>Nenhum papel esperando aprovação.</p> : (
        <ul class="card-list" data-testid="pending-grants">
          {grants.map((grant) => {
            const mine = grant.proposedBy.id === me || grant.account.id === me;
            return (
              <li key={grant.id} class="card stack" data-testid="pending-grant">
                <p><strong>{grant.account.name}</strong> ({grant.account.email}): {rolesWords(grant)}.</p>
                <p class="field-hint">Proposto por {grant.proposedBy.name} em {dateTimeWords(grant.proposedAt)}.</p>
                <div class="button-row">
                  {mine ? (
                    <>
                      <p>Espera a aprovação de outra pessoa da administração.</p>
                      {grant.proposedBy.id === me && (
                        <button type="button" class="button button-secondary" aria-label={`Retirar a proposta para ${grant.account.name}`}
                          onClick={() => void decide(grant, 'refused')}>Retirar a proposta</button>
                      )}
                    </>
                  ) : (
                    <>
                      <button type="button" class="button button-primary" aria-label={`Aprovar ${rolesWords(grant)} para ${grant.account.name}`}
                        onClick={() => void decide(grant, 'approved')}>Aprovar</button>
                      <button type="button" class="button button-secondary" aria-label={`Recusar ${rolesWords(grant)} para ${grant.account.name}`}
                        onClick={() => void decide(grant, 'refused')}>Recusar</button>
                    </>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <p role="status">{result}</p>
    </section>
  );
}

export function AccountChangesList({ changes }: { changes: AccountChanges }) {
  return (
    <section class="section stack" aria-labelledby="o-que-mudou">
      <h2 id="o-que-mudou">O que mudou nas contas</h2>
      <p>{changes.since ? `Desde a sua entrada anterior, em ${dateTimeWords(changes.since)}:` : 'Tudo o que já mudou nas contas (esta é a sua primeira entrada):'}{' '}
        {plural(changes.changes.length, 'mudança', 'mudanças')}.</p>
      {changes.changes.length > 0 && (
        <ul class="card-list" data-testid="account-changes">
          {changes.changes.map((change) => (
            <li key={change.id} class="card">
              <p><strong>{ACCOUNT_CHANGE_LABELS[change.action] ?? change.action}</strong>{change.target ? `: ${change.target.name}` : ''}</p>
              <p class="field-hint">{dateTimeWords(change.at)} · {change.by ? `por ${change.by.name}` : 'pelo servidor (linha de comando ou proteção automática)'}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
