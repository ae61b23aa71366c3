/** /minhas-solicitacoes/:id — one record: its state in words, the server's messages, protocol and history. */
import { useEffect, useState } from 'preact/hooks';
import { STATUS_LABELS, type ProtocolReceipt } from '../../../shared/contract/status.ts';
import { groupFollowUpCode } from '../../../shared/contract/request-follow-up.ts';
import { navigate, type PageProps } from '../../common/navigation.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';
import { useCharter } from '../charter/use-charter.ts';
import { formById } from '../charter/lookup.ts';
import { getOutboxDb, isIntegrity, type OutboxRecord } from '../../../sync/outbox/db.ts';
import { useRecord } from '../outbox-ui/outbox-hooks.ts';
import { deleteRecord } from '../../../sync/outbox/drafts.ts';
import { latestNote, markNewsSeen } from '../../../sync/outbox/news.ts';
import { refreshRecordStatus } from '../../../sync/status/status-reader.ts';
import { PushOptIn } from '../outbox-ui/push-optin.tsx';
import { ReplyToQuestion } from '../outbox-ui/reply-to-question.tsx';
import { dateWords, dueWords, kindWords, progressWords, recordStateWords, sizeWords } from '../outbox-ui/state-words.ts';
import { formPath } from '../outbox-ui/record-links.ts';
import { OutboxActions } from '../outbox-ui/outbox-actions.tsx';
import { IntegrityRecordView } from '../outbox-ui/integrity-record.tsx';
import '../forms/forms.css';
import '../outbox-ui/outbox.css';

/** A rejected record: the fields the Prefeitura asked to correct, and the way back to the form. */
function Correction({ record, labelOf }: { record: OutboxRecord; labelOf: (fieldId: string) => string }) {
  return (
    <div class="stack">
      {record.fieldErrors && Object.keys(record.fieldErrors).length > 0 && (
        <ul class="plain-list" data-testid="field-errors">
          {Object.entries(record.fieldErrors).map(([field, message]) => <li key={field}><strong>{labelOf(field)}:</strong> {message}</li>)}
        </ul>
      )}
      <p><a class="button button-primary" href={formPath(record.kind, record.serviceId, { corrigir: record.id })}>Corrigir e enviar de novo</a></p>
    </div>
  );
}

/** The code that, with the protocol, follows the request from any device (shown before sending too, to be noted). */
function FollowUpCodeNote({ record, sent }: { record: OutboxRecord; sent: boolean }) {
  if (!record.followUpCode) return null;
  return (
    <>
      <p>Código de acompanhamento: <strong data-testid="follow-up-code">{groupFollowUpCode(record.followUpCode)}</strong></p>
      <p class="field-hint">{sent
        ? 'Com o protocolo e este código, você acompanha o pedido em qualquer celular ou computador, na página "Acompanhar". Passe os dois só para quem você confia.'
        : 'Anote este código. Quando o pedido chegar à Prefeitura, ele recebe um protocolo; com os dois, você acompanha o pedido em qualquer celular ou computador.'}</p>
    </>
  );
}

/** A sent record: its protocol, deadline, the city's last word and history, refreshed on request. */
function FollowUp({ record, receipt }: { record: OutboxRecord; receipt: ProtocolReceipt }) {
  const [refreshNote, setRefreshNote] = useState<string | undefined>();
  const note = latestNote(record);
  const refresh = async () => {
    setRefreshNote('Consultando a Prefeitura…');
    const ok = await refreshRecordStatus(getOutboxDb(), record.id, (input, init) => fetch(input, init));
    setRefreshNote(ok ? 'Situação atualizada agora.' : 'Sem conexão: mostramos a última situação conhecida.');
  };
  return (
    <section class="stack section" aria-labelledby="acompanhamento">
      <h2 id="acompanhamento">Acompanhamento</h2>
      <p>Protocolo: <strong data-testid="protocol">{receipt.protocol}</strong></p>
      <FollowUpCodeNote record={record} sent />
      {dueWords(record) && <p data-testid="due">{dueWords(record)}</p>}
      {note && <p class="record-note" data-testid="latest-note">Última mensagem da Prefeitura: {note}</p>}
      <p>Situação: <strong>{progressWords(record)}</strong>{record.statusCheckedAt ? ` (consultado em ${dateWords(record.statusCheckedAt)})` : ''}</p>
      {record.statusHistory && record.statusHistory.length > 0 && (
        <ol class="history">
          {record.statusHistory.map((event, i) => (
            <li key={i}>{dateWords(event.at)}: {STATUS_LABELS[event.status]}{event.note ? ` — ${event.note}` : ''}</li>
          ))}
        </ol>
      )}
      <div class="button-row">
        <button type="button" class="button button-secondary" onClick={() => void refresh()}>Atualizar situação</button>
        {record.kind === 'request' && <a class="button button-secondary" href={formPath('evaluation', record.serviceId)}>Avaliar este serviço</a>}
      </div>
      <p role="status">{refreshNote ?? ''}</p>
      <PushOptIn />
      <p class="field-hint">{record.answers
        ? 'As respostas e fotos ficam neste aparelho por alguns minutos, até a Prefeitura confirmar que guardou o pedido; depois são apagadas daqui.'
        : 'As respostas e fotos foram apagadas deste aparelho depois do envio; a Prefeitura guarda o pedido.'}</p>
    </section>
  );
}

export default function RequestDetailPage({ params, query }: PageProps) {
  const id = params.id ?? '';
  const db = getOutboxDb();
  const record = useRecord(id);
  const { charter } = useCharter();
  // A denúncia's page keeps a neutral title: it stays in the browser's history of a shared phone.
  usePageTitle(record ? (isIntegrity(record) ? 'Manifestação' : record.summary.serviceName) : 'Solicitação');
  const named = record ? !isIntegrity(record) : false;

  // Seen: whatever the city wrote so far is no longer "novo" (also when it arrives while the page is open).
  useEffect(() => {
    if (record?.state === 'sent' && named) void markNewsSeen(db, id);
  }, [record?.statusHistory?.length, record?.state]);

  useEffect(() => {
    // Never for the integrity channel: it has no status on the named path, and is followed by receipt.
    if (record?.state === 'sent' && named) void refreshRecordStatus(db, id, (input, init) => fetch(input, init));
    // Only when the record first shows as sent.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [record?.state]);

  if (record === undefined) return <div class="page"><h1 tabindex={-1}>Solicitação</h1><p role="status">Carregando…</p></div>;
  if (record === null) {
    return (
      <div class="page stack">
        <h1 tabindex={-1}>Solicitação não encontrada</h1>
        <p>Ela não está neste aparelho. <a href="/minhas-solicitacoes">Ver minhas solicitações</a></p>
      </div>
    );
  }
  const form = charter ? formById(charter, record.formId) : undefined;
  const labelOf = (fieldId: string) => form?.fields.find((f) => f.id === fieldId)?.label ?? fieldId;
  if (isIntegrity(record)) return <IntegrityRecordView record={record} fresh={query.get('novo') !== null} labelOf={labelOf} />;
  const unsent = record.state !== 'sent';
  const remove = async () => {
    if (!window.confirm('Este envio ainda não chegou à Prefeitura. Se apagar, ele se perde para sempre. Se quiser guardar, use "Salvar cópia" antes. Apagar mesmo assim?')) return;
    await deleteRecord(db, record.id);
    navigate('/minhas-solicitacoes', { replace: true });
  };
  // A sent request stays with the Prefeitura: removing it here only clears this phone (a shared phone, say).
  const removeSent = async () => {
    const protocol = record.receipt?.protocol ?? '';
    const code = record.followUpCode ? ` e o código ${groupFollowUpCode(record.followUpCode)}` : '';
    if (!window.confirm(`Remover este pedido deste aparelho? A Prefeitura continua com ele; anote o protocolo ${protocol}${code} para acompanhar por outro meio.`)) return;
    await deleteRecord(db, record.id);
    navigate('/minhas-solicitacoes', { replace: true });
  };
  return (
    <div class="page stack">
      <p class="breadcrumb"><a href="/minhas-solicitacoes">Minhas solicitações</a></p>
      <h1 tabindex={-1}>{record.summary.serviceName}</h1>
      {query.get('novo') && record.state !== 'sent' && (
        <div class="notice notice-success" role="status"><p>Guardado neste aparelho. Será enviado assim que houver conexão — você não precisa fazer mais nada.</p></div>
      )}
      <p>{kindWords(record.kind)}: {record.summary.formTitle}</p>
      <p class="record-state" data-state={record.state} data-testid="record-state">{recordStateWords(record)}</p>
      <p class="muted">Feito em {dateWords(record.createdAt)}{unsent ? ` · ${sizeWords(record.summary.byteSize)}` : ''}</p>

      {unsent && <FollowUpCodeNote record={record} sent={false} />}
      {record.lastError && record.state !== 'sent' && <div class={`notice ${record.state === 'retry' ? '' : 'notice-error'}`}><p>{record.lastError}</p></div>}
      {record.state === 'rejected' && <Correction record={record} labelOf={labelOf} />}

      {record.state === 'sent' && record.receipt && <ReplyToQuestion record={record} />}
      {record.state === 'sent' && record.receipt && <FollowUp record={record} receipt={record.receipt} />}

      {unsent && record.state !== 'sending' && <OutboxActions waiting={1} />}
      {(record.state === 'rejected' || record.state === 'conflict' || record.state === 'stuck') && (
        <p><button type="button" class="button button-secondary" onClick={() => void remove()}>Apagar este envio</button></p>
      )}
      {record.state === 'sent' && (
        <p><button type="button" class="button button-secondary" onClick={() => void removeSent()}>Remover deste aparelho</button></p>
      )}
    </div>
  );
}
