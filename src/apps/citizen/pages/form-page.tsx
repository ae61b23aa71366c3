/** /servicos/:id/solicitar — the service's online form (?rascunho=<draftId> continues a draft, ?corrigir=<recordId> corrects a rejected one). */
import type { PageProps } from '../../common/navigation.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { formById, serviceById } from '../charter/lookup.ts';
import { WithCharter } from '../ui/charter-notice.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';
import { FormScreen } from '../forms/form-screen.tsx';

export default function FormPage({ params, query }: PageProps) {
  const { charter } = useCharter();
  const service = charter ? serviceById(charter, params.id ?? '') : undefined;
  const form = charter && service?.formId ? formById(charter, service.formId) : undefined;
  usePageTitle(form?.title ?? 'Formulário');
  if (charter && service && form) {
    return (
      <div class="page stack">
        <p class="breadcrumb"><a href={`/servicos/${service.id}`}>{service.name}</a></p>
        <h1 tabindex={-1}>{form.title}</h1>
        <FormScreen service={service} form={form} districts={charter.districts} query={query} />
      </div>
    );
  }
  return (
    <div class="page stack">
      <h1 tabindex={-1}>{charter ? 'Formulário não encontrado' : 'Formulário'}</h1>
      <WithCharter>
        {() => <p>Este serviço não tem formulário pelo aplicativo. <a href={service ? `/servicos/${service.id}` : '/'}>Veja como solicitar</a>.</p>}
      </WithCharter>
    </div>
  );
}
