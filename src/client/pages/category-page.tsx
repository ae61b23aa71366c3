import type { PageProps } from '../router.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { categoryById } from '../charter/lookup.ts';
import { WithCharter } from '../ui/charter-notice.tsx';
import { ServiceList } from '../ui/service-list.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';

export default function CategoryPage({ params }: PageProps) {
  const { charter } = useCharter();
  const group = charter ? categoryById(charter, params.id!) : undefined;
  usePageTitle(group?.name ?? 'Assunto');
  return (
    <div class="page stack">
      <h1>{group?.name ?? (charter ? 'Assunto não encontrado' : 'Assunto')}</h1>
      <WithCharter>
        {(charter) =>
          !group ? (
            <p>Este endereço não está na Carta de Serviços. <a href="/">Volte ao início</a>.</p>
          ) : (
            <>
              {group.description ? <p>{group.description}</p> : null}
              <ServiceList services={charter.services.filter((s) => s.categoryIds.includes(group.id))} label="Serviços" />
            </>
          )
        }
      </WithCharter>
    </div>
  );
}
