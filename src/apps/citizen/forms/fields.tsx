/**
 * One component per field type. Each field subscribes to its own slice of the form state, so typing
 * in one field re-renders that field only.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FormField } from '../../../shared/contract/forms.ts';
import { ChoiceGroupField, CheckboxField, SelectField } from './choice-fields.tsx';
import type { FieldEnvironment } from './field-parts.tsx';
import type { FieldView, FormState } from './form-state.ts';
import { LocationField, PhotoField } from './media-fields.tsx';
import { DateField, NumberField, TextLikeField, TextareaField } from './text-fields.tsx';

function useFieldView(state: FormState, id: string): FieldView {
  const [view, setView] = useState(() => state.view(id));
  useEffect(() => {
    setView(state.view(id));
    return state.subscribe(id, () => setView(state.view(id)));
  }, [state, id]);
  return view;
}

export function FieldRow({ state, field, env }: { state: FormState; field: FormField; env: FieldEnvironment }) {
  const view = useFieldView(state, field.id);
  if (!view.visible) return null;
  const common = { state, field, view, env };
  switch (field.type) {
    case 'text': case 'email': case 'cpf': case 'phone': case 'cep':
      return <TextLikeField {...common} />;
    case 'textarea': return <TextareaField {...common} />;
    case 'number': return <NumberField {...common} />;
    case 'date': return <DateField {...common} />;
    case 'select': return <SelectField {...common} />;
    case 'radio': case 'multiselect': return <ChoiceGroupField {...common} />;
    case 'checkbox': case 'consent': return <CheckboxField {...common} />;
    case 'photo': return <PhotoField {...common} />;
    case 'location': return <LocationField {...common} />;
  }
}
