/** /minhas-solicitacoes — drafts, records waiting, sent (with protocol) and those needing correction. */
import { useEffect } from 'preact/hooks';
import type { PageProps } from '../../common/navigation.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';
import { DUE_STATES, getOutboxDb, type OutboxRecord } from '../../../sync/db.ts';
import { useLiveQuery } from '../outbox-ui/use-live-query.ts';
import { deleteDraft } from '../../../sync/drafts.ts';
import { refreshRecordStatus } from '../../../sync/status.ts';
import { dateWords, kindWords, recordStateWords, sizeWords } from '../outbox-ui/state-words.ts';
import { formPath } from '../outbox-ui/record-links.ts';
import { OutboxActions } from '../outbox-ui/outbox-actions.tsx';
import '../forms/forms.css';

const STATUS_REFRESH_MS = 5 * 60_000;

function RecordItem({ record }: { record: OutboxRecord }) {
  return (
    <li class="card" data-testid="record" data-state={record.state}>
      <p><a href={`/minhas-solicitacoes/${record.id}`}><strong>{record.summary.serviceName}</strong></a></p>
      <p>{kindWords(record.kind)}: {record.summary.formTitle}</p>
      <p class="record-state" data-state={record.state}>{recordStateWords(record)}</p>
      <p class="muted">Feito em {dateWords(record.createdAt)}{record.state !== 'sent' ? ` · ${sizeWords(record.summary.byteSize)}` : ''}</p>
    </li>
  );
}

export default function MyRequestsPage(_props: PageProps) {
  usePageTitle('Minhas solicitações');
  const db = getOutboxDb();
  const records = useLiveQuery(() => db.records.orderBy('createdAt').reverse().toArray(), []);
  const drafts = useLiveQuery(() => db.drafts.orderBy('updatedAt').reverse().toArray(), []);

  useEffect(() => {
    // Sent records refresh their progress when online; one at a time, stale ones first.
    let live = true;
    void (async () => {
      const sent = await db.records.where('state').equals('sent').toArray();
      const stale = sent.filter((r) => r.receipt && !['done', 'declined'].includes(r.receipt.status) && Date.now() - (r.statusCheckedAt ?? 0) > STATUS_REFRESH_MS);
      for (const record of stale) {
        if (!live) return;
        if (!(await refreshRecordStatus(db, record.id, (input, init) => fetch(input, init)))) return;
      }
    })();
    return () => {
      live = false;
    };
  }, [db]);

  const waiting = records?.filter((r) => DUE_STATES.includes(r.state)) ?? [];
  const needsAttention = records?.filter((r) => r.state === 'rejected' || r.state === 'conflict' || r.state === 'stuck') ?? [];
  const sent = records?.filter((r) => r.state === 'sent') ?? [];

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
          {needsAttention.length > 0 && (
            <section class="stack section" aria-labelledby="precisam-correcao">
              <h2 id="precisam-correcao">Precisam da sua atenção</h2>
              <ul class="record-list">{needsAttention.map((r) => <RecordItem key={r.id} record={r} />)}</ul>
            </section>
          )}
          <section class="stack section" aria-labelledby="aguardando">
            <h2 id="aguardando">Aguardando envio</h2>
            {waiting.length ? <ul class="record-list">{waiting.map((r) => <RecordItem key={r.id} record={r} />)}</ul> : <p>Nada aguardando envio.</p>}
          </section>
          <section class="stack section" aria-labelledby="rascunhos">
            <h2 id="rascunhos">Rascunhos</h2>
            <p class="field-hint">Rascunhos não são enviados sozinhos: abra e toque em enviar.</p>
            {drafts.length ? (
              <ul class="record-list">
                {drafts.map((d) => (
                  <li class="card stack" key={d.id} data-testid="draft">
                    <p><strong>{d.summary.serviceName}</strong></p>
                    <p>{kindWords(d.kind)}: {d.summary.formTitle}{d.correctsRecordId ? ' (correção)' : ''}</p>
                    <p class="muted">Rascunho salvo em {dateWords(d.updatedAt)}</p>
                    <div class="button-row">
                      <a class="button button-primary" href={formPath(d.kind, d.serviceId, d.correctsRecordId ? { corrigir: d.correctsRecordId } : { rascunho: d.id })}>Continuar</a>
                      <button type="button" class="button button-secondary" onClick={() => void removeDraft(d.id)}>Apagar rascunho</button>
                    </div>
                  </li>
                ))}
              </ul>
            ) : <p>Nenhum rascunho.</p>}
          </section>
          <section class="stack section" aria-labelledby="enviados">
            <h2 id="enviados">Enviados</h2>
            {sent.length ? <ul class="record-list">{sent.map((r) => <RecordItem key={r.id} record={r} />)}</ul> : <p>Nada enviado ainda.</p>}
          </section>
        </>
      )}
    </div>
  );
}
