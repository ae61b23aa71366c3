/** One action of a page: busy, the failure (with the server's words per field) and what happened, said in a live region. */
import { useState } from 'preact/hooks';
import { ApiFailure, failureWords } from '../api.ts';
import { focusFirstInvalid } from './fields.tsx';

/** One action: its heading, its form, its error, and a live region that says what happened. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ message: string; fields?: Record<string, string> } | null>(null);
  const [done, setDone] = useState('');
  /** With the form: when the server refuses some fields, focus moves to the first one marked invalid. */
  const run = async (work: () => Promise<string>, form?: EventTarget | null): Promise<boolean> => {
    if (busy) return false;
    setBusy(true);
    setFailure(null);
    setDone('');
    try {
      setDone(await work());
      return true;
    } catch (error) {
      const fields = error instanceof ApiFailure && Object.keys(error.fields).length ? error.fields : undefined;
      setFailure({ message: failureWords(error), ...(fields ? { fields } : {}) });
      if (fields && form) focusFirstInvalid(form);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, setFailure, done, run };
}

export type Action = ReturnType<typeof useAction>;

export function ActionResult({ text }: { text: string }) {
  return <p role="status" class={text ? 'action-done' : 'action-idle'}>{text}</p>;
}
