import { useEffect, useState } from 'preact/hooks';
import type { StoreApi } from 'zustand/vanilla';

/** Subscribes a component to the slice of a vanilla zustand store it reads; re-renders only when it changes. */
export function useStore<S, T>(store: StoreApi<S>, selector: (state: S) => T): T {
  const [slice, setSlice] = useState(() => selector(store.getState()));
  useEffect(() => {
    setSlice(() => selector(store.getState()));
    return store.subscribe((state) => setSlice(() => selector(state)));
    // The selector is expected to be stable in meaning; re-subscribing on every render would be wasteful.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store]);
  return slice;
}
