/** "Novidades" on the home page: how many requests the city answered since the person last looked. */
import { getOutboxDb } from '../../../sync/outbox/db.ts';
import { countNews } from '../../../sync/outbox/news.ts';
import { useLiveQuery } from './use-live-query.ts';
import './outbox.css';

export default function NewsEntry() {
  const count = useLiveQuery(() => countNews(getOutboxDb()), []);
  if (!count) return null;
  return (
    <section class="card news-entry" aria-labelledby="novidades-inicio" data-testid="news-entry">
      <h2 id="novidades-inicio">Novidades</h2>
      <p>
        <a href="/minhas-solicitacoes">{count === 1 ? 'A Prefeitura atualizou 1 pedido seu' : `A Prefeitura atualizou ${count} pedidos seus`}</a>
      </p>
    </section>
  );
}
