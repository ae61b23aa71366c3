/** Labelled form controls with their hint and error wired for screen readers (aria-describedby, aria-invalid). */
import type { ComponentChildren, InputHTMLAttributes, SelectHTMLAttributes, TextareaHTMLAttributes } from 'preact';

interface Common {
  id: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  error?: string | undefined;
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-dica` : '', error ? `${id}-erro` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Extras({ id, hint, error }: Omit<Common, 'label'>) {
  return (
    <>
      {hint && <p id={`${id}-dica`} class="field-hint">{hint}</p>}
      {error && <p id={`${id}-erro`} class="field-error">{error}</p>}
    </>
  );
}

export function TextField({ id, label, hint, error, ...input }: Common & InputHTMLAttributes) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <Extras id={id} hint={hint} error={error} />
      {/* type="text" unless told: the global styles (48 px, borders) select inputs by their type. */}
      <input id={id} type="text" {...input} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, hint, error)} />
    </div>
  );
}

export function TextArea({ id, label, hint, error, ...input }: Common & TextareaHTMLAttributes) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <Extras id={id} hint={hint} error={error} />
      <textarea id={id} rows={4} {...input} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, hint, error)} />
    </div>
  );
}

export function SelectField({ id, label, hint, error, children, ...select }: Common & SelectHTMLAttributes) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <Extras id={id} hint={hint} error={error} />
      <select id={id} {...select} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, hint, error)}>{children}</select>
    </div>
  );
}

export function CheckboxField({ id, label, ...input }: { id: string; label: ComponentChildren } & Omit<InputHTMLAttributes, 'id' | 'label' | 'type' | 'role'>) {
  return (
    <div class="checkbox-row">
      <input id={id} type="checkbox" {...input} />
      <label for={id}>{label}</label>
    </div>
  );
}

/** A form's error summary: the server's (or the page's) words, and each field's message as a list. */
export function FormError({ message, fields, labels = {} }: { message: string | undefined; fields?: Record<string, string>; labels?: Record<string, string> }) {
  if (!message) return null;
  const entries = Object.entries(fields ?? {});
  return (
    <div class="notice notice-error stack" role="alert">
      <p>{message}</p>
      {entries.length > 0 && (
        <ul class="plain-list">
          {entries.map(([field, text]) => <li key={field}><strong>{labels[field] ?? field}:</strong> {text}</li>)}
        </ul>
      )}
    </div>
  );
}

export function inputValue(event: Event): string {
  return (event.currentTarget as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value;
}

/** After a refused submit: focus the first field marked invalid, so its message is read out with it. */
export function focusFirstInvalid(form: EventTarget | null): void {
  setTimeout(() => (form as HTMLFormElement | null)?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
}
