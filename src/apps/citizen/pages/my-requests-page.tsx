/**
 * /minhas-solicitacoes — in the order a person needs them: what needs their attention, news from the
 * city, what is waiting to be sent, drafts, and what was sent. Empty sections are not shown.
 */
import { useEffect } from 'preact/hooks';
import { STATUS_LABELS } from '../../../shared/contract/status.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';
import { DUE_STATES, getOutboxDb, isIntegrity, type OutboxRecord } from '../../../sync/outbox/db.ts';
import { useDrafts, useRequests } from '../outbox-ui/outbox-hooks.ts';
import { deleteDraft } from '../../../sync/outbox/drafts.ts';
import { hasNews, latestNote } from '../../../sync/outbox/news.ts';
import { refreshOpenStatuses } from '../../../sync/status/status-reader.ts';
import { dateWords, dueWords, kindWords, recordStateWords, sizeWords } from '../outbox-ui/state-words.ts';
import { formPath } from '../outbox-ui/record-links.ts';
import { OutboxActions } from '../outbox-ui/outbox-actions.tsx';
import '../forms/forms.css';
import '../outbox-ui/outbox.css';

/**
 * A manifestação (a complaint, a report of an irregularity) shows no details on the list: on a shared phone
 * the list is what anyone glancing at the screen sees. The details are one tap away.
 */
function titleOf(record: OutboxRecord): { title: string; subtitle?: string } {
  if (record.kind === 'manifestation') return { title: record.state === 'sent' ? 'Manifestação enviada' : 'Manifestação' };
  return { title: record.summary.serviceName, subtitle: `${kindWords(record.kind)}: ${record.summary.formTitle}` };
}

function RecordItem({ record }: { record: OutboxRecord }) {
  const { title, subtitle } = titleOf(record);
  const fresh = hasNews(record);
  const note = record.state === 'sent' && record.kind !== 'manifestation' ? latestNote(record) : undefined;
  return (
    <li class="card stack" data-testid="record" data-state={record.state} data-news={String(fresh)}>
      <p>
        <a href={`/minhas-solicitacoes/${record.id}`}><strong>{title}</strong></a>
        {fresh && <span class="news-tag" data-testid="news-tag"> novo</span>}
      </p>
      {subtitle && <p>{subtitle}</p>}
      <p class="record-state" data-state={record.state}>{recordStateWords(record)}</p>
      {record.state === 'sent' && record.receipt && (
        <p data-testid="city-status">Situação: <strong>{STATUS_LABELS[record.receipt.status]}</strong></p>
      )}
      {dueWords(record) && <p data-testid="due">{dueWords(record)}</p>}
      {note && <p class="record-note" data-testid="city-note">Última mensagem da Prefeitura: {note}</p>}
      <p class="muted">Feito em {dateWords(record.createdAt)}{record.state !== 'sent' ? ` · ${sizeWords(record.summary.byteSize)}` : ''}</p>
    </li>
  );
}

function Section({ id, title, records }: { id: string; title: string; records: OutboxRecord[] }) {
  if (records.length === 0) return null;
  return (
    <section class="stack section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ul class="record-list">{records.map((r) => <RecordItem key={r.id} record={r} />)}</ul>
    </section>
  );
}

export default function MyRequestsPage(_props: PageProps) {
  usePageTitle('Minhas solicitações');
  const db = getOutboxDb();
  const records = useRequests();
  const drafts = useDrafts();

  // Opening the list asks for news of every open request, in one request.
  useEffect(() => {
    void refreshOpenStatuses(db, (input, init) => fetch(input, init));
  }, [db]);

  // A denúncia's receipt waiting to be written down needs the person too (it is shown on its page only).
  const receiptToNote = (r: OutboxRecord) => isIntegrity(r) && r.state === 'sent' && r.integrity?.receipt !== undefined;
  const needsAttention = records?.filter((r) => r.state === 'rejected' || r.state === 'conflict' || r.state === 'stuck' || receiptToNote(r)) ?? [];
  const news = records?.filter(hasNews) ?? [];
  const waiting = records?.filter((r) => DUE_STATES.includes(r.state) && r.state !== 'stuck') ?? [];
  const sent = records?.filter((r) => r.state === 'sent' && !hasNews(r) && !receiptToNote(r)) ?? [];
  const removeDraft = async (id: string) => {
    if (!window.confirm('Apagar este rascunho? O que você escreveu nele será perdido.')) return;
    await deleteDraft(db, id);
  };

  return (
    <div class="page stack">
      <h1 tabindex={-1}>Minhas solicitações</h1>
      <p>Tudo fica guardado neste aparelho. O que estiver aguardando segue sozinho quando houver sinal.</p>
      <OutboxActions waiting={waiting.length + needsAttention.length} />
      {records === undefined || drafts === undefined ? <p role="status">Carregando…</p> : (
        <>
          {records.length === 0 && drafts.length === 0 && <p>Você ainda não fez nenhum pedido por este aparelho.</p>}
          <Section id="precisam-correcao" title="Precisam da sua atenção" records={needsAttention} />
          <Section id="novidades" title="Novidades da Prefeitura" records={news} />
          <Section id="aguardando" title="Aguardando envio" records={waiting} />
          {drafts.length > 0 && (
            <section class="stack section" aria-labelledby="rascunhos">
              <h2 id="rascunhos">Rascunhos</h2>
              <p class="field-hint">Rascunhos não são enviados sozinhos: abra e toque em enviar.</p>
              <ul class="record-list">
                {drafts.map((d) => (
                  <li class="card stack" key={d.id} data-testid="draft">
                    <p><strong>{d.kind === 'manifestation' ? 'Manifestação' : d.summary.serviceName}</strong></p>
                    {d.kind !== 'manifestation' && <p>{kindWords(d.kind)}: {d.summary.formTitle}{d.correctsRecordId ? ' (correção)' : ''}</p>}
                    <p class="muted">Rascunho salvo em {dateWords(d.updatedAt)}</p>
                    <div class="button-row">
                      <a class="button button-primary" href={formPath(d.kind, d.serviceId, d.correctsRecordId ? { corrigir: d.correctsRecordId } : { rascunho: d.id })}>Continuar</a>
                      <button type="button" class="button button-secondary" onClick={() => void removeDraft(d.id)}>Apagar rascunho</button>
                    </div>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <Section id="enviados" title="Enviados" records={sent} />
        </>
      )}
    </div>
  );
}
