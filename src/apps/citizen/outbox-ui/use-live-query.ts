import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

/** The result of a Dexie query, kept current as this or another tab (or the service worker) writes. */
export function useLiveQuery<T>(query: () => Promise<T>, deps: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({ next: (next) => setValue(() => next), error: () => undefined });
    return () => subscription.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return value;
}
