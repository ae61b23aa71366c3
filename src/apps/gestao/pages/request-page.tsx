/**
 * /gestao/pedidos/:id — one request: every answer under its label, the photos and documents, the place,
 * the whole story (what the citizen reads apart from internal notes), and the actions the role allows.
 * After each action the page reads the request again and says what happened (a polite live region).
 */
import { useEffect, useState } from 'preact/hooks';
import { SUBMISSION_STATUSES, type SubmissionStatus } from '../../../shared/contract/status.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import {
  AssignSchema, ColleaguesSchema, ExtensionSchema, ForwardSchema, InternalAnswerSchema, NoteSchema, OkSchema, QuestionSchema, RequestDetailSchema,
  StatusChangeSchema, TransferSchema,
  type CharterDirectory, type Colleague, type RequestDetail, type RequestEvent,
} from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { ApiFailure, api, failureWords } from '../api.ts';
import { districtName, secretariatName, useDirectory } from '../directory.ts';
import { can, useSession } from '../session.ts';
import { ActionResult, useAction } from '../ui/action.tsx';
import { announce } from '../ui/announce.ts';
import { FormError, SelectField, TextArea, focusFirstInvalid, inputValue } from '../ui/fields.tsx';
import { usePageTitle } from '../ui/page-title.ts';
import { EVENT_WORDS, FLAG_WORDS, KIND_WORDS, STATUS_WORDS, dateTimeWords, dateWords, protocolWords } from '../ui/words.ts';

const CLOSED: readonly SubmissionStatus[] = ['done', 'declined'];
/** Waiting for the citizen is reached by asking a question, never chosen in the list. */
const CHOOSABLE = SUBMISSION_STATUSES.filter((status) => status !== 'waiting_citizen' && status !== 'received');

type Load = { state: 'loading' } | { state: 'ok'; detail: RequestDetail } | { state: 'failed'; status: number; message: string };

function sizeWords(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`;
}

export default function RequestPage({ params }: PageProps) {
  const id = params.id ?? '';
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  /** Transferred out of this person's reach: the page says where it went instead of "de outra equipe". */
  const [transferredTo, setTransferredTo] = useState<string | null>(null);
  const session = useSession();
  const directory = useDirectory();
  const detail = load.state === 'ok' ? load.detail : null;
  usePageTitle(detail ? protocolWords(detail.protocol) : 'Pedido');

  const reload = async (): Promise<boolean> => {
    try {
      setLoad({ state: 'ok', detail: await api(RequestDetailSchema, `/api/gestao/requests/${encodeURIComponent(id)}`) });
      return true;
    } catch (error) {
      setLoad({ state: 'failed', status: error instanceof ApiFailure ? error.status : 0, message: failureWords(error) });
      return false;
    }
  };
  useEffect(() => {
    setLoad({ state: 'loading' });
    void reload();
  }, [id]);

  if (load.state === 'loading') return <div class="page stack"><p class="breadcrumb"><a href="/gestao/pedidos">Pedidos</a></p><h1>Pedido</h1><p>Carregando…</p></div>;
  if (load.state === 'failed' && transferredTo && load.status === 403) {
    return (
      <div class="page stack">
        <p class="breadcrumb"><a href="/gestao/pedidos">Pedidos</a></p>
        <h1>Pedido transferido</h1>
        <p class="notice notice-success">O pedido foi transferido para {transferredTo} e saiu da sua lista.</p>
      </div>
    );
  }
  if (load.state === 'failed') {
    return (
      <div class="page stack">
        <p class="breadcrumb"><a href="/gestao/pedidos">Pedidos</a></p>
        <h1>{load.status === 403 ? 'Pedido de outra equipe' : load.status === 404 ? 'Pedido não encontrado' : 'Não foi possível abrir o pedido'}</h1>
        <p class="notice notice-error" data-testid="request-error">{load.message}</p>
        {load.status !== 403 && load.status !== 404 && <p><button type="button" class="button button-secondary" onClick={() => void reload()}>Tentar de novo</button></p>}
      </div>
    );
  }
  const request = load.detail;
  const closed = CLOSED.includes(request.status);
  const manifestation = request.kind === 'manifestation';
  // A manifestação is answered to the citizen by the Ouvidoria; the secretariat it went to answers the Ouvidoria.
  const ouvidoria = manifestation && can(session, 'manifestations.forward');
  const answer = can(session, 'requests.answer');
  const answerCitizen = answer && (!manifestation || ouvidoria);
  const assign = can(session, 'requests.assign');
  const transfer = can(session, 'requests.transfer') && !manifestation;
  const internalAnswer = manifestation && !!request.forwardedTo && can(session, 'manifestations.internal_answer');
  // Shown once extended too: it says the law allows no second extension (and what just happened).
  const extend = ouvidoria && (request.extended || !closed);

  return (
    <div class="page stack">
      <p class="breadcrumb"><a href="/gestao/pedidos">Pedidos</a></p>
      <h1>{protocolWords(request.protocol)}</h1>
      <p class="lead">{request.kind !== 'request' ? `${KIND_WORDS[request.kind]}: ` : ''}{request.serviceName}</p>
      <dl class="facts facts-inline" data-testid="request-facts">
        <div><dt>Situação</dt><dd data-testid="request-status">{STATUS_WORDS[request.status]}</dd></div>
        <div><dt>Prazo</dt><dd data-testid="request-due">{request.dueAt ? dateWords(request.dueAt) : 'sem prazo'}{request.flag ? <> <span class={`flag flag-${request.flag}`}>{manifestation && request.flag === 'due_soon' ? 'faltam 5 dias ou menos' : FLAG_WORDS[request.flag]}</span></> : null}</dd></div>
        {manifestation && (
          <div><dt>Prazo legal</dt><dd data-testid="legal-deadline">{request.extended ? '60 dias: 30 dias, prorrogados uma vez por mais 30' : '30 dias (Lei 13.460), prorrogável uma vez por mais 30'}</dd></div>
        )}
        {manifestation && <div><dt>Encaminhada para</dt><dd data-testid="forwarded-to">{request.forwardedTo ? secretariatName(directory, request.forwardedTo) : 'ainda não encaminhada'}</dd></div>}
        <div><dt>Recebido em</dt><dd>{dateTimeWords(request.receivedAt)}</dd></div>
        <div><dt>Preenchido no aparelho em</dt><dd>{dateTimeWords(request.createdAt)}</dd></div>
        <div><dt>Secretaria</dt><dd>{secretariatName(directory, request.secretariatId)}</dd></div>
        <div><dt>Responsável</dt><dd>{request.assignedTo?.name ?? 'ninguém ainda'}</dd></div>
        <div><dt>Formulário</dt><dd>{request.formTitle} (versão {request.formVersion})</dd></div>
      </dl>

      <section class="section stack" aria-labelledby="respostas">
        <h2 id="respostas">Respostas do cidadão</h2>
        {request.answers.length === 0 ? <p>Nenhuma resposta.</p> : (
          <dl class="facts answers">
            {request.answers.map((a) => <div key={a.fieldId}><dt>{a.label}</dt><dd>{a.value}</dd></div>)}
          </dl>
        )}
        {request.identityWithheld && (
          <p class="notice">O nome e os contatos de quem fez a manifestação ficam só com a Ouvidoria: a pessoa não autorizou mostrá-los à secretaria.</p>
        )}
      </section>

      {request.attachments.length > 0 && (
        <section class="section stack" aria-labelledby="anexos">
          <h2 id="anexos">Fotos e documentos</h2>
          <ul class="attachments">
            {request.attachments.map((file, i) => {
              const href = `/api/gestao/requests/${request.id}/attachments/${file.sha256}`;
              return file.type === 'application/pdf' ? (
                <li key={file.sha256}><a href={href} download>Baixar documento PDF {i + 1} — {file.label} ({sizeWords(file.size)})</a></li>
              ) : (
                <li key={file.sha256}>
                  <figure>
                    <img src={href} alt={`Foto ${i + 1} enviada em “${file.label}”`} loading="lazy" />
                    <figcaption><a href={href} target="_blank" rel="noopener">Abrir a foto {i + 1} em tamanho real</a> ({sizeWords(file.size)})</figcaption>
                  </figure>
                </li>
              );
            })}
          </ul>
        </section>
      )}

      {request.location && (
        <section class="section stack" aria-labelledby="local">
          <h2 id="local">Local</h2>
          <p>{[request.location.village, request.location.district ? districtName(directory, request.location.district) : undefined].filter(Boolean).join(' · ') || 'Ponto marcado no mapa'}
            {request.location.lat !== undefined && request.location.lng !== undefined
              ? ` (${request.location.lat}, ${request.location.lng}${request.location.accuracy !== undefined ? `, precisão de ${Math.round(request.location.accuracy)} m` : ''})`
              : ''}</p>
          {request.location.mapUrl && <p><a href={request.location.mapUrl} target="_blank" rel="noopener noreferrer">Ver o ponto no mapa (OpenStreetMap, abre em outra aba)</a></p>}
        </section>
      )}

      <section class="section stack" aria-labelledby="historia">
        <h2 id="historia">Histórico</h2>
        <ol class="story" data-testid="story">
          {request.events.map((event, i) => <StoryEvent key={i} event={event} />)}
        </ol>
      </section>

      {(answer || assign || transfer || ouvidoria || internalAnswer) && (
        <section class="section stack" aria-labelledby="acoes">
          <h2 id="acoes">O que fazer</h2>
          {ouvidoria && !closed && <ForwardForm request={request} reload={reload} directory={directory} />}
          {internalAnswer && <InternalAnswerForm request={request} reload={reload} />}
          {extend && <ExtendForm request={request} reload={reload} />}
          {answerCitizen && <StatusForm request={request} reload={reload} />}
          {answerCitizen && !closed && <QuestionForm request={request} reload={reload} />}
          {answer && <NoteForm request={request} reload={reload} />}
          {assign && <AssignForm request={request} reload={reload} />}
          {transfer && <TransferForm request={request} reload={reload} directory={directory} onAway={setTransferredTo} />}
        </section>
      )}
    </div>
  );
}

function StoryEvent({ event }: { event: RequestEvent }) {
  const title = event.type === 'status' && event.status ? `${EVENT_WORDS.status}: ${STATUS_WORDS[event.status]}` : EVENT_WORDS[event.type];
  return (
    <li class={event.public ? 'event-public' : 'event-internal'} data-testid="story-event" data-type={event.type}>
      <p class="event-head">
        <strong>{title}</strong> · {dateTimeWords(event.at)}{event.by ? ` · por ${event.by}` : event.type === 'reply' ? ' · pelo cidadão' : ''}
      </p>
      {event.text && <p class="event-text">{event.text}</p>}
      <p class="event-audience">{event.public ? 'O cidadão vê' : 'Interno: o cidadão não vê'}</p>
    </li>
  );
}

interface ActionProps {
  request: RequestDetail;
  reload: () => Promise<boolean>;
}

function post(request: RequestDetail, action: string, body: unknown) {
  return api(OkSchema, `/api/gestao/requests/${request.id}/${action}`, { method: 'POST', body });
}

function StatusForm({ request, reload }: ActionProps) {
  const [status, setStatus] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<{ status?: string; note?: string }>({});
  const action = useAction();
  const declined = status === 'declined';

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!status) found.status = 'Escolha a nova situação.';
    const body = { status, ...(note.trim() ? { note } : {}) };
    const parsed = parseContract(StatusChangeSchema, body);
    if (!parsed.ok) {
      if (parsed.fields.note) found.note = parsed.fields.note;
      if (parsed.fields['(raiz)']) found.note = 'Diga o motivo de “Não atendido”: o cidadão vai ler.';
    }
    setErrors(found);
    if (found.status || found.note || !parsed.ok) {
      focusFirstInvalid(event.currentTarget);
      return;
    }
    const ok = await action.run(async () => {
      await post(request, 'status', parsed.value);
      await reload();
      return `Situação mudada para “${STATUS_WORDS[parsed.value.status]}”.${parsed.value.note ? ' O cidadão verá a mensagem no aplicativo.' : ''}`;
    });
    if (ok) {
      setStatus('');
      setNote('');
    }
  };

  return (
    <section class="action stack" aria-labelledby="acao-situacao">
      <h3 id="acao-situacao">Mudar a situação</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ status: 'Situação', note: 'Mensagem' }} />
        <SelectField id="nova-situacao" label="Nova situação" value={status} error={errors.status} onChange={(event) => setStatus(inputValue(event))}>
          <option value="">Escolha…</option>
          {CHOOSABLE.map((s) => <option key={s} value={s}>{STATUS_WORDS[s]}</option>)}
        </SelectField>
        {request.templates.length > 0 && (
          <SelectField id="modelo" label="Usar um modelo de resposta" hint="O texto do modelo vai para a mensagem; você pode mudá-lo antes de enviar." value=""
            onChange={(event) => {
              const chosen = request.templates.find((t) => t.id === inputValue(event));
              if (chosen) setNote(chosen.text);
            }}>
            <option value="">Escolha um modelo…</option>
            {request.templates.map((t) => <option key={t.id} value={t.id}>{t.title}</option>)}
          </SelectField>
        )}
        <TextArea id="mensagem-cidadao" label={declined ? 'Mensagem ao cidadão (obrigatória: o motivo)' : 'Mensagem ao cidadão (opcional)'}
          hint="O cidadão lê esta mensagem no aplicativo. Escreva de forma simples." maxLength={2000} value={note} error={errors.note}
          onInput={(event) => setNote(inputValue(event))} />
        <p><button type="submit" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Enviando…' : 'Mudar a situação'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}

function QuestionForm({ request, reload }: ActionProps) {
  const [question, setQuestion] = useState('');
  const [error, setError] = useState<string | undefined>();
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseContract(QuestionSchema, { question });
    setError(parsed.ok ? undefined : parsed.fields.question ?? 'Escreva a pergunta.');
    if (!parsed.ok) {
      focusFirstInvalid(event.currentTarget);
      return;
    }
    if (await action.run(async () => {
      await post(request, 'question', parsed.value);
      await reload();
      return 'Pergunta enviada. O pedido aguarda a resposta do cidadão, e o prazo fica parado até ela chegar.';
    })) setQuestion('');
  };
  return (
    <section class="action stack" aria-labelledby="acao-pergunta">
      <h3 id="acao-pergunta">Perguntar ao cidadão</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ question: 'Pergunta' }} />
        <TextArea id="pergunta" label="Pergunta" hint="O cidadão lê e responde no aplicativo. Enquanto isso o pedido fica “Aguardando o cidadão” e o prazo para de contar."
          maxLength={2000} value={question} error={error} onInput={(event) => setQuestion(inputValue(event))} />
        <p><button type="submit" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Enviando…' : 'Perguntar ao cidadão'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}

function NoteForm({ request, reload }: ActionProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseContract(NoteSchema, { text });
    setError(parsed.ok ? undefined : parsed.fields.text ?? 'Escreva a nota.');
    if (!parsed.ok) {
      focusFirstInvalid(event.currentTarget);
      return;
    }
    if (await action.run(async () => {
      await post(request, 'notes', parsed.value);
      await reload();
      return 'Nota interna guardada no histórico.';
    })) setText('');
  };
  return (
    <section class="action stack" aria-labelledby="acao-nota">
      <h3 id="acao-nota">Nota interna</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ text: 'Nota' }} />
        <TextArea id="nota-interna" label="Nota para a equipe" hint="Interno: o cidadão não vê." maxLength={4000} value={text} error={error}
          onInput={(event) => setText(inputValue(event))} />
        <p><button type="submit" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Guardando…' : 'Guardar nota interna'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}

function AssignForm({ request, reload }: ActionProps) {
  const [colleagues, setColleagues] = useState<Colleague[] | null>(null);
  const [loadFailure, setLoadFailure] = useState<string | null>(null);
  const [chosen, setChosen] = useState(request.assignedTo?.id ?? '');
  const action = useAction();
  useEffect(() => {
    api(ColleaguesSchema, '/api/gestao/colleagues').then((answer) => setColleagues(answer.colleagues), (error) => setLoadFailure(failureWords(error)));
  }, []);
  const eligible = (colleagues ?? []).filter((c) => c.secretariats.includes(request.secretariatId));
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseContract(AssignSchema, { accountId: chosen || null });
    if (!parsed.ok) return;
    const name = eligible.find((c) => c.id === chosen)?.name;
    await action.run(async () => {
      await post(request, 'assign', parsed.value);
      await reload();
      return name ? `Pedido atribuído a ${name}.` : 'O pedido ficou sem responsável.';
    });
  };
  return (
    <section class="action stack" aria-labelledby="acao-atribuir">
      <h3 id="acao-atribuir">Atribuir a um colega</h3>
      {loadFailure && <p class="notice notice-error">{loadFailure}</p>}
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} />
        <SelectField id="responsavel" label="Responsável" value={chosen} onChange={(event) => setChosen(inputValue(event))}>
          <option value="">Ninguém</option>
          {eligible.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </SelectField>
        <p><button type="submit" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Atribuindo…' : 'Atribuir'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}

function TransferForm({ request, reload, directory, onAway }: ActionProps & { directory: CharterDirectory | null; onAway: (name: string) => void }) {
  const [secretariat, setSecretariat] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const others = (directory?.secretariats ?? []).filter((s) => s.id !== request.secretariatId);
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseContract(TransferSchema, { secretariatId: secretariat, reason });
    const found: Record<string, string> = {};
    if (!secretariat) found.secretariatId = 'Escolha a secretaria.';
    if (!parsed.ok && parsed.fields.reason) found.reason = parsed.fields.reason;
    setErrors(found);
    if (!parsed.ok || Object.keys(found).length) {
      focusFirstInvalid(event.currentTarget);
      return;
    }
    const name = secretariatName(directory, secretariat);
    await action.run(async () => {
      await post(request, 'transfer', parsed.value);
      // A transfer out of the person's secretariats takes the request out of their reach: the page says so.
      onAway(name);
      if (!(await reload())) announce(`Pedido transferido para ${name}. Ele saiu da sua lista.`);
      return `Pedido transferido para ${name}.`;
    });
  };
  return (
    <section class="action stack" aria-labelledby="acao-transferir">
      <h3 id="acao-transferir">Transferir para outra secretaria</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ secretariatId: 'Secretaria', reason: 'Motivo' }} />
        <SelectField id="nova-secretaria" label="Secretaria" value={secretariat} error={errors.secretariatId} onChange={(event) => setSecretariat(inputValue(event))}>
          <option value="">Escolha…</option>
          {others.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <TextArea id="motivo-transferencia" label="Motivo da transferência" hint="Interno: o cidadão não vê." maxLength={1000} value={reason} error={errors.reason}
          onInput={(event) => setReason(inputValue(event))} />
        <p><button type="submit" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Transferindo…' : 'Transferir'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}

function ForwardForm({ request, reload, directory }: ActionProps & { directory: CharterDirectory | null }) {
  const [secretariat, setSecretariat] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseContract(ForwardSchema, { secretariatId: secretariat, ...(note.trim() ? { note } : {}) });
    const found: Record<string, string> = {};
    if (!secretariat) found.secretariatId = 'Escolha a secretaria.';
    if (!parsed.ok && parsed.fields.note) found.note = parsed.fields.note;
    setErrors(found);
    if (!parsed.ok || Object.keys(found).length) {
      focusFirstInvalid(form);
      return;
    }
    const name = secretariatName(directory, secretariat);
    if (await action.run(async () => {
      await post(request, 'forward', parsed.value);
      await reload();
      return `Manifestação encaminhada para ${name}. A secretaria responde à Ouvidoria por aqui.`;
    }, form)) {
      setSecretariat('');
      setNote('');
    }
  };
  return (
    <section class="action stack" aria-labelledby="acao-encaminhar">
      <h3 id="acao-encaminhar">{request.forwardedTo ? 'Encaminhar para outra secretaria' : 'Encaminhar à secretaria responsável'}</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ secretariatId: 'Secretaria', note: 'Orientação' }} />
        <SelectField id="encaminhar-secretaria" label="Secretaria responsável" hint="Só depois de encaminhada a secretaria vê a manifestação."
          value={secretariat} error={errors.secretariatId ?? action.failure?.fields?.secretariatId} onChange={(event) => setSecretariat(inputValue(event))}>
          <option value="">Escolha…</option>
          {(directory?.secretariats ?? []).filter((s) => s.id !== request.forwardedTo).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <TextArea id="encaminhar-nota" label="Orientação para a secretaria (opcional)" hint="Interno: o cidadão não vê." maxLength={2000} value={note}
          error={errors.note ?? action.failure?.fields?.note} onInput={(event) => setNote(inputValue(event))} />
        <p><button type="submit" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Encaminhando…' : 'Encaminhar'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}

function InternalAnswerForm({ request, reload }: ActionProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseContract(InternalAnswerSchema, { text });
    setError(parsed.ok ? undefined : parsed.fields.text ?? 'Escreva a resposta.');
    if (!parsed.ok) {
      focusFirstInvalid(form);
      return;
    }
    if (await action.run(async () => {
      await post(request, 'internal-answer', parsed.value);
      await reload();
      return 'Resposta enviada à Ouvidoria. Ela dará a resposta final ao cidadão.';
    }, form)) setText('');
  };
  return (
    <section class="action stack" aria-labelledby="acao-resposta-interna">
      <h3 id="acao-resposta-interna">Responder à Ouvidoria</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ text: 'Resposta' }} />
        <TextArea id="resposta-interna" label="Resposta da secretaria à Ouvidoria"
          hint="Interno: o cidadão não vê. Diga o que foi apurado ou feito; a Ouvidoria responde ao cidadão." maxLength={4000} value={text}
          error={error ?? action.failure?.fields?.text} onInput={(event) => setText(inputValue(event))} />
        <p><button type="submit" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Enviando…' : 'Enviar resposta à Ouvidoria'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}

function ExtendForm({ request, reload }: ActionProps) {
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<string | undefined>();
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseContract(ExtensionSchema, { justification });
    setError(parsed.ok ? undefined : parsed.fields.justification ?? 'Explique a prorrogação.');
    if (!parsed.ok) {
      focusFirstInvalid(form);
      return;
    }
    if (await action.run(async () => {
      await post(request, 'extend', parsed.value);
      await reload();
      return 'Prazo prorrogado por mais 30 dias. O cidadão lê a justificativa no aplicativo.';
    }, form)) setJustification('');
  };
  if (request.extended) {
    return (
      <section class="action stack" aria-labelledby="acao-prorrogar">
        <h3 id="acao-prorrogar">Prazo prorrogado</h3>
        <p>O prazo já foi prorrogado uma vez por 30 dias; a lei não permite outra prorrogação.</p>
        <ActionResult text={action.done} />
      </section>
    );
  }
  return (
    <section class="action stack" aria-labelledby="acao-prorrogar">
      <h3 id="acao-prorrogar">Prorrogar o prazo por 30 dias</h3>
      <p>A lei permite prorrogar uma só vez{request.dueAt ? `; o prazo passa de ${dateWords(request.dueAt)} para 30 dias depois` : ''}.</p>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ justification: 'Justificativa' }} />
        <TextArea id="justificativa-prorrogacao" label="Justificativa (o cidadão vai ler)" hint="Pelo menos 20 caracteres. Explique de forma simples por que precisa de mais tempo."
          maxLength={1000} value={justification} error={error ?? action.failure?.fields?.justification} onInput={(event) => setJustification(inputValue(event))} />
        <p><button type="submit" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Prorrogando…' : 'Prorrogar o prazo'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}
