import type { PageProps } from '../../common/navigation.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';

export default function NotFoundPage(_props: PageProps) {
  usePageTitle('Página não encontrada');
  return (
    <div class="page stack">
      <h1>Página não encontrada</h1>
      <p>Este endereço não existe no aplicativo.</p>
      <p>
        <a class="button button-primary" href="/">Ir para o início</a>
      </p>
    </div>
  );
}
