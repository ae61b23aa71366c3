/** The folding sections of a service's page (/servicos/:id): who, what to bring, steps, time, cost, where, and so on. */
import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Channel, ChannelType, Charter, Service } from '../../../shared/contract/charter.ts';
import { formById, serviceById } from '../charter/lookup.ts';
import { formatCost, formatDeadline, telHref } from '../ui/format.ts';
import { whenIdle } from '../ui/when-idle.ts';

export const CHANNEL_NAMES: Record<ChannelType, string> = {
  in_person: 'Pessoalmente',
  phone: 'Por telefone',
  online: 'Pela internet',
  app: 'Pelo aplicativo',
  email: 'Por e-mail',
  whatsapp: 'Pelo WhatsApp',
};

/** One folding section of the page; the same list makes the links "Nesta página" and what "Ouvir" reads. */
export interface PageSection {
  id: string;
  title: string;
  body: ComponentChildren;
  spoken: string;
}

/** The page's sections, in the order a person asks about a service. */
export function serviceSections(charter: Charter, service: Service): PageSection[] {
  const ouvidoria = serviceById(charter, 'manifestacao-ouvidoria');
  // Only requests made through the app have a deadline the city measures.
  const requested = service.formId ? formById(charter, service.formId)?.kind === 'request' : false;
  const sections: PageSection[] = [
    whoCanAsk(service),
    whatToBring(service),
    stepByStep(service),
    howLong(service, requested),
    howMuch(service),
    whereAndWhen(service),
    priorityService(service),
    howToFollow(service),
    howToComplain(service, ouvidoria),
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

function whoCanAsk(service: Service): PageSection {
  return {
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
  };
}

function whatToBring(service: Service): PageSection {
  return {
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
  };
}

function stepByStep(service: Service): PageSection {
  return {
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
  };
}

function howLong(service: Service, requested: boolean): PageSection {
  return {
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
  };
}

function howMuch(service: Service): PageSection {
  return { id: 'custo', title: 'Quanto custa', body: <p>{formatCost(service.cost)}</p>, spoken: formatCost(service.cost) };
}

function whereAndWhen(service: Service): PageSection {
  return {
    id: 'onde',
    title: 'Onde e quando',
    body: (
      <ul class="card-list">
        {service.channels.map((channel, i) => <ChannelCard key={i} channel={channel} />)}
      </ul>
    ),
    spoken: service.channels.map((c) => [CHANNEL_NAMES[c.type], c.place, c.address, c.hours, c.phone].filter(Boolean).join(', ') + '.').join(' '),
  };
}

function priorityService(service: Service): PageSection {
  return {
    id: 'prioridade',
    title: 'Atendimento prioritário',
    body: (
      <>
        <p>{service.priority}</p>
        {service.accessibility ? <p>{service.accessibility}</p> : null}
      </>
    ),
    spoken: [service.priority, service.accessibility].filter(Boolean).join(' '),
  };
}

function howToFollow(service: Service): PageSection {
  return {
    id: 'acompanhar',
    title: 'Como acompanhar o pedido',
    body: (
      <>
        <p>{service.howToFollow}</p>
        <p>{service.communication}</p>
      </>
    ),
    spoken: `${service.howToFollow} ${service.communication}`,
  };
}

function howToComplain(service: Service, ouvidoria: Service | undefined): PageSection {
  return {
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
  };
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
