import type { PageProps } from '../../common/navigation.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { secretariatById } from '../charter/lookup.ts';
import { WithCharter } from '../ui/charter-notice.tsx';
import { ServiceList } from '../ui/service-list.tsx';
import { telHref } from '../ui/format.ts';
import { usePageTitle } from '../ui/use-page-title.ts';

export default function SecretariatPage({ params }: PageProps) {
  const { charter } = useCharter();
  const secretariat = charter ? secretariatById(charter, params.id!) : undefined;
  usePageTitle(secretariat?.name ?? 'Secretaria');
  return (
    <div class="page stack">
      <h1>{secretariat?.name ?? (charter ? 'Secretaria não encontrada' : 'Secretaria')}</h1>
      <WithCharter>
        {(charter) =>
          !secretariat ? (
            <p>Esta secretaria não está na Carta de Serviços. <a href="/">Veja todas no início</a>.</p>
          ) : (
            <>
              {secretariat.description ? <p>{secretariat.description}</p> : null}
              <dl class="facts">
                {secretariat.address ? (<><dt>Endereço</dt><dd>{secretariat.address}</dd></>) : null}
                {secretariat.hours ? (<><dt>Horário</dt><dd>{secretariat.hours}</dd></>) : null}
                {secretariat.phone ? (<><dt>Telefone</dt><dd><a class="tel" href={telHref(secretariat.phone)}>{secretariat.phone}</a></dd></>) : null}
                {secretariat.email ? (<><dt>E-mail</dt><dd><a href={`mailto:${secretariat.email}`}>{secretariat.email}</a></dd></>) : null}
              </dl>
              <h2>Serviços</h2>
              <ServiceList services={charter.services.filter((s) => s.secretariatId === secretariat.id)} />
            </>
          )
        }
      </WithCharter>
    </div>
  );
}
