/** The fields chosen from: a list, radio buttons or checkboxes, and a single checkbox (or consent). */
import { Extras, Label, LabelledField, ariaProps, describedBy, fieldDomId, type FieldProps } from './field-parts.tsx';

export function SelectField({ state, field, view }: FieldProps) {
  return (
    <LabelledField field={field} error={view.error}>
      <select
        id={fieldDomId(field.id)}
        name={field.id}
        value={typeof view.value === 'string' ? view.value : ''}
        onChange={(event) => {
          state.set(field.id, (event.currentTarget as HTMLSelectElement).value || undefined);
          state.touch(field.id);
        }}
        {...ariaProps(field, view.error)}
      >
        <option value="">Escolha uma opção</option>
        {field.options?.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
      </select>
    </LabelledField>
  );
}

export function ChoiceGroupField({ state, field, view }: FieldProps) {
  const id = fieldDomId(field.id);
  const multiple = field.type === 'multiselect';
  const chosen = Array.isArray(view.value) ? view.value : typeof view.value === 'string' ? [view.value] : [];
  const toggle = (value: string, checked: boolean) => {
    if (!multiple) state.set(field.id, value);
    else {
      const next = checked ? [...chosen.filter((v) => v !== value), value] : chosen.filter((v) => v !== value);
      const ordered = field.options!.map((o) => o.value).filter((v) => next.includes(v));
      state.set(field.id, ordered.length ? ordered : undefined);
    }
    state.touch(field.id);
  };
  return (
    <fieldset class="field" id={`${id}-grupo`} aria-describedby={describedBy(field, view.error)} aria-invalid={view.error ? 'true' : undefined}>
      <Label field={field} />
      {multiple && field.maxItems !== undefined && <p class="field-hint">Escolha até {field.maxItems}.</p>}
      <ul class="checklist">
        {field.options?.map((option, i) => {
          const optionId = i === 0 ? id : `${id}-${i}`;
          return (
            <li key={option.value}>
              <input
                id={optionId}
                type={multiple ? 'checkbox' : 'radio'}
                name={field.id}
                value={option.value}
                checked={chosen.includes(option.value)}
                onChange={(event) => toggle(option.value, (event.currentTarget as HTMLInputElement).checked)}
              />
              <label for={optionId}>{option.label}</label>
            </li>
          );
        })}
      </ul>
      <Extras field={field} error={view.error} />
    </fieldset>
  );
}

export function CheckboxField({ state, field, view }: FieldProps) {
  const id = fieldDomId(field.id);
  return (
    <div class="field" id={`${id}-grupo`}>
      <div class="checkbox-row">
          <input
            id={id}
            type="checkbox"
            name={field.id}
            checked={view.value === true}
            onChange={(event) => {
              state.set(field.id, (event.currentTarget as HTMLInputElement).checked);
              state.touch(field.id);
            }}
            {...ariaProps(field, view.error)}
          />
          <label for={id}>{field.label}{field.required ? ' (obrigatório)' : ''}</label>
      </div>
      <Extras field={field} error={view.error} />
    </div>
  );
}
