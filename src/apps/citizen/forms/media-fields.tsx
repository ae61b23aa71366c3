/** The fields a phone fills: photos (shrunk and stored on the device) and the place (GPS or district and village). */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LocationAnswer } from '../../../shared/contract/submissions.ts';
import { Extras, Label, describedBy, errorId, fieldDomId, helpId, type FieldProps } from './field-parts.tsx';
import { accuracyWords, readGpsPoint } from './geolocation.ts';

export function PhotoField({ state, field, view, env }: FieldProps) {
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

export function LocationField({ state, field, view, env }: FieldProps) {
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
