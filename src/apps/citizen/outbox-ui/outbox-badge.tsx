/** The count of records waiting to be sent, on every screen (header), linking to "Minhas solicitações". */
import { countUnsent, getOutboxDb } from '../../../sync/db.ts';
import { useLiveQuery } from './use-live-query.ts';

export default function OutboxBadge() {
  const waiting = useLiveQuery(() => countUnsent(getOutboxDb()), []);
  if (!waiting) return null;
  const words = waiting === 1 ? '1 envio aguardando' : `${waiting} envios aguardando`;
  return (
    <a href="/minhas-solicitacoes" class="status-pill outbox-badge" data-testid="outbox-badge" aria-label={`${words}. Ver minhas solicitações`}>
      {words}
    </a>
  );
}
