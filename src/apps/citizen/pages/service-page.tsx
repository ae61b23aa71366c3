/** /servicos/:id — one service of the Carta de Serviços: its summary, then its sections, each folding on a phone. */
import { useEffect, useState } from 'preact/hooks';
import type { Charter, Service } from '../../../shared/contract/charter.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { categoryById, formById, secretariatById, serviceById } from '../charter/lookup.ts';
import { WithCharter } from '../ui/charter-notice.tsx';
import { ReadAloud, type ReadAloudPart } from '../ui/read-aloud.tsx';
import { ShareButton } from '../ui/share-button.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';
import { serviceSections, type PageSection } from './service-sections.tsx';
import { SummaryBox, summaryFacts } from './service-summary.tsx';

/** Where the sections start open: on a wide screen the whole page fits the eye; on a phone they fold. */
const WIDE_SCREEN = '(min-width: 48em)';

export default function ServicePage({ params }: PageProps) {
  const { charter } = useCharter();
  const service = charter ? serviceById(charter, params.id!) : undefined;
  usePageTitle(service?.name ?? 'Serviço');
  return (
    <div class="page stack">
      <WithCharter>
        {(charter) =>
          service ? (
            <ServiceDetail charter={charter} service={service} />
          ) : (
            <>
              <h1>Serviço não encontrado</h1>
              <p>Este serviço não está na Carta de Serviços guardada no aparelho. <a href="/buscar">Buscar outro serviço</a>.</p>
            </>
          )
        }
      </WithCharter>
    </div>
  );
}

function ServiceDetail({ charter, service }: { charter: Charter; service: Service }) {
  const secretariat = secretariatById(charter, service.secretariatId);
  const form = service.formId ? formById(charter, service.formId) : undefined;
  const url = `${window.location.origin}/servicos/${service.id}`;
  const sections = serviceSections(charter, service);
  const facts = summaryFacts(service);
  const spoken: ReadAloudPart[] = [
    { title: 'Resumo', text: [`${service.name}.`, service.description, ...facts.map((f) => `${f.label}: ${f.spoken}.`)].join(' ') },
    ...sections.map((s) => ({ title: s.title, text: s.spoken })),
  ];

  // A link to a section (#custo) opens it; a folded section would otherwise hide what the link promised.
  useEffect(() => {
    const id = window.location.hash.slice(1);
    if (id) openSection(id)?.scrollIntoView();
  }, [service.id]);
  const onLinkClick = (event: MouseEvent) => {
    const link = (event.target as Element | null)?.closest?.('a');
    const href = link?.getAttribute('href');
    if (href?.startsWith('#')) openSection(href.slice(1));
  };

  return (
    <article class="stack" aria-labelledby="servico-titulo" onClick={onLinkClick}>
      <nav aria-label="Você está em" class="breadcrumb">
        <a href="/">Início</a>
        {secretariat ? (
          <>
            {' › '}
            <a href={`/secretarias/${secretariat.id}`}>{secretariat.name}</a>
          </>
        ) : null}
      </nav>
      <h1 id="servico-titulo">{service.name}</h1>

      <SummaryBox service={service} form={form} facts={facts} />

      <p class="lead">{service.description}</p>
      {service.popularNames.length > 0 ? <p class="muted">Também conhecido como: {service.popularNames.join(', ')}.</p> : null}
      <div class="button-row">
        <ReadAloud parts={spoken} />
        <ShareButton title={service.name} url={url} />
      </div>

      <SectionFolds sections={sections} />
      <ServiceTopics charter={charter} service={service} />

      <p>
        <a class="button button-secondary" href={`/servicos/${service.id}/avaliar`}>
          Avaliar este serviço
        </a>
      </p>
    </article>
  );
}

/** "Nesta página", then the sections themselves. */
function SectionFolds({ sections }: { sections: PageSection[] }) {
  const [wide] = useState(() => window.matchMedia(WIDE_SCREEN).matches);
  return (
    <>
      <nav aria-labelledby="nesta-pagina" class="stack">
        <h2 id="nesta-pagina" class="toc-title">Nesta página</h2>
        <ul class="toc">
          {sections.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`}>{s.title}</a>
            </li>
          ))}
        </ul>
      </nav>

      <div>
        {sections.map((s) => (
          <details key={s.id} id={s.id} class="fold" open={wide}>
            <summary>
              <h2 id={`secao-${s.id}`}>{s.title}</h2>
            </summary>
            <div class="fold-body stack">{s.body}</div>
          </details>
        ))}
      </div>
    </>
  );
}

function ServiceTopics({ charter, service }: { charter: Charter; service: Service }) {
  if (service.categoryIds.length === 0) return null;
  return (
    <p class="muted">
      Assuntos:{' '}
      {service.categoryIds.map((id, i) => (
        <span key={id}>
          {i > 0 ? ', ' : ''}
          <a href={`/categorias/${id}`}>{categoryById(charter, id)?.name ?? id}</a>
        </span>
      ))}
    </p>
  );
}

function openSection(id: string): HTMLElement | null {
  const target = document.getElementById(id);
  if (target instanceof HTMLDetailsElement) target.open = true;
  return target;
}

