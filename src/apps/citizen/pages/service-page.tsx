import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Channel, ChannelType, Charter, Service } from '../../../shared/contract/charter.ts';
import type { FormDefinition } from '../../../shared/contract/forms.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { INTEGRITY_SERVICE_ID } from '../../../shared/contract/integrity-service.ts';
import { useCharter } from '../charter/use-charter.ts';
import { categoryById, formById, secretariatById, serviceById } from '../charter/lookup.ts';
import { WithCharter } from '../ui/charter-notice.tsx';
import { firstSentence, formatCost, formatDeadline, telHref } from '../ui/format.ts';
import { ReadAloud, type ReadAloudPart } from '../ui/read-aloud.tsx';
import { ShareButton } from '../ui/share-button.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';
import { whenIdle } from '../ui/when-idle.ts';

const CHANNEL_NAMES: Record<ChannelType, string> = {
  in_person: 'Pessoalmente',
  phone: 'Por telefone',
  online: 'Pela internet',
  app: 'Pelo aplicativo',
  email: 'Por e-mail',
  whatsapp: 'Pelo WhatsApp',
};

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

/** One folding section of the page; the same list makes the links "Nesta página" and what "Ouvir" reads. */
interface PageSection {
  id: string;
  title: string;
  body: ComponentChildren;
  spoken: string;
}

function ServiceDetail({ charter, service }: { charter: Charter; service: Service }) {
  const secretariat = secretariatById(charter, service.secretariatId);
  const form = service.formId ? formById(charter, service.formId) : undefined;
  const url = `${window.location.origin}/servicos/${service.id}`;
  const [wide] = useState(() => window.matchMedia(WIDE_SCREEN).matches);
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

      {service.categoryIds.length > 0 ? (
        <p class="muted">
          Assuntos:{' '}
          {service.categoryIds.map((id, i) => (
            <span key={id}>
              {i > 0 ? ', ' : ''}
              <a href={`/categorias/${id}`}>{categoryById(charter, id)?.name ?? id}</a>
            </span>
          ))}
        </p>
      ) : null}

      <p>
        <a class="button button-secondary" href={`/servicos/${service.id}/avaliar`}>
          Avaliar este serviço
        </a>
      </p>
    </article>
  );
}

function openSection(id: string): HTMLElement | null {
  const target = document.getElementById(id);
  if (target instanceof HTMLDetailsElement) target.open = true;
  return target;
}

interface SummaryFact {
  label: string;
  value: ComponentChildren;
  spoken: string;
}

/**
 * What a person needs before leaving home, in this order: where, when, how long at most, how much, what
 * to bring. The place is the first in-person channel (the others are under "Onde e quando").
 */
function summaryFacts(service: Service): SummaryFact[] {
  const inPerson = service.channels.filter((c) => c.type === 'in_person');
  const main = inPerson[0] ?? service.channels[0]!;
  const others = service.channels.length - 1;
  const place = main.place ?? CHANNEL_NAMES[main.type];
  const cost = formatCost(service.cost);
  const shortCost = firstSentence(cost);
  const documents = service.documents.length;
  const facts: SummaryFact[] = [
    {
      label: 'Onde',
      value: (
        <>
          {place}
          {main.address ? <span class="summary-detail">{main.address}</span> : null}
          {others > 0 ? (
            <a class="summary-detail" href="#onde">
              {others === 1 ? 'Mais 1 forma de atendimento' : `Mais ${others} formas de atendimento`}
            </a>
          ) : null}
        </>
      ),
      spoken: [place, main.address].filter(Boolean).join(', '),
    },
  ];
  if (main.hours) facts.push({ label: 'Horário', value: main.hours, spoken: main.hours });
  const deadline = formatDeadline({ max: service.deadline.max, unit: service.deadline.unit });
  facts.push({ label: 'Prazo máximo', value: deadline, spoken: deadline });
  facts.push({
    label: 'Custo',
    value: (
      <>
        {shortCost}
        {shortCost !== cost ? (
          <a class="summary-detail" href="#custo">
            Mais sobre o custo
          </a>
        ) : null}
      </>
    ),
    spoken: shortCost.replace(/\.$/, ''),
  });
  const documentWords = documents === 1 ? '1 documento' : `${documents} documentos`;
  facts.push({
    label: 'O que levar',
    value: documents === 0 ? 'Não precisa levar documentos' : <a href="#documentos">{documentWords}: ver a lista</a>,
    spoken: documents === 0 ? 'não precisa levar documentos' : documentWords,
  });
  return facts;
}

function SummaryBox({ service, form, facts }: { service: Service; form: FormDefinition | undefined; facts: SummaryFact[] }) {
  return (
    <section class="summary-box" aria-labelledby="resumo" data-testid="service-summary">
      <h2 id="resumo" class="visually-hidden">
        Resumo
      </h2>
      <dl class="summary-facts">
        {facts.map((fact) => (
          <div key={fact.label}>
            <dt>{fact.label}</dt>
            <dd>{fact.value}</dd>
          </div>
        ))}
      </dl>
      {form ? (
        <a class="button button-primary button-block" href={`/servicos/${service.id}/solicitar`}>
          {form.kind === 'manifestation' ? 'Registrar manifestação' : 'Solicitar pelo aplicativo'}
        </a>
      ) : null}
      {service.id === INTEGRITY_SERVICE_ID ? (
        <a class="button button-secondary button-block" href="/acompanhar">
          Acompanhar uma denúncia (com o recibo)
        </a>
      ) : null}
    </section>
  );
}

/**
 * What the city did with this promise in the last 12 months (the transparency panel's line). Its code and
 * the panel's summary load in idle time after the page has painted, never on the first screen; with no
 * signal and no saved copy there is simply no line.
 */
function PromiseKept({ serviceId }: { serviceId: string }) {
  const [Line, setLine] = useState<ComponentType<{ serviceId: string }> | null>(null);
  useEffect(() => {
    let live = true;
    whenIdle(() => {
      import('../transparency/promise-line.tsx').then((m) => { if (live) setLine(() => m.default); }, () => undefined);
    }, 2000);
    return () => { live = false; };
  }, []);
  return Line ? <Line serviceId={serviceId} /> : null;
}

function serviceSections(charter: Charter, service: Service): PageSection[] {
  const ouvidoria = serviceById(charter, 'manifestacao-ouvidoria');
  // Only requests made through the app have a deadline the city measures.
  const requested = service.formId ? formById(charter, service.formId)?.kind === 'request' : false;
  const sections: PageSection[] = [
    {
      id: 'quem',
      title: 'Quem pode pedir',
      body: (
        <>
          <p>{service.whoCanRequest}</p>
          {service.requirements.length > 0 ? (
            <ul class="plain-list">
              {service.requirements.map((r) => <li key={r}>{r}</li>)}
            </ul>
          ) : null}
        </>
      ),
      spoken: [service.whoCanRequest, ...service.requirements].join(' '),
    },
    {
      id: 'documentos',
      title: 'O que levar',
      body:
        service.documents.length === 0 ? (
          <p>Não precisa levar documentos.</p>
        ) : (
          <>
            <p class="muted">Marque o que você já separou.</p>
            <ul class="checklist">
              {service.documents.map((doc, i) => (
                <li key={doc.name}>
                  <input type="checkbox" id={`doc-${i}`} />
                  <label for={`doc-${i}`}>
                    <span>
                      {doc.name}
                      {doc.optional ? ' (se tiver)' : ''}
                    </span>
                    {doc.note ? <span class="muted">{doc.note}</span> : null}
                  </label>
                </li>
              ))}
            </ul>
          </>
        ),
      spoken: service.documents.length === 0 ? 'Não precisa levar documentos.' : service.documents.map((d) => `${d.name}${d.optional ? ', se tiver' : ''}.`).join(' '),
    },
    {
      id: 'etapas',
      title: 'Passo a passo',
      body: (
        <ol class="steps">
          {service.steps.map((step) => (
            <li key={step.title}>
              <strong>{step.title}</strong>
              {step.description ? <p>{step.description}</p> : null}
            </li>
          ))}
        </ol>
      ),
      spoken: service.steps.map((s, i) => `${i + 1}: ${s.title}. ${s.description ?? ''}`.trim()).join(' '),
    },
    {
      id: 'prazo',
      title: 'Quanto tempo leva',
      body: (
        <>
          <p>
            <strong>{formatDeadline(service.deadline)}</strong>.
          </p>
          <p>Espera no atendimento: {service.expectedWait}</p>
          {requested ? <PromiseKept serviceId={service.id} /> : null}
        </>
      ),
      spoken: `${formatDeadline(service.deadline)}. Espera no atendimento: ${service.expectedWait}`,
    },
    { id: 'custo', title: 'Quanto custa', body: <p>{formatCost(service.cost)}</p>, spoken: formatCost(service.cost) },
    {
      id: 'onde',
      title: 'Onde e quando',
      body: (
        <ul class="card-list">
          {service.channels.map((channel, i) => <ChannelCard key={i} channel={channel} />)}
        </ul>
      ),
      spoken: service.channels.map((c) => [CHANNEL_NAMES[c.type], c.place, c.address, c.hours, c.phone].filter(Boolean).join(', ') + '.').join(' '),
    },
    {
      id: 'prioridade',
      title: 'Atendimento prioritário',
      body: (
        <>
          <p>{service.priority}</p>
          {service.accessibility ? <p>{service.accessibility}</p> : null}
        </>
      ),
      spoken: [service.priority, service.accessibility].filter(Boolean).join(' '),
    },
    {
      id: 'acompanhar',
      title: 'Como acompanhar o pedido',
      body: (
        <>
          <p>{service.howToFollow}</p>
          <p>{service.communication}</p>
        </>
      ),
      spoken: `${service.howToFollow} ${service.communication}`,
    },
    {
      id: 'reclamar',
      title: 'Como reclamar',
      body: (
        <>
          <p>{service.complaints}</p>
          {ouvidoria && ouvidoria.id !== service.id ? (
            <p>
              <a href={`/servicos/${ouvidoria.id}`}>Falar com a Ouvidoria</a>
            </p>
          ) : null}
        </>
      ),
      spoken: service.complaints,
    },
  ];
  if (service.legalBasis.length > 0) {
    sections.push({
      id: 'leis',
      title: 'Leis que garantem este serviço',
      body: (
        <ul class="plain-list">
          {service.legalBasis.map((law) => <li key={law}>{law}</li>)}
        </ul>
      ),
      spoken: service.legalBasis.join('. '),
    });
  }
  return sections;
}

function ChannelCard({ channel }: { channel: Channel }) {
  return (
    <li class="card stack">
      <h3>{channel.place ? `${CHANNEL_NAMES[channel.type]}: ${channel.place}` : CHANNEL_NAMES[channel.type]}</h3>
      {channel.description ? <p>{channel.description}</p> : null}
      {channel.address ? <p>Endereço: {channel.address}</p> : null}
      {channel.hours ? <p>Horário: {channel.hours}</p> : null}
      {channel.phone ? (
        <p>
          {channel.type === 'whatsapp' ? 'WhatsApp: ' : 'Telefone: '}
          <a class="tel" href={channel.type === 'whatsapp' ? `https://wa.me/55${channel.phone.replace(/\D+/g, '')}` : telHref(channel.phone)}>
            {channel.phone}
          </a>
        </p>
      ) : null}
      {channel.email ? (
        <p>
          E-mail: <a href={`mailto:${channel.email}`}>{channel.email}</a>
        </p>
      ) : null}
      {channel.url ? (
        <p>
          <a href={channel.url} rel="noopener noreferrer">Abrir o site do serviço</a>
        </p>
      ) : null}
    </li>
  );
}
