import type { Charter, Service } from '../../../shared/contract/charter.ts';
import { useCharter } from '../charter/use-charter.ts';
import { categoryById, lifeEventById } from '../charter/lookup.ts';
import { WithCharter } from '../ui/charter-notice.tsx';
import { ServiceList } from '../ui/service-list.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';

/** The two ways the charter groups services across secretariats: a subject, or a moment of life. */
const GROUPINGS = {
  category: { title: 'Assunto', find: categoryById, has: (service: Service, id: string) => service.categoryIds.includes(id) },
  lifeEvent: { title: 'Momento da vida', find: lifeEventById, has: (service: Service, id: string) => service.lifeEventIds.includes(id) },
} satisfies Record<string, { title: string; find: (charter: Charter, id: string) => { id: string; name: string; description?: string } | undefined; has: (service: Service, id: string) => boolean }>;

export function ServiceGroupPage({ grouping, id }: { grouping: keyof typeof GROUPINGS; id: string }) {
  const { title, find, has } = GROUPINGS[grouping];
  const { charter } = useCharter();
  const group = charter ? find(charter, id) : undefined;
  usePageTitle(group?.name ?? title);
  return (
    <div class="page stack">
      <h1>{group?.name ?? (charter ? 'Página não encontrada' : title)}</h1>
      <WithCharter>
        {(charter) =>
          !group ? (
            <p>Este endereço não está na Carta de Serviços. <a href="/">Volte ao início</a>.</p>
          ) : (
            <>
              {group.description ? <p>{group.description}</p> : null}
              <ServiceList services={charter.services.filter((s) => has(s, group.id))} label="Serviços" />
            </>
          )
        }
      </WithCharter>
    </div>
  );
}
