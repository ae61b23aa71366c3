import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useAppStore } from '../state/app-store.ts';
import { whenIdle } from '../ui/when-idle.ts';

/** Online/offline state and, once loaded, the outbox's count of records waiting. */
export function HeaderStatus() {
  const online = useAppStore((s) => s.online);
  const [Badge, setBadge] = useState<ComponentType | null>(null);
  useEffect(() => {
    whenIdle(() => {
      import('../outbox-ui/outbox-badge.tsx')
        .then((m) => setBadge(() => m.default))
        .catch(() => undefined);
    }, 2000);
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
