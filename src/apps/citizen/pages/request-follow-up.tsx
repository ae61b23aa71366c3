/**
 * On /acompanhar: following a request, reclamação or sugestão from any phone or computer, by its protocol
 * and follow-up code (shared/contract/request-follow-up.ts). Nothing typed here is kept: not in the
 * address, the history or the phone's storage. It needs a connection, and says so when there is none.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { RequestFollowUpSchema, normalizeFollowUpCode, type RequestFollowUp } from '../../../shared/contract/request-follow-up.ts';
import { STATUS_LABELS } from '../../../shared/contract/status.ts';
import { bahiaDay } from '../../../shared/dates.ts';
import { formatDueDay } from '../../../shared/deadlines.ts';
import { callApi } from '../../../sync/api.ts';
import { useCharter } from '../charter/use-charter.ts';
import { serviceById } from '../charter/lookup.ts';
import { dateWords, kindWords } from '../outbox-ui/state-words.ts';

type Lookup =
  | { name: 'idle' }
  | { name: 'loading' }
  | { name: 'found'; followUp: RequestFollowUp }
  | { name: 'problem'; message: string };

const PROBLEMS = {
  notFound: 'Não encontramos um pedido com este protocolo e este código. Confira os dois e tente de novo.',
  busy: 'Muitas consultas seguidas. Espere um minuto e tente de novo.',
  offline: 'Sem conexão. A consulta precisa de internet: tente de novo quando houver sinal.',
  failed: 'A consulta não foi concluída. Tente de novo em instantes.',
} as const;

const PROTOCOL = /^\d{4}-\d{6,9}$/;

async function lookUp(protocol: string, code: string): Promise<Lookup> {
  // No cookie and no referrer: the reading is about the protocol and the code, and nothing else.
  const answer = await callApi('/api/pedidos/acompanhar', RequestFollowUpSchema, {
    method: 'POST', body: { protocol, code }, init: { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' },
  });
  if (answer.status === 0) return { name: 'problem', message: PROBLEMS.offline };
  if (answer.status === 404) return { name: 'problem', message: PROBLEMS.notFound };
  if (answer.status === 429) return { name: 'problem', message: PROBLEMS.busy };
  if (!answer.ok) return { name: 'problem', message: PROBLEMS.failed };
  return { name: 'found', followUp: answer.value };
}

interface Errors {
  protocol?: string;
  code?: string;
}

/** The two fields' messages: each says what the right form is. */
function check(protocol: string, code: string): Errors {
  const errors: Errors = {};
  if (!PROTOCOL.test(protocol)) errors.protocol = 'O protocolo tem o ano, um traço e seis números, como 2026-000123.';
  if (!normalizeFollowUpCode(code)) errors.code = 'O código tem 8 letras e números, como K7QM-4XPA.';
  return errors;
}

export function RequestFollowUpSection() {
  const [protocol, setProtocol] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [lookup, setLookup] = useState<Lookup>({ name: 'idle' });
  const resultRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (lookup.name === 'found' || lookup.name === 'problem') resultRef.current?.focus();
  }, [lookup]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const typedProtocol = protocol.trim();
    const found = check(typedProtocol, code);
    setErrors(found);
    if (found.protocol || found.code) {
      document.getElementById(found.protocol ? 'protocolo' : 'codigo')?.focus();
      return;
    }
    setLookup({ name: 'loading' });
    setLookup(await lookUp(typedProtocol, normalizeFollowUpCode(code)!));
  };

  return (
    <section class="stack section" aria-labelledby="acompanhar-pedido">
      <h2 id="acompanhar-pedido">Pedido, reclamação ou sugestão</h2>
      <p>Use o protocolo e o código de acompanhamento que aparecem em "Minhas solicitações", no aparelho onde o pedido foi feito.</p>
      <form class="stack" noValidate onSubmit={(event) => void submit(event)} data-testid="request-follow-up-form">
        <div class="field">
          <label for="protocolo">Protocolo</label>
          <input id="protocolo" name="protocolo" type="text" inputMode="numeric" autoComplete="off" spellcheck={false} maxLength={20} value={protocol}
            aria-invalid={errors.protocol ? 'true' : undefined} aria-describedby={errors.protocol ? 'protocolo-erro' : undefined}
            onInput={(event) => setProtocol((event.currentTarget as HTMLInputElement).value)} />
          {errors.protocol && <p class="field-error" id="protocolo-erro">{errors.protocol}</p>}
        </div>
        <div class="field">
          <label for="codigo">Código de acompanhamento</label>
          <input id="codigo" name="codigo" type="text" autoCapitalize="characters" autoComplete="off" spellcheck={false} maxLength={12} value={code}
            aria-invalid={errors.code ? 'true' : undefined} aria-describedby={errors.code ? 'codigo-ajuda codigo-erro' : 'codigo-ajuda'}
            onInput={(event) => setCode((event.currentTarget as HTMLInputElement).value)} />
          <p class="field-hint" id="codigo-ajuda">8 letras e números, por exemplo K7QM-4XPA. Maiúsculas ou minúsculas, tanto faz.</p>
          {errors.code && <p class="field-error" id="codigo-erro">{errors.code}</p>}
        </div>
        <p><button type="submit" class="button button-primary" disabled={lookup.name === 'loading'}>{lookup.name === 'loading' ? 'Consultando…' : 'Ver a situação do pedido'}</button></p>
      </form>
      {lookup.name === 'problem' && (
        <div class="notice notice-error" data-testid="request-follow-up-problem">
          <h3 tabindex={-1} ref={resultRef} class="visually-hidden">Resultado da consulta do pedido</h3>
          <p>{lookup.message}</p>
        </div>
      )}
      {lookup.name === 'found' && <RequestCourse followUp={lookup.followUp} headingRef={resultRef} />}
    </section>
  );
}

function RequestCourse({ followUp, headingRef }: { followUp: RequestFollowUp; headingRef: { current: HTMLHeadingElement | null } }) {
  const { charter } = useCharter();
  const service = charter ? serviceById(charter, followUp.serviceId) : undefined;
  const finished = followUp.status === 'done' || followUp.status === 'declined';
  return (
    <div class="stack" data-testid="request-follow-up">
      <h3 tabindex={-1} ref={headingRef}>{kindWords(followUp.kind)} {followUp.protocol}</h3>
      {service && <p>{service.name}</p>}
      <p>Situação: <strong data-testid="request-follow-up-status">{STATUS_LABELS[followUp.status]}</strong></p>
      <p>Recebido em {dateWords(followUp.receivedAt)}.</p>
      {followUp.dueAt && !finished && <p>Prazo: até {formatDueDay(bahiaDay(followUp.dueAt))}</p>}
      {followUp.status === 'waiting_citizen' && <p class="notice">A Prefeitura fez uma pergunta. Responda no aparelho onde o pedido foi feito, em "Minhas solicitações".</p>}
      {followUp.history.length > 0 && (
        <ol class="history">
          {followUp.history.map((event, i) => (
            <li key={i}>{dateWords(event.at)}: {STATUS_LABELS[event.status]}{event.note ? ` — ${event.note}` : ''}</li>
          ))}
        </ol>
      )}
    </div>
  );
}
