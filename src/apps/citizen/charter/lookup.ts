import type { Category, Charter, LifeEvent, Secretariat, Service } from '../../../shared/contract/charter.ts';
import type { FormDefinition } from '../../../shared/contract/forms.ts';

/**
 * Id → item maps, built once per list of a charter object, on first use: a page that names a
 * secretariat does not pay for a map of 5,000 services.
 */
const maps = new WeakMap<readonly { id: string }[], Map<string, { id: string }>>();

function byId<T extends { id: string }>(items: readonly T[], id: string): T | undefined {
  let map = maps.get(items) as Map<string, T> | undefined;
  if (!map) {
    map = new Map(items.map((item) => [item.id, item]));
    maps.set(items, map);
  }
  return map.get(id);
}

export function serviceById(charter: Charter, id: string): Service | undefined {
  return byId(charter.services, id);
}
export function formById(charter: Charter, id: string): FormDefinition | undefined {
  return byId(charter.forms, id);
}
export function secretariatById(charter: Charter, id: string): Secretariat | undefined {
  return byId(charter.secretariats, id);
}
export function categoryById(charter: Charter, id: string): Category | undefined {
  return byId(charter.categories, id);
}
export function lifeEventById(charter: Charter, id: string): LifeEvent | undefined {
  return byId(charter.lifeEvents, id);
}
