/** /gestao — goes on to the first page the role may open; an account with none is told so. */
import { useEffect } from 'preact/hooks';
import type { Permission } from '../../../shared/staff.ts';
import { navigate, type PageProps } from '../../common/navigation.tsx';
import { useSession } from '../session.ts';
import { usePageTitle } from '../ui/page-title.ts';

const START: [Permission, string][] = [
  ['requests.read', '/gestao/pedidos'],
  ['accounts.manage', '/gestao/contas'],
  ['audit.read', '/gestao/auditoria'],
  ['charter.import', '/gestao/carta'],
  ['integrity.read', '/gestao/integridade'],
  ['radar.read', '/gestao/radar'],
  ['report.read', '/gestao/relatorio'],
];

export default function HomePage(_props: PageProps) {
  usePageTitle('Início');
  const session = useSession();
  const start = session.status === 'signed_in' ? START.find(([permission]) => session.permissions.includes(permission))?.[1] : undefined;
  useEffect(() => {
    if (start) navigate(start, { replace: true });
  }, [start]);
  if (start) return <div class="page stack"><h1>Gestão da Prefeitura</h1><p>Carregando…</p></div>;
  return (
    <div class="page stack">
      <h1>Gestão da Prefeitura</h1>
      <p>O seu perfil ainda não dá acesso a nenhuma página. Peça à administração do sistema o papel de que você precisa.</p>
    </div>
  );
}
