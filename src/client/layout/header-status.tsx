import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useAppStore } from '../state/app-store.ts';

/** Online/offline state and, once loaded, the outbox's count of records waiting. */
export function HeaderStatus() {
  const online = useAppStore((s) => s.online);
  const [Badge, setBadge] = useState<ComponentType | null>(null);
  useEffect(() => {
    const load = () =>
      import('../outbox/outbox-badge.tsx')
        .then((m) => setBadge(() => m.default))
        .catch(() => undefined);
    const schedule = () => ('requestIdleCallback' in window ? window.requestIdleCallback(() => void load(), { timeout: 2000 }) : setTimeout(load, 200));
    if (document.readyState === 'complete') schedule();
    else window.addEventListener('load', schedule, { once: true });
  }, []);
  return (
    <>
      <p class="status-pill" data-online={String(online)} role="status">
        {online ? 'Conectado' : 'Sem internet: usando dados salvos'}
      </p>
      {Badge ? <Badge /> : null}
    </>
  );
}
