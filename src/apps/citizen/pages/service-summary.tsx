/** The summary box at the top of a service's page: where, when, how long, how much, what to bring. */
import type { ComponentChildren } from 'preact';
import type { FormDefinition } from '../../../shared/contract/forms.ts';
import type { Service } from '../../../shared/contract/charter.ts';
import { INTEGRITY_SERVICE_ID } from '../../../shared/contract/integrity-service.ts';
import { firstSentence, formatCost, formatDeadline } from '../ui/format.ts';
import { CHANNEL_NAMES } from './service-sections.tsx';

export interface SummaryFact {
  label: string;
  value: ComponentChildren;
  spoken: string;
}

/**
 * What a person needs before leaving home, in this order: where, when, how long at most, how much, what
 * to bring. The place is the first in-person channel (the others are under "Onde e quando").
 */
export function summaryFacts(service: Service): SummaryFact[] {
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

export function SummaryBox({ service, form, facts }: { service: Service; form: FormDefinition | undefined; facts: SummaryFact[] }) {
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

