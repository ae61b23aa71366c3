/**
 * An action whose form is one text box: checked against its contract before it is sent, the server's refusal
 * shown at the box, and what happened said in the action's live region. The box empties once it is sent.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type * as v from 'valibot';
import { parseContract } from '../../../shared/contract/parse.ts';
import { ActionResult, useAction, type Action } from './action.tsx';
import { FormError, TextArea, focusFirstInvalid, inputValue } from './fields.tsx';

export interface TextActionFormProps<S extends v.GenericSchema> {
  /** The section's heading id, e.g. "acao-nota". */
  headingId: string;
  title: string;
  /** What is said before the form (the law's limit, for instance). */
  intro?: ComponentChildren;
  schema: S;
  /** The contract's field the text goes in, and its name in the form's error summary. */
  field: string;
  fieldLabel: string;
  /** Said when the contract refuses the text without words of its own. */
  missing: string;
  box: { id: string; label: string; hint: string; maxLength: number };
  button: { text: string; busyText: string; primary?: boolean };
  /** Sends the checked body and reads the page again; answers what happened, in words. */
  send: (body: v.InferOutput<S>) => Promise<string>;
  /** The action's state, when what happened must still be said after this form leaves the page. */
  action?: Action;
}

export function TextActionForm<S extends v.GenericSchema>(props: TextActionFormProps<S>) {
  const { headingId, title, intro, schema, field, fieldLabel, missing, box, button, send } = props;
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const own = useAction();
  const action = props.action ?? own;
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseContract(schema, { [field]: text });
    setError(parsed.ok ? undefined : parsed.fields[field] ?? missing);
    if (!parsed.ok) {
      focusFirstInvalid(form);
      return;
    }
    if (await action.run(() => send(parsed.value), form)) setText('');
  };
  return (
    <section class="action stack" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {intro}
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ [field]: fieldLabel }} />
        <TextArea id={box.id} label={box.label} hint={box.hint} maxLength={box.maxLength} value={text}
          error={error ?? action.failure?.fields?.[field]} onInput={(event) => setText(inputValue(event))} />
        <p>
          <button type="submit" class={`button ${button.primary ? 'button-primary' : 'button-secondary'}`} aria-disabled={action.busy ? 'true' : undefined}>
            {action.busy ? button.busyText : button.text}
          </button>
        </p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}
