/**
 * The button under a list that reads its next page ("Carregar mais", "Mostrar mais"): the rows that arrive
 * are added to the ones on screen, the focus moves to the first of them, and how many came is read out.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { failureWords } from '../api.ts';
import { announce } from './announce.ts';

interface NextPageOptions<P, I> {
  /** The page after the given cursor. */
  read: (cursor: string) => Promise<P>;
  /** The cursor of the next page; null on the last one. */
  cursorOf: (page: P) => string | null;
  itemsOf: (page: P) => readonly I[];
  /** The list on screen with the next page's rows added. */
  merged: (shown: P, more: P) => P;
  /** The DOM id of the element to focus in a row. */
  focusIdOf: (item: I) => string;
  /** What is read out when rows arrived. */
  arrivedWords: (count: number) => string;
}

export interface NextPage {
  /** Whether there is a next page to read. */
  more: boolean;
  loading: boolean;
  load: () => Promise<void>;
}

export function useNextPage<P, I>(shown: P | null, replace: (page: P) => void, options: NextPageOptions<P, I>): NextPage {
  const [loading, setLoading] = useState(false);
  const firstNew = useRef<string | null>(null);
  const count = shown ? options.itemsOf(shown).length : 0;

  useEffect(() => {
    if (!firstNew.current) return;
    document.getElementById(firstNew.current)?.focus();
    firstNew.current = null;
  }, [count]);

  const cursor = shown ? options.cursorOf(shown) : null;
  const load = async () => {
    if (!shown || !cursor || loading) return;
    setLoading(true);
    try {
      const more = await options.read(cursor);
      const first = options.itemsOf(more)[0];
      firstNew.current = first === undefined ? null : options.focusIdOf(first);
      replace(options.merged(shown, more));
      announce(options.arrivedWords(options.itemsOf(more).length));
    } catch (error) {
      announce(failureWords(error));
    } finally {
      setLoading(false);
    }
  };
  return { more: cursor !== null, loading, load };
}
