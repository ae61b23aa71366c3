/**
 * A list's filters, folded above it: they live in the address (a filtered list can be bookmarked and
 * shared), open when any is active, checked before the page moves to the filtered address.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { navigate } from '../../common/navigation.tsx';
import { queryString } from '../api.ts';
import { FormError, focusFirstInvalid } from './fields.tsx';

export type ListFilterValues<K extends string> = Partial<Record<K, string>>;

/** The filters of the address, trimmed, the empty ones left out. */
export function filterOf<K extends string>(query: URLSearchParams, keys: readonly K[]): ListFilterValues<K> {
  const filter: ListFilterValues<K> = {};
  for (const key of keys) {
    const value = query.get(key)?.trim();
    if (value) filter[key] = value;
  }
  return filter;
}

/** The filters being chosen, before "Filtrar"; an empty choice is no filter. */
export function useFilterDraft<K extends string>(filter: ListFilterValues<K>) {
  const [values, setValues] = useState<ListFilterValues<K>>(filter);
  const [errors, setErrors] = useState<Record<string, string> | null>(null);
  const set = (key: K, value: string | undefined) => setValues((current) => ({ ...current, [key]: value || undefined }));
  return { values, set, errors, setErrors };
}

interface ListFilterProps<K extends string> {
  /** The list's address without filters: "Limpar filtros" goes there, "Filtrar" adds the chosen ones. */
  path: string;
  draft: ReturnType<typeof useFilterDraft<K>>;
  /** Whether a filter is in use (the fold opens and its title says so). */
  active: boolean;
  /** The fields' names in the error summary. */
  labels: Record<string, string>;
  /** Returns what is wrong per field; empty when the filters may be applied. */
  check: (values: ListFilterValues<K>) => Record<string, string>;
  /** The fields in the grid. */
  children: ComponentChildren;
  /** Checkboxes and the like, under the grid. */
  below?: ComponentChildren;
}

export function ListFilter<K extends string>({ path, draft, active, labels, check, children, below }: ListFilterProps<K>) {
  const submit = (event: Event) => {
    event.preventDefault();
    const found = check(draft.values);
    draft.setErrors(Object.keys(found).length ? found : null);
    if (Object.keys(found).length) {
      focusFirstInvalid(event.currentTarget);
      return;
    }
    navigate(`${path}${queryString(draft.values)}`);
  };
  return (
    <details class="fold filters" open={active}>
      <summary><h2>Filtros{active ? ' (ativos)' : ''}</h2></summary>
      <form class="stack fold-body" onSubmit={submit} noValidate>
        <FormError message={draft.errors ? 'Confira os filtros.' : undefined} fields={draft.errors ?? {}} labels={labels} />
        <div class="filter-grid">{children}</div>
        {below}
        <div class="button-row">
          <button type="submit" class="button button-primary">Filtrar</button>
          <a class="button button-secondary" href={path}>Limpar filtros</a>
        </div>
      </form>
    </details>
  );
}
