/**
 * A Storage that counts the SQL statements sent through it (inside transactions too), so a test or a
 * benchmark can say how many queries a route cost: read `queries()` before and after a request.
 *
 * The server has timers of its own that query (the health probe each second, the transparency panel's
 * check): a test comparing two requests passes `ignore`, matched against the sending call's stack, so a
 * timer firing in between does not count.
 */
import type { Queryable, Storage } from '../../src/server/storage/types.ts';

export interface CountingStorage {
  storage: Storage;
  /** Statements sent so far (BEGIN/COMMIT of a transaction not included). */
  queries(): number;
}

/** The server's own timers: the health probe and the transparency panel's check. */
export const SERVER_TIMERS = /health-routes\.ts|published-panel\.ts/;

export function countingStorage(raw: Storage, { ignore }: { ignore?: RegExp } = {}): CountingStorage {
  let count = 0;
  const counted = (target: Queryable): Queryable['query'] => (sql, params) => {
    if (!ignore || !ignore.test(new Error().stack ?? '')) count++;
    return target.query(sql, params);
  };
  const storage = new Proxy(raw, {
    get(target, property) {
      if (property === 'query') return counted(target);
      if (property === 'transaction') {
        return <T>(fn: (tx: Queryable) => Promise<T>) => target.transaction((tx) => fn({ query: counted(tx) }));
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { storage, queries: () => count };
}
