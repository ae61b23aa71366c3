/**
 * A record of the integrity channel on its page (/minhas-solicitacoes/:id): a denúncia waiting to leave,
 * the receipt once it arrived ("Anote este número", copy, "Já anotei"), or more information waiting to
 * leave. Nothing here asks the server for a status: the channel is followed by receipt, on /acompanhar.
 */
import { useState } from 'preact/hooks';
import { navigate } from '../../common/navigation.tsx';
import { getOutboxDb, type OutboxRecord } from '../../../sync/outbox/db.ts';
import { deleteRecord } from '../../../sync/outbox/drafts.ts';
import { forgetReceipt, groupReceipt } from '../../../sync/outbox/integrity.ts';
import { formPath } from './record-links.ts';
import { dateWords, dayWords, recordStateWords, sizeWords } from './state-words.ts';
import './outbox.css';

export function IntegrityRecordView({ record, fresh, labelOf }: { record: OutboxRecord; fresh: boolean; labelOf: (fieldId: string) => string }) {
  if (record.state === 'sent' && record.integrity?.kind === 'report' && record.integrity.receipt) return <ReceiptScreen record={record} />;
  const message = record.integrity?.kind === 'message';
  const db = getOutboxDb();
  const remove = async () => {
    if (!window.confirm('Este envio ainda não chegou à Controladoria. Se apagar, ele se perde para sempre. Apagar mesmo assim?')) return;
    await deleteRecord(db, record.id);
    navigate('/minhas-solicitacoes', { replace: true });
  };
  return (
    <div class="page stack">
      <p class="breadcrumb"><a href="/minhas-solicitacoes">Minhas solicitações</a></p>
      <h1 tabindex={-1}>{message ? 'Mais informações para a Controladoria' : 'Manifestação'}</h1>
      {fresh && record.state !== 'sent' && (
        <div class="notice notice-success" role="status">
          <p>Guardada neste aparelho. Ela segue sozinha quando houver conexão, alguns segundos depois dos seus outros envios e separada deles. Você não precisa fazer mais nada.</p>
        </div>
      )}
      {!message && <p>Manifestação: {record.summary.formTitle}</p>}
      <p class="record-state" data-state={record.state} data-testid="record-state">{recordStateWords(record)}</p>
      <p class="muted">Feito em {dateWords(record.createdAt)}{record.state !== 'sent' ? ` · ${sizeWords(record.summary.byteSize)}` : ''}</p>
      {record.lastError && record.state !== 'sent' && <div class={`notice ${record.state === 'retry' ? '' : 'notice-error'}`}><p>{record.lastError}</p></div>}
      {record.state === 'rejected' && !message && (
        <div class="stack">
          {record.fieldErrors && Object.keys(record.fieldErrors).length > 0 && (
            <ul class="plain-list" data-testid="field-errors">
              {Object.entries(record.fieldErrors).map(([field, text]) => <li key={field}><strong>{labelOf(field)}:</strong> {text}</li>)}
            </ul>
          )}
          <p><a class="button button-primary" href={formPath(record.kind, record.serviceId, { corrigir: record.id })}>Corrigir e enviar de novo</a></p>
        </div>
      )}
      {message && <p><a href="/acompanhar">Acompanhar denúncia</a></p>}
      {record.state !== 'sent' && (
        <p class="field-hint">
          Uma denúncia não entra na "Salvar cópia": ela só segue pelo próprio canal, direto para a Controladoria. Se este aparelho nunca tiver sinal, denuncie pelo telefone 162.
        </p>
      )}
      {(record.state === 'rejected' || record.state === 'conflict' || record.state === 'stuck') && (
        <p><button type="button" class="button button-secondary" onClick={() => void remove()}>Apagar este envio</button></p>
      )}
    </div>
  );
}

function ReceiptScreen({ record }: { record: OutboxRecord }) {
  const receipt = record.integrity!.receipt!;
  const [copyNote, setCopyNote] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(groupReceipt(receipt));
      setCopyNote('Número copiado. Guarde-o num lugar seguro (se o aparelho for de outra pessoa também, não o deixe aqui).');
    } catch {
      setCopyNote('Não foi possível copiar neste aparelho: anote o número à mão.');
    }
  };
  const noted = async () => {
    if (!window.confirm('Você anotou o recibo? Depois de confirmar, ele é apagado deste aparelho e não pode ser mostrado de novo.')) return;
    await forgetReceipt(getOutboxDb(), record.id);
    navigate('/minhas-solicitacoes', { replace: true });
  };
  return (
    <div class="page stack">
      <p class="breadcrumb"><a href="/minhas-solicitacoes">Minhas solicitações</a></p>
      <h1 tabindex={-1}>Denúncia enviada</h1>
      <p>Manifestação: {record.summary.formTitle}</p>
      <p>Recebida pela Controladoria em {dayWords(record.integrity!.receivedDay ?? '')}. Ela não tem protocolo: nada nela diz de qual aparelho veio.</p>
      <section class="receipt-box stack" aria-labelledby="recibo-titulo" data-testid="receipt-box">
        <h2 id="recibo-titulo">Seu recibo</h2>
        <p class="receipt-number" data-testid="receipt">{groupReceipt(receipt)}</p>
        <p><strong>Anote este número: é o único jeito de acompanhar a sua denúncia.</strong></p>
        <p>A Prefeitura não guarda o número de forma que alguém possa lê-lo: se ele se perder, não há como recuperá-lo.</p>
        <div class="button-row">
          <button type="button" class="button button-secondary" onClick={() => void copy()}>Copiar o número</button>
          <button type="button" class="button button-primary" onClick={() => void noted()}>Já anotei</button>
        </div>
        <p role="status" class="field-hint">{copyNote}</p>
      </section>
      <p>Para acompanhar, de qualquer aparelho: <a href="/acompanhar">Acompanhar denúncia</a>.</p>
      <p class="field-hint">O relato e as fotos já foram apagados deste aparelho. Quando você tocar em "Já anotei", o recibo também será apagado daqui.</p>
    </div>
  );
}
