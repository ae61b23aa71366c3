import type { Category, Charter, FormDefinition, LifeEvent, Secretariat, Service } from '../../../shared/schemas.ts';

/** Id → item maps, built once per charter object. */
const maps = new WeakMap<Charter, {
  services: Map<string, Service>;
  forms: Map<string, FormDefinition>;
  secretariats: Map<string, Secretariat>;
  categories: Map<string, Category>;
  lifeEvents: Map<string, LifeEvent>;
}>();

function mapsOf(charter: Charter) {
  let found = maps.get(charter);
  if (!found) {
    const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((item) => [item.id, item]));
    found = {
      services: byId(charter.services),
      forms: byId(charter.forms),
      secretariats: byId(charter.secretariats),
      categories: byId(charter.categories),
      lifeEvents: byId(charter.lifeEvents),
    };
    maps.set(charter, found);
  }
  return found;
}

export function serviceById(charter: Charter, id: string): Service | undefined {
  return mapsOf(charter).services.get(id);
}
export function formById(charter: Charter, id: string): FormDefinition | undefined {
  return mapsOf(charter).forms.get(id);
}
export function secretariatById(charter: Charter, id: string): Secretariat | undefined {
  return mapsOf(charter).secretariats.get(id);
}
export function categoryById(charter: Charter, id: string): Category | undefined {
  return mapsOf(charter).categories.get(id);
}
export function lifeEventById(charter: Charter, id: string): LifeEvent | undefined {
  return mapsOf(charter).lifeEvents.get(id);
}
