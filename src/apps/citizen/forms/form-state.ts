/**
 * The answers of one form being filled in, with per-field subscriptions: a keystroke re-renders only
 * its own field (and the fields whose visibility depends on it), never the whole form. DOM-free.
 */
import type { AnswerValue, Answers, Attachment, AttachmentType } from '../../../shared/contract/submissions.ts';
import type { FormDefinition, FormField } from '../../../shared/contract/forms.ts';
import { isFieldVisible, validateAnswers, visibleAnswers, type FieldErrors, type ValidationContext } from '../../../shared/validate-answers.ts';

export interface FieldView {
  value: AnswerValue | undefined;
  visible: boolean;
  /** The message shown next to the field: after a submit, or once the person left it with a wrong answer. */
  error: string | undefined;
}

type Listener = () => void;

export interface FormState {
  readonly form: FormDefinition;
  answers(): Answers;
  view(fieldId: string): FieldView;
  set(fieldId: string, value: AnswerValue | undefined): void;
  /** The person left the field: a wrong answer's message shows from now on (an empty one waits for the submit). */
  touch(fieldId: string): void;
  /** Validates everything and shows every message; returns the errors of visible fields, in form order. */
  validateAll(): FieldErrors;
  /** Messages from the server for a rejected record, shown until the field changes. */
  setServerErrors(errors: FieldErrors): void;
  subscribe(fieldId: string, listener: Listener): () => void;
  /** Called after every change of answers (draft saving). */
  onChange(listener: (answers: Answers) => void): () => void;
}

export function createFormState(form: FormDefinition, initial: Answers, ctx: ValidationContext): FormState {
  let answers: Answers = { ...initial };
  const touched = new Set<string>();
  let submitted = false;
  let serverErrors: FieldErrors = {};
  let errors: FieldErrors = computeErrors();
  const listeners = createFieldListeners();
  const changeListeners = new Set<(answers: Answers) => void>();
  const views = new Map<string, FieldView>();
  const fields = new Map(form.fields.map((f) => [f.id, f]));
  const dependents = visibilityDependents(form, fields);

  function computeErrors(): FieldErrors {
    return validateAnswers(form, visibleAnswers(form, answers), ctx);
  }

  function buildView(field: FormField): FieldView {
    const visible = isFieldVisible(form, field, answers);
    // Tabbing past an empty field is not a mistake: "fill this in" waits for the submit.
    const answered = answers[field.id] !== undefined;
    const shown = visible && (submitted || (touched.has(field.id) && answered) || serverErrors[field.id] !== undefined);
    return { value: answers[field.id], visible, error: shown ? (serverErrors[field.id] ?? errors[field.id]) : undefined };
  }

  function refresh(fieldIds: Iterable<string>): void {
    for (const id of fieldIds) {
      const field = fields.get(id);
      if (!field) continue;
      const next = buildView(field);
      const previous = views.get(id);
      if (previous && previous.value === next.value && previous.visible === next.visible && previous.error === next.error) continue;
      views.set(id, next);
      listeners.notify(id);
    }
  }

  return {
    form,
    answers: () => answers,
    view(fieldId) {
      const view = views.get(fieldId) ?? buildView(fields.get(fieldId)!);
      views.set(fieldId, view);
      return view;
    },
    set(fieldId, value) {
      answers = withAnswer(answers, fieldId, value);
      if (serverErrors[fieldId]) serverErrors = withAnswer<string>(serverErrors, fieldId, undefined);
      const before = errors;
      errors = computeErrors();
      refresh(affectedBy(fieldId, dependents.get(fieldId) ?? [], touched, before, errors));
      changeListeners.forEach((listener) => listener(answers));
    },
    touch(fieldId) {
      if (touched.has(fieldId)) return;
      touched.add(fieldId);
      refresh([fieldId]);
    },
    validateAll() {
      errors = computeErrors();
      submitted = true;
      for (const field of form.fields) touched.add(field.id);
      refresh(fields.keys());
      return visibleErrorsInOrder(form, answers, serverErrors, errors);
    },
    setServerErrors(next) {
      serverErrors = { ...next };
      refresh(fields.keys());
    },
    subscribe: listeners.subscribe,
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
  };
}

/** Fields whose visibility depends, directly or not, on a field. */
function visibilityDependents(form: FormDefinition, fields: ReadonlyMap<string, FormField>): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const field of form.fields) {
    let source = field.visibleIf?.field;
    while (source) {
      dependents.set(source, [...(dependents.get(source) ?? []), field.id]);
      source = fields.get(source)?.visibleIf?.field;
    }
  }
  return dependents;
}

/** The fields an answer may change: its own, those whose visibility hangs on it, and touched fields whose message changed. */
function affectedBy(fieldId: string, dependents: readonly string[], touched: ReadonlySet<string>, before: FieldErrors, after: FieldErrors): Set<string> {
  const affected = new Set([fieldId, ...dependents]);
  // A field's message can change because of another's answer only among touched fields (rare, cheap).
  for (const id of touched) if (before[id] !== after[id]) affected.add(id);
  return affected;
}

/** A copy of a record with one key set, or removed when the value is undefined. */
function withAnswer<V>(record: Readonly<Record<string, V>>, key: string, value: V | undefined): Record<string, V> {
  const next = { ...record };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** The message of every visible field that has one (the server's first), in form order. */
function visibleErrorsInOrder(form: FormDefinition, answers: Answers, serverErrors: FieldErrors, errors: FieldErrors): FieldErrors {
  const ordered: FieldErrors = {};
  for (const field of form.fields) {
    const message = isFieldVisible(form, field, answers) ? (serverErrors[field.id] ?? errors[field.id]) : undefined;
    if (message) ordered[field.id] = message;
  }
  return ordered;
}

/** Listeners per field id. */
function createFieldListeners() {
  const byField = new Map<string, Set<Listener>>();
  return {
    subscribe(fieldId: string, listener: Listener): () => void {
      const set = byField.get(fieldId) ?? new Set<Listener>();
      set.add(listener);
      byField.set(fieldId, set);
      return () => set.delete(listener);
    },
    notify(fieldId: string): void {
      byField.get(fieldId)?.forEach((listener) => listener());
    },
  };
}

/** The attachments list of a submission from its photo answers and the photos' metadata. */
export function attachmentsFor(form: FormDefinition, answers: Answers, meta: ReadonlyMap<string, { type: AttachmentType; size: number }>): Attachment[] {
  const list: Attachment[] = [];
  for (const field of form.fields) {
    if (field.type !== 'photo') continue;
    const hashes = answers[field.id];
    if (!Array.isArray(hashes)) continue;
    for (const sha256 of hashes) {
      const file = meta.get(sha256);
      if (file) list.push({ sha256, type: file.type, size: file.size, fieldId: field.id });
    }
  }
  return list;
}
