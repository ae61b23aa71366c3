import type { Charter } from '../../../shared/schemas.ts';
import { buildSearchIndex, type SearchIndex } from './search-index.ts';

const built = new WeakMap<Charter, SearchIndex>();

/** The search index of a charter, built on first use and kept while that charter is current. */
export function searchIndexFor(charter: Charter): SearchIndex {
  let index = built.get(charter);
  if (!index) {
    index = buildSearchIndex(charter);
    built.set(charter, index);
  }
  return index;
}
