/**
 * /gestao — goes on to the first page the role may open; an account with none is told so. An admin stays
 * here at sign-in to read "O que mudou nas contas" since their previous sign-in and the grants waiting for
 * a second admin, then goes on by a link.
 */
import { useEffect } from 'preact/hooks';
import type { Permission } from '../../../shared/contract/staff.ts';
import { redirectFrom, type PageProps } from '../../common/navigation.tsx';
import { useSession } from '../session.ts';
import { AccountChangesList, PendingGrants, useAccountChanges } from '../ui/account-changes.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { HOME_PATH } from '../paths.ts';

const START: [Permission, string, string][] = [
  ['requests.read', '/gestao/pedidos', 'Ir para os pedidos'],
  ['accounts.manage', '/gestao/contas', 'Ir para as contas'],
  ['audit.read', '/gestao/auditoria', 'Ir para a auditoria'],
  ['charter.import', '/gestao/carta', 'Ir para a Carta de Serviços'],
  ['integrity.read', '/gestao/integridade', 'Ir para o Canal de Integridade'],
  ['radar.read', '/gestao/radar', 'Ir para o radar'],
  ['report.read', '/gestao/relatorio', 'Ir para o relatório'],
];

export default function HomePage(_props: PageProps) {
  useStaffPageTitle('Início');
  const session = useSession();
  const permissions = session.status === 'signed_in' ? session.permissions : [];
  const start = START.find(([permission]) => permissions.includes(permission));
  const watchesAccounts = permissions.includes('accounts.manage');
  useEffect(() => {
    if (start && !watchesAccounts) redirectFrom(HOME_PATH, start[1]);
  }, [start?.[1], watchesAccounts]);
  if (watchesAccounts) return <AdminHome start={start!} />;
  if (start) return <div class="page stack"><h1>Gestão da Prefeitura</h1><p>Carregando…</p></div>;
  return (
    <div class="page stack">
      <h1>Gestão da Prefeitura</h1>
      <p>O seu perfil ainda não dá acesso a nenhuma página. Peça à administração do sistema o papel de que você precisa.</p>
    </div>
  );
}

function AdminHome({ start }: { start: [Permission, string, string] }) {
  const { value: changes, failure, reload } = useAccountChanges();
  return (
    <div class="page stack">
      <h1>Gestão da Prefeitura</h1>
      <p><a class="button button-primary" href={start[1]}>{start[2]}</a></p>
      {failure && <p class="notice notice-error" role="alert">{failure.message}</p>}
      {!changes && !failure && <p>Carregando o que mudou nas contas…</p>}
      {changes && (
        <>
          <PendingGrants grants={changes.pending} onDecided={() => void reload()} />
          <AccountChangesList changes={changes} />
        </>
      )}
    </div>
  );
}
