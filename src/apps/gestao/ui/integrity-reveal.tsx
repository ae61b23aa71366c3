/**
 * Revealing a preserved identity takes two people. On a report, the one who needs the identity asks with a
 * justification; another controladoria account decides on the list page ("Pedidos para revelar
 * identidade"); once approved, the identity is shown to the one who asked, each view audited.
 */
import { useState } from 'preact/hooks';
import {
  RevealAnswerSchema, RevealRequestSchema, RevealRequestsSchema, RevealRequestViewSchema, type IntegrityDetail, type RevealRequestView,
} from '../../../shared/contract/integrity-staff.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import * as v from 'valibot';
import { api } from '../api.ts';
import { ActionResult, useAction } from './action.tsx';
import { FormError, TextArea, focusFirstInvalid, inputValue } from './fields.tsx';
import { useLoad } from './use-load.ts';
import { ANSWER_LABELS, answerWords } from './integrity-words.ts';

const RequestAnswerSchema = v.object({ request: RevealRequestViewSchema });

export function Identity({ identity }: { identity: Record<string, unknown> }) {
  return (
    <dl class="facts answers" data-testid="integrity-identity">
      {Object.entries(identity).map(([key, value]) => <div key={key}><dt>{ANSWER_LABELS[key] ?? key}</dt><dd>{answerWords(value)}</dd></div>)}
    </dl>
  );
}

/** On a report with a preserved identity: ask, wait for a colleague's decision, then see it. */
export function RevealForm({ report, reload }: { report: IntegrityDetail; reload: () => Promise<boolean> }) {
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [identity, setIdentity] = useState<Record<string, unknown> | null>(null);
  const action = useAction();
  const state = report.reveal.state;
  const ask = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseContract(RevealRequestSchema, { justification });
    setError(parsed.ok ? undefined : parsed.fields.justification ?? 'Explique o motivo.');
    if (!parsed.ok) {
      focusFirstInvalid(form);
      return;
    }
    await action.run(async () => {
      await api(RequestAnswerSchema, `/api/gestao/integridade/${report.id}/revelar`, { method: 'POST', body: parsed.value });
      await reload();
      return 'Pedido enviado. Outra pessoa da controladoria precisa aprovar; depois, a identidade aparece aqui só para você.';
    }, form);
  };
  const see = () => action.run(async () => {
    setIdentity((await api(RevealAnswerSchema, `/api/gestao/integridade/${report.id}/identidade`)).identity);
    return 'Identidade mostrada. Cada vez que você a vê fica registrado na auditoria.';
  });
  return (
    <section class="section stack" aria-labelledby="revelar">
      <h2 id="revelar">Revelar identidade</h2>
      <div class="notice notice-warning stack">
        <p><strong>Atenção: revelar a identidade fica registrado na auditoria</strong>, com o seu nome, a data, a hora e a justificativa.</p>
        <p>O denunciante pediu identidade preservada (Decreto 10.153/2019). Revelar precisa de duas pessoas: você pede, e outra pessoa da controladoria aprova ou recusa.</p>
      </div>
      {state === 'pending' && <p class="notice" data-testid="reveal-state">Seu pedido aguarda a decisão de outra pessoa da controladoria.</p>}
      {state === 'approved' && (identity ? <Identity identity={identity} /> : (
        <>
          <p class="notice" data-testid="reveal-state">Seu pedido foi aprovado. A identidade aparece só para você, e cada vez fica registrada.</p>
          <p><button type="button" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined} onClick={() => void see()}>Ver a identidade</button></p>
          <FormError message={action.failure?.message} />
        </>
      ))}
      {(state === 'none' || state === 'refused') && (
        <form class="stack" onSubmit={(event) => void ask(event)} noValidate>
          {state === 'refused' && <p class="notice" data-testid="reveal-state">Seu último pedido foi recusado. Você pode pedir de novo, com outra justificativa.</p>}
          <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ justification: 'Justificativa' }} />
          <TextArea id="justificativa-revelar" label="Justificativa para revelar a identidade" hint="Pelo menos 20 caracteres. Fica registrada na auditoria e é lida por quem vai decidir."
            maxLength={500} value={justification} error={error ?? action.failure?.fields?.justification} onInput={(event) => setJustification(inputValue(event))} />
          <p><button type="submit" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Enviando…' : 'Pedir para revelar'}</button></p>
        </form>
      )}
      <ActionResult text={action.done} />
    </section>
  );
}

/** On the list page: colleagues' open requests, to approve or refuse (never one's own). */
export function RevealRequestsPanel() {
  const { value: requests, failure, reload } = useLoad(async () => (await api(RevealRequestsSchema, '/api/gestao/integridade/revelacoes')).toDecide, []);
  const action = useAction();
  const decide = (request: RevealRequestView, decision: 'approved' | 'refused') => action.run(async () => {
    await api(RequestAnswerSchema, `/api/gestao/integridade/revelacoes/${request.id}/decisao`, { method: 'POST', body: { decision } });
    await reload();
    return decision === 'approved'
      ? `Pedido de ${request.requestedBy} aprovado. A identidade aparece só para quem pediu; a aprovação ficou registrada com os dois nomes.`
      : `Pedido de ${request.requestedBy} recusado. A recusa ficou registrada.`;
  });
  if (failure) return <p class="notice notice-error">{failure.message}</p>;
  if (!requests) return null;
  return (
    <section class="section stack" aria-labelledby="pedidos-revelar">
      <h2 id="pedidos-revelar">Pedidos para revelar identidade</h2>
      {requests.length === 0 ? <p>Nenhum pedido aguardando a sua decisão.</p> : (
        <ul class="queue-list" data-testid="reveal-requests">
          {requests.map((request) => (
            <li key={request.id} class="card stack" data-testid="reveal-request">
              <p><strong>{request.requestedBy}</strong> pede para revelar quem fez o <a href={`/gestao/integridade/${request.reportId}`}>relato</a>.</p>
              <p>Justificativa: {request.justification}</p>
              <p class="reveal-buttons">
                <button type="button" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined} onClick={() => void decide(request, 'approved')}>Aprovar o pedido de {request.requestedBy}</button>
                <button type="button" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined} onClick={() => void decide(request, 'refused')}>Recusar</button>
              </p>
            </li>
          ))}
        </ul>
      )}
      <FormError message={action.failure?.message} />
      <ActionResult text={action.done} />
    </section>
  );
}
