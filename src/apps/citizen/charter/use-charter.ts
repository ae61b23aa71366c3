import { useEffect } from 'preact/hooks';
import type { Charter } from '../../../shared/contract/charter.ts';
import { useStore } from '../state/use-store.ts';
import { charterStore, ensureCharterLoaded, type CharterState } from './charter-store.ts';

const select = (state: CharterState) => state;

export function useCharter(): { charter: Charter | undefined; loading: boolean; updatedAt?: string; error?: string } {
  const state = useStore(charterStore, select);
  useEffect(() => {
    void ensureCharterLoaded();
  }, []);
  return { charter: state.charter, loading: state.loading, updatedAt: state.updatedAt, error: state.error };
}
