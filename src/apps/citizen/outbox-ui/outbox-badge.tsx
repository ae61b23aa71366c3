/**
 * On every screen (the header's status line): the records waiting to be sent and the news from the city,
 * each linking to "Minhas solicitações". The news count is also the app icon's badge where the browser has one.
 */
import { useEffect } from 'preact/hooks';
import { useNewsCount, useUnsentCount } from './outbox-hooks.ts';

type BadgeNavigator = Navigator & { setAppBadge?: (count: number) => Promise<void>; clearAppBadge?: () => Promise<void> };

export default function OutboxBadge() {
  const waiting = useUnsentCount();
  const news = useNewsCount();
  useEffect(() => {
    if (news === undefined) return;
    const nav = navigator as BadgeNavigator;
    (news ? nav.setAppBadge?.(news) : nav.clearAppBadge?.())?.catch(() => undefined);
  }, [news]);
  const waitingWords = waiting === 1 ? '1 envio aguardando' : `${waiting} envios aguardando`;
  const newsWords = news === 1 ? '1 novidade' : `${news} novidades`;
  return (
    <>
      {waiting ? (
        <a href="/minhas-solicitacoes" class="status-pill outbox-badge" data-testid="outbox-badge" aria-label={`${waitingWords}. Ver minhas solicitações`}>
          {waitingWords}
        </a>
      ) : null}
      {news ? (
        <a href="/minhas-solicitacoes" class="status-pill news-badge" data-testid="news-badge" aria-label={`${newsWords} da Prefeitura. Ver minhas solicitações`}>
          {newsWords}
        </a>
      ) : null}
    </>
  );
}
