import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../../common/navigation.tsx';
import { OfflineReadiness } from '../pwa/offline-readiness.tsx';
import { WithCharter } from '../ui/charter-notice.tsx';
import { InstallInvitation } from '../ui/install-invitation.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';
import { whenIdle } from '../ui/when-idle.ts';

/** "Novidades" needs the outbox database: loaded after the page, so the home page stays light. */
function useNewsEntry(): ComponentType | null {
  const [NewsEntry, setNewsEntry] = useState<ComponentType | null>(null);
  useEffect(() => {
    whenIdle(() => {
      import('../outbox-ui/news-entry.tsx').then((m) => setNewsEntry(() => m.default), () => undefined);
    }, 1500);
  }, []);
  return NewsEntry;
}

export default function HomePage(_props: PageProps) {
  usePageTitle('');
  const NewsEntry = useNewsEntry();
  return (
    <div class="page stack">
      <h1>Serviços da Prefeitura de Vitória da Conquista</h1>
      <p class="lead">Veja como pedir cada serviço, o que levar, prazos, endereços e horários. Funciona mesmo sem internet depois da primeira visita.</p>
      <OfflineReadiness />
      {NewsEntry && <NewsEntry />}
      <WithCharter>
        {(charter) => (
          <>
            <section class="stack" aria-labelledby="momentos">
              <h2 id="momentos">O que está acontecendo na sua vida?</h2>
              <ul class="chip-list">
                {charter.lifeEvents.map((event) => (
                  <li key={event.id}>
                    <a href={`/momentos/${event.id}`}>{event.name}</a>
                  </li>
                ))}
              </ul>
            </section>
            <section class="stack" aria-labelledby="assuntos">
              <h2 id="assuntos">Assuntos</h2>
              <ul class="chip-list">
                {charter.categories.map((category) => (
                  <li key={category.id}>
                    <a href={`/categorias/${category.id}`}>{category.name}</a>
                  </li>
                ))}
              </ul>
            </section>
            <section class="stack" aria-labelledby="secretarias">
              <h2 id="secretarias">Secretarias</h2>
              <ul class="card-list">
                {charter.secretariats.map((secretariat) => (
                  <li key={secretariat.id}>
                    <a class="card-link" href={`/secretarias/${secretariat.id}`}>
                      <strong>{secretariat.name}</strong>
                    </a>
                  </li>
                ))}
              </ul>
            </section>
            <p>
              <a class="card-link" href="/transparencia">
                <strong>Painel de transparência</strong>
                <span>Pedidos atendidos no prazo, avaliações e reclamações de cada secretaria</span>
              </a>
            </p>
            {/* Rendered after the lists so its late arrival (beforeinstallprompt) never pushes content down. */}
            <InstallInvitation />
          </>
        )}
      </WithCharter>
    </div>
  );
}
