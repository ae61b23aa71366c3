import type { PageProps } from '../router.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { lifeEventById } from '../charter/lookup.ts';
import { WithCharter } from '../ui/charter-notice.tsx';
import { ServiceList } from '../ui/service-list.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';

export default function LifeEventPage({ params }: PageProps) {
  const { charter } = useCharter();
  const group = charter ? lifeEventById(charter, params.id!) : undefined;
  usePageTitle(group?.name ?? 'Momento da vida');
  return (
    <div class="page stack">
      <h1>{group?.name ?? (charter ? 'Página não encontrada' : 'Momento da vida')}</h1>
      <WithCharter>
        {(charter) =>
          !group ? (
            <p>Este endereço não está na Carta de Serviços. <a href="/">Volte ao início</a>.</p>
          ) : (
            <>
              {group.description ? <p>{group.description}</p> : null}
              <ServiceList services={charter.services.filter((s) => s.lifeEventIds.includes(group.id))} label="Serviços" />
            </>
          )
        }
      </WithCharter>
    </div>
  );
}
