import type { ComponentChildren } from 'preact';
import type { Channel, ChannelType, Charter, Service } from '../../../shared/schemas.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { categoryById, formById, secretariatById, serviceById } from '../charter/lookup.ts';
import { WithCharter } from '../ui/charter-notice.tsx';
import { formatCost, formatDeadline, telHref } from '../ui/format.ts';
import { ReadAloudButton } from '../ui/read-aloud.tsx';
import { ShareButton } from '../ui/share-button.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';

const CHANNEL_NAMES: Record<ChannelType, string> = {
  in_person: 'Pessoalmente',
  phone: 'Por telefone',
  online: 'Pela internet',
  app: 'Pelo aplicativo',
  email: 'Por e-mail',
  whatsapp: 'Pelo WhatsApp',
};

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
  const ouvidoria = serviceById(charter, 'manifestacao-ouvidoria');
  const url = `${window.location.origin}/servicos/${service.id}`;
  return (
    <article class="stack" aria-labelledby="servico-titulo">
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
      {service.popularNames.length > 0 ? <p class="muted">Também conhecido como: {service.popularNames.join(', ')}.</p> : null}
      <p class="lead">{service.description}</p>

      <div class="stack">
        {form ? (
          <a class="button button-primary button-block" href={`/servicos/${service.id}/solicitar`}>
            {form.kind === 'manifestation' ? 'Registrar manifestação' : 'Solicitar pelo aplicativo'}
          </a>
        ) : null}
        <div class="button-row">
          <ReadAloudButton text={spokenSummary(service)} />
          <ShareButton title={service.name} url={url} />
        </div>
      </div>

      <Section id="quem" title="Quem pode pedir">
        <p>{service.whoCanRequest}</p>
        {service.requirements.length > 0 ? (
          <ul class="plain-list">
            {service.requirements.map((r) => <li key={r}>{r}</li>)}
          </ul>
        ) : null}
      </Section>

      <Section id="documentos" title="O que levar">
        {service.documents.length === 0 ? (
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
        )}
      </Section>

      <Section id="etapas" title="Passo a passo">
        <ol class="steps">
          {service.steps.map((step) => (
            <li key={step.title}>
              <strong>{step.title}</strong>
              {step.description ? <p>{step.description}</p> : null}
            </li>
          ))}
        </ol>
      </Section>

      <Section id="prazo" title="Quanto tempo leva">
        <p>
          <strong>{formatDeadline(service.deadline)}</strong>.
        </p>
        <p>Espera no atendimento: {service.expectedWait}</p>
      </Section>

      <Section id="custo" title="Quanto custa">
        <p>{formatCost(service.cost)}</p>
      </Section>

      <Section id="onde" title="Onde e quando">
        <ul class="card-list">
          {service.channels.map((channel, i) => <ChannelCard key={i} channel={channel} />)}
        </ul>
      </Section>

      <Section id="prioridade" title="Atendimento prioritário">
        <p>{service.priority}</p>
        {service.accessibility ? <p>{service.accessibility}</p> : null}
      </Section>

      <Section id="acompanhar" title="Como acompanhar o pedido">
        <p>{service.howToFollow}</p>
        <p>{service.communication}</p>
      </Section>

      <Section id="reclamar" title="Como reclamar">
        <p>{service.complaints}</p>
        {ouvidoria && ouvidoria.id !== service.id ? (
          <p>
            <a href={`/servicos/${ouvidoria.id}`}>Falar com a Ouvidoria</a>
          </p>
        ) : null}
      </Section>

      {service.legalBasis.length > 0 ? (
        <Section id="leis" title="Leis que garantem este serviço">
          <ul class="plain-list">
            {service.legalBasis.map((law) => <li key={law}>{law}</li>)}
          </ul>
        </Section>
      ) : null}

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

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="section stack" aria-labelledby={`secao-${id}`}>
      <h2 id={`secao-${id}`}>{title}</h2>
      {children}
    </section>
  );
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

/** What "Ouvir" reads: the page's essentials in the order a person needs them. */
function spokenSummary(service: Service): string {
  const parts = [
    service.name + '.',
    service.description,
    `Quem pode pedir: ${service.whoCanRequest}`,
    service.documents.length ? `O que levar: ${service.documents.map((d) => d.name).join('; ')}.` : '',
    `Passo a passo: ${service.steps.map((s, i) => `${i + 1}: ${s.title}.`).join(' ')}`,
    `Prazo: ${formatDeadline(service.deadline)}.`,
    `Custo: ${formatCost(service.cost)}.`,
    ...service.channels.map((c) => [CHANNEL_NAMES[c.type], c.place, c.address, c.hours, c.phone].filter(Boolean).join(', ') + '.'),
  ];
  return parts.filter(Boolean).join(' ');
}
