import type { ComponentChildren } from 'preact';
import type { Charter } from '../../../shared/contract/charter.ts';
import { charterStore, refreshCharterNow } from '../charter/charter-store.ts';
import { useCharter } from '../charter/use-charter.ts';
import { useStore } from '../state/use-store.ts';

/**
 * Shows loading and "no data yet" states, and renders its children once the charter is on the phone.
 * A failed download offers "Tentar de novo": the charter store's message already says whether the signal is missing.
 */
export function WithCharter({ children }: { children: (charter: Charter) => ComponentChildren }) {
  const { charter, loading, error } = useCharter();
  const refreshing = useStore(charterStore, (s) => s.refreshing);
  if (charter) return <>{children(charter)}</>;
  if (loading && !error) return <p class="muted">Carregando os serviços…</p>;
  return (
    <div class="stack">
      <p class="notice notice-error">{error ?? 'Os serviços ainda não foram baixados.'}</p>
      <button
        type="button"
        class="button button-primary"
        aria-disabled={refreshing ? 'true' : undefined}
        onClick={() => !refreshing && refreshCharterNow({ force: true })}
      >
        {refreshing ? 'Tentando…' : 'Tentar de novo'}
      </button>
    </div>
  );
}
