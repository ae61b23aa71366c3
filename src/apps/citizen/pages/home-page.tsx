import type { PageProps } from '../../common/navigation.tsx';
import { OfflineReadiness } from '../pwa/offline-readiness.tsx';
import { WithCharter } from '../ui/charter-notice.tsx';
import { InstallInvitation } from '../ui/install-invitation.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';

export default function HomePage(_props: PageProps) {
  usePageTitle('');
  return (
    <div class="page stack">
      <h1>Serviços da Prefeitura de Vitória da Conquista</h1>
      <p class="lead">Veja como pedir cada serviço, o que levar, prazos, endereços e horários. Funciona mesmo sem internet depois da primeira visita.</p>
      <OfflineReadiness />
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
            {/* Rendered after the lists so its late arrival (beforeinstallprompt) never pushes content down. */}
            <InstallInvitation />
          </>
        )}
      </WithCharter>
    </div>
  );
}
