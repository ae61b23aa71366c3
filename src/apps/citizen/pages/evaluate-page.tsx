/** /servicos/:id/avaliar — the evaluation of a service (Law 13.460 art. 23), through the same outbox. */
import type { PageProps } from '../../common/navigation.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { formById, serviceById } from '../charter/lookup.ts';
import { WithCharter } from '../ui/charter-notice.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';
import { FormScreen } from '../forms/form-screen.tsx';

export const EVALUATION_FORM_ID = 'avaliacao-servico';

export default function EvaluatePage({ params, query }: PageProps) {
  const { charter } = useCharter();
  const service = charter ? serviceById(charter, params.id ?? '') : undefined;
  const form = charter ? formById(charter, EVALUATION_FORM_ID) : undefined;
  usePageTitle(service ? `Avaliar: ${service.name}` : 'Avaliar serviço');
  if (charter && service && form) {
    return (
      <div class="page stack">
        <p class="breadcrumb"><a href={`/servicos/${service.id}`}>{service.name}</a></p>
        <h1 tabindex={-1}>Avaliar: {service.name}</h1>
        <p>Sua opinião ajuda a Prefeitura a melhorar este serviço. Você pode avaliar sem se identificar.</p>
        <FormScreen service={service} form={form} districts={charter.districts} query={query} />
      </div>
    );
  }
  return (
    <div class="page stack">
      <h1 tabindex={-1}>{charter ? 'Serviço não encontrado' : 'Avaliar serviço'}</h1>
      <WithCharter>{() => <p><a href="/">Voltar ao início</a></p>}</WithCharter>
    </div>
  );
}
