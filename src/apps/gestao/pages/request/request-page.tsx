/**
 * /gestao/pedidos/:id — one request: every answer under its label, the photos and documents, the place,
 * the whole story (what the citizen reads apart from internal notes), and the actions the role allows.
 * After each action the page reads the request again and says what happened (a polite live region).
 */
import { useState } from 'preact/hooks';
import type { SubmissionStatus } from '../../../../shared/contract/status.ts';
import { RequestDetailSchema, type CharterDirectory, type RequestDetail } from '../../../../shared/contract/staff.ts';
import type { PageProps } from '../../../common/navigation.tsx';
import { api } from '../../api.ts';
import { useDirectory } from '../../directory.ts';
import { can, useSession, type SessionState } from '../../session.ts';
import { useStaffPageTitle } from '../../ui/page-title.ts';
import { useLoad, type LoadFailure } from '../../ui/use-load.ts';
import { KIND_WORDS, protocolWords } from '../../ui/words.ts';
import { AssignForm } from './actions/assign-form.tsx';
import { ExtendForm } from './actions/extend-form.tsx';
import { ForwardForm } from './actions/forward-form.tsx';
import { InternalAnswerForm } from './actions/internal-answer-form.tsx';
import { NoteForm } from './actions/note-form.tsx';
import { QuestionForm } from './actions/question-form.tsx';
import { StatusForm } from './actions/status-form.tsx';
import { TransferForm } from './actions/transfer-form.tsx';
import { RequestAnswers, RequestAttachments, RequestFacts, RequestPlace } from './request-facts.tsx';
import { RequestStory } from './story.tsx';

const CLOSED: readonly SubmissionStatus[] = ['done', 'declined'];
const BREADCRUMB = <p class="breadcrumb"><a href="/gestao/pedidos">Pedidos</a></p>;

export default function RequestPage({ params }: PageProps) {
  const id = params.id ?? '';
  const load = useLoad(() => api(RequestDetailSchema, `/api/gestao/requests/${encodeURIComponent(id)}`), [id]);
  /** Transferred out of this person's reach: the page says where it went instead of "de outra equipe". */
  const [transferredTo, setTransferredTo] = useState<string | null>(null);
  const session = useSession();
  const directory = useDirectory();
  useStaffPageTitle(load.value && !load.failure ? protocolWords(load.value.protocol) : 'Pedido');

  if (load.failure) return <RequestFailure failure={load.failure} transferredTo={transferredTo} retry={() => void load.reload()} />;
  if (!load.value) return <div class="page stack">{BREADCRUMB}<h1>Pedido</h1><p>Carregando…</p></div>;
  const request = load.value;
  return (
    <div class="page stack">
      {BREADCRUMB}
      <h1>{protocolWords(request.protocol)}</h1>
      <p class="lead">{request.kind !== 'request' ? `${KIND_WORDS[request.kind]}: ` : ''}{request.serviceName}</p>
      <RequestFacts request={request} directory={directory} />
      <RequestAnswers request={request} />
      <RequestAttachments request={request} />
      <RequestPlace request={request} directory={directory} />
      <RequestStory events={request.events} />
      <RequestActions request={request} reload={load.reload} session={session} directory={directory} onAway={setTransferredTo} />
    </div>
  );
}

function RequestFailure({ failure, transferredTo, retry }: { failure: LoadFailure; transferredTo: string | null; retry: () => void }) {
  if (transferredTo && failure.status === 403) {
    return (
      <div class="page stack">
        {BREADCRUMB}
        <h1>Pedido transferido</h1>
        <p class="notice notice-success">O pedido foi transferido para {transferredTo} e saiu da sua lista.</p>
      </div>
    );
  }
  return (
    <div class="page stack">
      {BREADCRUMB}
      <h1>{failure.status === 403 ? 'Pedido de outra equipe' : failure.status === 404 ? 'Pedido não encontrado' : 'Não foi possível abrir o pedido'}</h1>
      <p class="notice notice-error" data-testid="request-error">{failure.message}</p>
      {failure.status !== 403 && failure.status !== 404 && <p><button type="button" class="button button-secondary" onClick={retry}>Tentar de novo</button></p>}
    </div>
  );
}

interface ActionsProps {
  request: RequestDetail;
  reload: () => Promise<boolean>;
  session: SessionState;
  directory: CharterDirectory | null;
  onAway: (name: string) => void;
}

/** The actions this person's roles allow on this request, in the order they are usually taken. */
function RequestActions({ request, reload, session, directory, onAway }: ActionsProps) {
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
  if (!(answer || assign || transfer || ouvidoria || internalAnswer)) return null;
  return (
    <section class="section stack" aria-labelledby="acoes">
      <h2 id="acoes">O que fazer</h2>
      {ouvidoria && !closed && <ForwardForm request={request} reload={reload} directory={directory} />}
      {internalAnswer && <InternalAnswerForm request={request} reload={reload} />}
      {extend && <ExtendForm request={request} reload={reload} />}
      {answerCitizen && <StatusForm request={request} reload={reload} />}
      {answerCitizen && !closed && <QuestionForm request={request} reload={reload} />}
      {answer && <NoteForm request={request} reload={reload} />}
      {assign && <AssignForm request={request} reload={reload} />}
      {transfer && <TransferForm request={request} reload={reload} directory={directory} onAway={onAway} />}
    </section>
  );
}
