/**
 * What a page reads from the server when it opens: the value, or why it could not be read (the HTTP status,
 * so a page can tell "not yours" and "not found" apart, and the words to show), and a way to read again.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, failureWords } from '../api.ts';

export interface LoadFailure {
  /** 0 when the server was not reached. */
  status: number;
  message: string;
}

export interface Loaded<T> {
  value: T | null;
  failure: LoadFailure | null;
  /** Reads again; what is on screen stays until the answer. False when the read failed. */
  reload: () => Promise<boolean>;
  /** Puts another value on screen (a list with its next page added). */
  replace: (value: T) => void;
}

interface LoadOptions<T> {
  /** The last value stays on screen while another key is read (a list being filtered). */
  keep?: boolean;
  /** Called with each value taken (not with the ones an answer for a newer key replaced). */
  onLoaded?: (value: T) => void;
}

/**
 * Reads when the page opens and again whenever a key changes; without `keep` the page shows its loading
 * state again. Only the newest read is taken: an older answer that arrives late never overwrites it.
 */
export function useLoad<T>(read: () => Promise<T>, keys: readonly unknown[], options: LoadOptions<T> = {}): Loaded<T> {
  const [state, setState] = useState<{ value: T | null; failure: LoadFailure | null }>({ value: null, failure: null });
  const newest = useRef(0);
  const reader = useRef(read);
  reader.current = read;
  const loaded = useRef(options.onLoaded);
  loaded.current = options.onLoaded;
  const reload = useRef(async (): Promise<boolean> => {
    const turn = ++newest.current;
    try {
      const value = await reader.current();
      if (turn === newest.current) {
        setState({ value, failure: null });
        loaded.current?.(value);
      }
      return true;
    } catch (error) {
      const failure = { status: error instanceof ApiFailure ? error.status : 0, message: failureWords(error) };
      if (turn === newest.current) setState((last) => ({ value: last.value, failure }));
      return false;
    }
  }).current;
  useEffect(() => {
    setState((last) => ({ value: options.keep ? last.value : null, failure: null }));
    void reload();
    return () => void newest.current++;
  }, keys);
  const replace = (value: T) => setState({ value, failure: null });
  return { ...state, reload, replace };
}
