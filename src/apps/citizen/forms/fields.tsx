/**
 * One component per field type. Each field subscribes to its own slice of the form state, so typing
 * in one field re-renders that field only.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { District } from '../../../shared/contract/charter.ts';
import type { FormField } from '../../../shared/contract/forms.ts';
import type { LocationAnswer } from '../../../shared/contract/submissions.ts';
import type { FieldView, FormState } from './form-state.ts';
import { applyMask, caretAfterMask, maskInputAttributes } from './masks.ts';
import { answerToBrDate, brDateToAnswer, dateBound, formatNumberForInput, maskBrDate, parseNumberInput } from './answer-parsing.ts';
import { accuracyWords, readGpsPoint } from './geolocation.ts';

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
const errorId = (id: string) => `erro-${id}`;
const helpId = (id: string) => `ajuda-${id}`;

function useFieldView(state: FormState, id: string): FieldView {
  const [view, setView] = useState(() => state.view(id));
  useEffect(() => {
    setView(state.view(id));
    return state.subscribe(id, () => setView(state.view(id)));
  }, [state, id]);
  return view;
}

/** Hint ids a control names besides its help and error (a format hint before, a counter after). */
interface ExtraHints {
  before?: string;
  after?: string;
}

function describedBy(field: FormField, error: string | undefined, extra: ExtraHints = {}): string | undefined {
  const ids = [extra.before, field.help ? helpId(field.id) : '', error ? errorId(field.id) : '', extra.after].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** The accessibility wiring every field's control shares: invalid state, its hints and message, required. */
function ariaProps(field: FormField, error: string | undefined, extra?: ExtraHints) {
  return {
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(field, error, extra),
    'aria-required': field.required ? ('true' as const) : undefined,
  };
}

/** A control typed into: its id and name, leaving it shows its message from then on, and its aria wiring. */
function typedControlProps(state: FormState, field: FormField, error: string | undefined, extra?: ExtraHints) {
  return { id: fieldDomId(field.id), name: field.id, onBlur: () => state.touch(field.id), ...ariaProps(field, error, extra) };
}

function Label({ field, htmlFor }: { field: FormField; htmlFor?: string }) {
  const text = <>{field.label}{field.required ? <span class="field-required"> (obrigatório)</span> : <span class="field-optional"> (opcional)</span>}</>;
  return htmlFor ? <label for={htmlFor}>{text}</label> : <legend>{text}</legend>;
}

function Extras({ field, error }: { field: FormField; error: string | undefined }) {
  return (
    <>
      {field.help && <p class="field-hint" id={helpId(field.id)}>{field.help}</p>}
      {error && <p class="field-error" id={errorId(field.id)}>{error}</p>}
    </>
  );
}

/** The box of a field with one labelled control: label, the control (children), help and message. */
function LabelledField({ field, error, children }: { field: FormField; error: string | undefined; children: ComponentChildren }) {
  const id = fieldDomId(field.id);
  return (
    <div class="field" id={`${id}-grupo`}>
      <Label field={field} htmlFor={id} />
      {children}
      <Extras field={field} error={error} />
    </div>
  );
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

interface FieldProps {
  state: FormState;
  field: FormField;
  view: FieldView;
  env: FieldEnvironment;
}

function TextLikeField({ state, field, view }: FieldProps) {
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

function TextareaField({ state, field, view }: FieldProps) {
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

function NumberField({ state, field, view }: FieldProps) {
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

function DateField({ state, field, view, env }: FieldProps) {
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

function SelectField({ state, field, view }: FieldProps) {
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

function ChoiceGroupField({ state, field, view }: FieldProps) {
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

function CheckboxField({ state, field, view }: FieldProps) {
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

function PhotoField({ state, field, view, env }: FieldProps) {
  const id = fieldDomId(field.id);
  const hashes = Array.isArray(view.value) ? view.value : [];
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const max = field.maxItems ?? 5;
  const onPick = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    if (!files.length) return;
    setBusy(true);
    setProblem(undefined);
    try {
      for (const file of files.slice(0, Math.max(0, max - hashes.length))) {
        const sha = await env.addPhoto(field.id, file);
        const current = state.answers()[field.id];
        const list = Array.isArray(current) ? current : [];
        if (!list.includes(sha)) state.set(field.id, [...list, sha]);
      }
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'Não foi possível guardar a foto.');
    } finally {
      setBusy(false);
      state.touch(field.id);
    }
  };
  const remove = (sha: string) => {
    const next = hashes.filter((h) => h !== sha);
    state.set(field.id, next.length ? next : undefined);
  };
  const error = problem ?? view.error;
  return (
    <fieldset class="field" id={`${id}-grupo`} aria-describedby={describedBy(field, error)}>
      <Label field={field} />
      <p class="field-hint">A foto é diminuída no celular antes de ser guardada. Até {max} {max === 1 ? 'foto' : 'fotos'}.</p>
      {hashes.length > 0 && (
        <ul class="photo-list">
          {hashes.map((sha, i) => {
            const item = env.photo(sha);
            return (
              <li key={sha}>
                {item && <img src={item.url} alt={`Foto ${i + 1} de ${field.label}`} width={96} height={96} />}
                <button type="button" class="button button-secondary" onClick={() => remove(sha)}>Remover foto {i + 1}</button>
              </li>
            );
          })}
        </ul>
      )}
      {hashes.length < max && (
        <>
          {/* The input comes first so its keyboard focus can draw the ring on the label that looks like the button. */}
          <input id={id} class="visually-hidden photo-input" type="file" accept="image/*" multiple={max > 1} onChange={onPick} aria-invalid={error ? 'true' : undefined} />
          <label for={id} class="button button-secondary">{hashes.length ? 'Adicionar outra foto' : 'Tirar ou escolher foto'}</label>
        </>
      )}
      {busy && <p class="field-hint" role="status">Preparando a foto…</p>}
      {field.help && <p class="field-hint" id={helpId(field.id)}>{field.help}</p>}
      {error && <p class="field-error" id={errorId(field.id)}>{error}</p>}
    </fieldset>
  );
}

function LocationField({ state, field, view, env }: FieldProps) {
  const id = fieldDomId(field.id);
  const location: LocationAnswer = view.value && typeof view.value === 'object' && !Array.isArray(view.value) ? view.value : {};
  const [status, setStatus] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const district = env.districts.find((d) => d.id === location.district);
  const mounted = useRef(true);
  useEffect(() => () => {
    mounted.current = false;
  }, []);
  const update = (patch: Partial<LocationAnswer>) => {
    const current = state.answers()[field.id];
    const base = current && typeof current === 'object' && !Array.isArray(current) ? current : {};
    const next: LocationAnswer = { ...base, ...patch };
    for (const key of Object.keys(next) as (keyof LocationAnswer)[]) if (next[key] === undefined || next[key] === '') delete next[key];
    state.set(field.id, Object.keys(next).length ? next : undefined);
  };
  const useGps = async () => {
    setProblem(undefined);
    setStatus('Procurando sua localização…');
    try {
      const point = await readGpsPoint();
      if (!mounted.current) return;
      update(point);
      setStatus(undefined);
    } catch (error) {
      if (!mounted.current) return;
      setStatus(undefined);
      setProblem(error instanceof Error ? error.message : 'Não foi possível achar sua localização.');
    }
  };
  const hasPoint = typeof location.lat === 'number' && typeof location.lng === 'number';
  return (
    <fieldset class="field" id={`${id}-grupo`} aria-describedby={describedBy(field, view.error)}>
      <Label field={field} />
      <p class="field-hint">Use o GPS do celular ou escolha o distrito e o povoado (a lista funciona sem internet).</p>
      <div class="button-row">
        <button type="button" class="button button-secondary" onClick={() => void useGps()}>
          {hasPoint ? 'Atualizar minha localização' : 'Usar minha localização (GPS)'}
        </button>
        {hasPoint && <button type="button" class="button button-secondary" onClick={() => update({ lat: undefined, lng: undefined, accuracy: undefined })}>Tirar o ponto do GPS</button>}
      </div>
      {status && <p class="field-hint" role="status">{status}</p>}
      {hasPoint && <p class="field-hint">Ponto marcado: {location.lat!.toFixed(5)}, {location.lng!.toFixed(5)}{location.accuracy !== undefined ? ` (${accuracyWords(location.accuracy)})` : ''}.</p>}
      {problem && <p class="field-error">{problem}</p>}
      <label for={id}>Distrito</label>
      <select
        id={id}
        value={location.district ?? ''}
        onChange={(event) => {
          update({ district: (event.currentTarget as HTMLSelectElement).value || undefined, village: undefined });
          state.touch(field.id);
        }}
        aria-invalid={view.error ? 'true' : undefined}
      >
        <option value="">Escolha o distrito</option>
        {env.districts.map((d) => <option key={d.id} value={d.id}>{d.rural ? d.name : `${d.name} (cidade)`}</option>)}
      </select>
      {district && (
        <>
          <label for={`${id}-povoado`}>{district.rural ? 'Povoado ou comunidade' : 'Bairro'} (opcional)</label>
          <select
            id={`${id}-povoado`}
            value={location.village ?? ''}
            onChange={(event) => update({ village: (event.currentTarget as HTMLSelectElement).value || undefined })}
          >
            <option value="">Escolha</option>
            {district.villages.map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        </>
      )}
      <Extras field={field} error={view.error} />
    </fieldset>
  );
}
