/** What the search index reads from the charter: each service (and external service) as fields of text with their weights. */
import type { Charter } from '../../../shared/contract/charter.ts';

/** What a word found in a field is worth: what people call a service beats where it is merely mentioned. */
export const FIELD_WEIGHTS = {
  name: 10,
  popularName: 9,
  keyword: 6,
  area: 5,
  description: 1,
} as const;
type Field = keyof typeof FIELD_WEIGHTS;

export type SearchableCharter = Pick<Charter, 'services' | 'secretariats' | 'categories' | 'lifeEvents' | 'externalServices' | 'synonyms'>;

/** One searchable item: a municipal service, or a service of another body (`external`). */
export interface SearchEntry {
  kind: 'service' | 'external';
  id: string;
  /** Where it is in the charter's `services` or `externalServices`: found without a lookup. */
  position: number;
  name: string;
}

/** The words of one entry, field by field. */
export interface SearchDocument {
  entry: SearchEntry;
  fields: [text: string, field: Field, position: number][];
  titles: string[];
}

export function documentsOf(charter: SearchableCharter): SearchDocument[] {
  const areaNames = new Map<string, string>();
  for (const s of charter.secretariats) areaNames.set(`s:${s.id}`, `${s.name} ${s.acronym ?? ''}`);
  for (const c of charter.categories) areaNames.set(`c:${c.id}`, c.name);
  for (const e of charter.lifeEvents) areaNames.set(`e:${e.id}`, e.name);
  const services = charter.services.map((service, position): SearchDocument => ({
    entry: { kind: 'service', id: service.id, position, name: service.name },
    fields: [
      [service.name, 'name', 0],
      ...service.popularNames.map((n, i): [string, Field, number] => [n, 'popularName', i]),
      ...service.keywords.map((k, i): [string, Field, number] => [k, 'keyword', i]),
      [areaNames.get(`s:${service.secretariatId}`) ?? '', 'area', 0],
      ...service.categoryIds.map((id): [string, Field, number] => [areaNames.get(`c:${id}`) ?? '', 'area', 0]),
      ...service.lifeEventIds.map((id): [string, Field, number] => [areaNames.get(`e:${id}`) ?? '', 'area', 0]),
      [service.description, 'description', 0],
    ],
    titles: [service.name, ...service.popularNames],
  }));
  // What people call it (its keywords) counts as a popular name: these entries have no other title.
  const external = (charter.externalServices ?? []).map((item, position): SearchDocument => ({
    entry: { kind: 'external', id: item.id, position, name: item.name },
    fields: [
      [item.name, 'name', 0],
      ...item.keywords.map((k, i): [string, Field, number] => [k, 'popularName', i]),
      [item.whereToGo, 'description', 0],
    ],
    titles: [item.name, ...item.keywords],
  }));
  return [...services, ...external];
}
