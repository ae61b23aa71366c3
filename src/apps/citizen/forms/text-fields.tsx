/** The fields typed into: text (masked: CPF, phone, CEP), long text, number and date. */
import { useState } from 'preact/hooks';
import { answerToBrDate, brDateToAnswer, dateBound, formatNumberForInput, maskBrDate, parseNumberInput } from './answer-parsing.ts';
import { LabelledField, fieldDomId, typedControlProps, type FieldProps } from './field-parts.tsx';
import { applyMask, caretAfterMask, maskInputAttributes } from './masks.ts';

export function TextLikeField({ state, field, view }: FieldProps) {
  const attributes = maskInputAttributes(field.type);
  const onInput = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const raw = input.value;
    const masked = applyMask(field.type, raw);
    if (masked !== raw) {
      const caret = caretAfterMask(raw, input.selectionStart ?? raw.length, masked);
      input.value = masked;
      input.setSelectionRange(caret, caret);
    }
    state.set(field.id, masked === '' ? undefined : masked);
  };
  return (
    <LabelledField field={field} error={view.error}>
      <input
        {...typedControlProps(state, field, view.error)}
        type={(field.type === 'email' ? 'email' : field.type === 'phone' ? 'tel' : 'text') as 'text'}
        value={typeof view.value === 'string' ? view.value : ''}
        onInput={onInput}
        maxLength={attributes.maxLength ?? field.maxLength}
        inputMode={attributes.inputMode}
        autoComplete={attributes.autoComplete}
      />
    </LabelledField>
  );
}

export function TextareaField({ state, field, view }: FieldProps) {
  const id = fieldDomId(field.id);
  const text = typeof view.value === 'string' ? view.value : '';
  const max = field.maxLength ?? 2000;
  return (
    <LabelledField field={field} error={view.error}>
      <textarea
        {...typedControlProps(state, field, view.error, { after: `${id}-contador` })}
        rows={5}
        value={text}
        onInput={(event) => state.set(field.id, (event.currentTarget as HTMLTextAreaElement).value || undefined)}
      />
      <p class="field-hint" id={`${id}-contador`}>{text.length} de {max} caracteres</p>
    </LabelledField>
  );
}

export function NumberField({ state, field, view }: FieldProps) {
  // The typed text stays as typed ("2,"), the answer is the number it means.
  const [text, setText] = useState(() => formatNumberForInput(view.value));
  const bounds = [field.min !== undefined ? `mínimo ${field.min}` : '', field.max !== undefined ? `máximo ${field.max}` : ''].filter(Boolean).join(', ');
  return (
    <LabelledField field={field} error={view.error}>
      {bounds && <p class="field-hint">Número ({bounds}{field.integer ? ', sem vírgula' : ''})</p>}
      <input
        {...typedControlProps(state, field, view.error)}
        type="text"
        inputMode={field.integer ? 'numeric' : 'decimal'}
        value={text}
        onInput={(event) => {
          const raw = (event.currentTarget as HTMLInputElement).value;
          setText(raw);
          state.set(field.id, parseNumberInput(raw));
        }}
      />
    </LabelledField>
  );
}

export function DateField({ state, field, view, env }: FieldProps) {
  const id = fieldDomId(field.id);
  const value = typeof view.value === 'string' ? view.value : '';
  if (env.dateInputSupported) {
    return (
      <LabelledField field={field} error={view.error}>
        <input
          {...typedControlProps(state, field, view.error)}
          type="date"
          value={value}
          min={dateBound(field.minDate, env.today)}
          max={dateBound(field.maxDate, env.today)}
          onInput={(event) => state.set(field.id, (event.currentTarget as HTMLInputElement).value || undefined)}
        />
      </LabelledField>
    );
  }
  return (
    <LabelledField field={field} error={view.error}>
      <p class="field-hint" id={`${id}-formato`}>Dia, mês e ano, por exemplo 31/12/2025</p>
      <input
        {...typedControlProps(state, field, view.error, { before: `${id}-formato` })}
        type="text"
        inputMode="numeric"
        maxLength={10}
        value={answerToBrDate(value)}
        onInput={(event) => {
          const input = event.currentTarget as HTMLInputElement;
          input.value = maskBrDate(input.value);
          state.set(field.id, brDateToAnswer(input.value));
        }}
      />
    </LabelledField>
  );
}
