import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useAppStore } from '../state/app-store.ts';
import { whenIdle } from '../ui/when-idle.ts';

/**
 * The header's status line: "no signal" and, once loaded, the count of records waiting. Empty (and not
 * drawn) while online with nothing waiting, so the line costs no screen when there is nothing to say.
 * It renders into #estado, the shell's live region, so each change is announced.
 */
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
    <p class="status-text" data-online={String(online)}>
      {online ? null : (
        <span>
          Sem internet<span class="status-detail">: usando dados salvos</span>
        </span>
      )}
      {Badge ? <Badge /> : null}
    </p>
  );
}
