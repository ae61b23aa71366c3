/** "Novidades" on the home page: how many requests the city answered since the person last looked. */
import { useNewsCount } from './outbox-hooks.ts';
import './outbox.css';

export default function NewsEntry() {
  const count = useNewsCount();
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
