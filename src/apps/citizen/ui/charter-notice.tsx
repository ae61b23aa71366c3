import type { ComponentChildren } from 'preact';
import type { Charter } from '../../../shared/schemas.ts';
import { useCharter } from '../charter/use-charter.ts';

/** Shows loading and "no data yet" states, and renders its children once the charter is on the phone. */
export function WithCharter({ children }: { children: (charter: Charter) => ComponentChildren }) {
  const { charter, loading, error } = useCharter();
  if (charter) return <>{children(charter)}</>;
  if (loading && !error) return <p class="muted">Carregando os serviços…</p>;
  return <p class="notice notice-error">{error ?? 'Os serviços ainda não foram baixados.'}</p>;
}
