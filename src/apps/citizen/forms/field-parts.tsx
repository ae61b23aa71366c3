/** What every field of a citizen's form shares: its ids, its accessibility wiring, its label, hint and message. */
import type { ComponentChildren } from 'preact';
import type { District } from '../../../shared/contract/charter.ts';
import type { FormField } from '../../../shared/contract/forms.ts';
import type { FieldView, FormState } from './form-state.ts';

export interface PhotoItem {
  sha256: string;
  url: string;
  size: number;
}

export interface FieldEnvironment {
  districts: readonly District[];
  today: string;
  dateInputSupported: boolean;
  /** Shrinks, stores and returns the photo's hash; throws an Error with a pt-BR message. */
  addPhoto(fieldId: string, file: File): Promise<string>;
  photo(sha256: string): PhotoItem | undefined;
}

export const fieldDomId = (id: string) => `campo-${id}`;
export const errorId = (id: string) => `erro-${id}`;
export const helpId = (id: string) => `ajuda-${id}`;

/** Hint ids a control names besides its help and error (a format hint before, a counter after). */
interface ExtraHints {
  before?: string;
  after?: string;
}

export function describedBy(field: FormField, error: string | undefined, extra: ExtraHints = {}): string | undefined {
  const ids = [extra.before, field.help ? helpId(field.id) : '', error ? errorId(field.id) : '', extra.after].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** The accessibility wiring every field's control shares: invalid state, its hints and message, required. */
export function ariaProps(field: FormField, error: string | undefined, extra?: ExtraHints) {
  return {
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(field, error, extra),
    'aria-required': field.required ? ('true' as const) : undefined,
  };
}

/** A control typed into: its id and name, leaving it shows its message from then on, and its aria wiring. */
export function typedControlProps(state: FormState, field: FormField, error: string | undefined, extra?: ExtraHints) {
  return { id: fieldDomId(field.id), name: field.id, onBlur: () => state.touch(field.id), ...ariaProps(field, error, extra) };
}

export function Label({ field, htmlFor }: { field: FormField; htmlFor?: string }) {
  const text = <>{field.label}{field.required ? <span class="field-required"> (obrigatório)</span> : <span class="field-optional"> (opcional)</span>}</>;
  return htmlFor ? <label for={htmlFor}>{text}</label> : <legend>{text}</legend>;
}

export function Extras({ field, error }: { field: FormField; error: string | undefined }) {
  return (
    <>
      {field.help && <p class="field-hint" id={helpId(field.id)}>{field.help}</p>}
      {error && <p class="field-error" id={errorId(field.id)}>{error}</p>}
    </>
  );
}

/** The box of a field with one labelled control: label, the control (children), help and message. */
export function LabelledField({ field, error, children }: { field: FormField; error: string | undefined; children: ComponentChildren }) {
  const id = fieldDomId(field.id);
  return (
    <div class="field" id={`${id}-grupo`}>
      <Label field={field} htmlFor={id} />
      {children}
      <Extras field={field} error={error} />
    </div>
  );
}

export interface FieldProps {
  state: FormState;
  field: FormField;
  view: FieldView;
  env: FieldEnvironment;
}
