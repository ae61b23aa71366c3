import type { PageProps } from '../../common/navigation.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';

export default function NotFoundPage(_props: PageProps) {
  useStaffPageTitle('Página não encontrada');
  return (
    <div class="page stack">
      <h1>Página não encontrada</h1>
      <p>Este endereço não existe na gestão. Confira o link ou volte ao início.</p>
      <p><a class="button button-secondary" href="/gestao/">Ir para o início da gestão</a></p>
    </div>
  );
}
