import { navigate, useLocation } from '../../common/navigation.tsx';
import { ROLE_LABELS, type Permission } from '../../../shared/contract/staff.ts';
import { failureWords } from '../api.ts';
import { signOut, useSession } from '../session.ts';
import { announce } from '../ui/announce.ts';
import { SIGN_IN_PATH } from '../paths.ts';

const SECTIONS: { href: string; label: string; permission: Permission }[] = [
  { href: '/gestao/pedidos', label: 'Pedidos', permission: 'requests.read' },
  { href: '/gestao/contas', label: 'Contas', permission: 'accounts.manage' },
  { href: '/gestao/carta', label: 'Carta de Serviços', permission: 'charter.import' },
  { href: '/gestao/auditoria', label: 'Auditoria', permission: 'audit.read' },
  { href: '/gestao/integridade', label: 'Integridade', permission: 'integrity.read' },
  { href: '/gestao/plano', label: 'Plano de Integridade', permission: 'plan.update' },
  { href: '/gestao/radar', label: 'Radar', permission: 'radar.read' },
  { href: '/gestao/relatorio', label: 'Relatório anual', permission: 'report.read' },
];

/** The header's second row: the sections the role may open, who is signed in, and "Sair". */
export function Header() {
  const session = useSession();
  const location = useLocation();
  if (session.status !== 'signed_in') return null;
  const sections = SECTIONS.filter((section) => session.permissions.includes(section.permission));
  const leave = async () => {
    try {
      await signOut();
      navigate(SIGN_IN_PATH, { replace: true });
      announce('Você saiu da gestão.');
    } catch (error) {
      announce(failureWords(error));
    }
  };
  return (
    <div class="gestao-bar">
      {sections.length > 0 && (
        <nav aria-label="Seções da gestão">
          <ul class="gestao-nav">
            {sections.map((section) => {
              const current = location.path === section.href || location.path.startsWith(`${section.href}/`);
              return <li key={section.href}><a href={section.href} aria-current={current ? 'page' : undefined}>{section.label}</a></li>;
            })}
          </ul>
        </nav>
      )}
      <div class="gestao-who">
        <p>
          <span class="visually-hidden">Você entrou como </span>
          <strong>{session.account.name}</strong>
          <span class="gestao-roles"> · {session.account.roles.map((role) => ROLE_LABELS[role]).join(', ')}</span>
        </p>
        <button type="button" class="header-button" onClick={() => void leave()}>Sair</button>
      </div>
    </div>
  );
}
