/** The postings of the search index: for each word, the entries it occurs in and what it weighs there. */
import { FIELD_WEIGHTS, type SearchDocument } from './search-documents.ts';

/** The services a word occurs in, as parallel typed arrays (compact, and fast to walk on a slow phone). */
export interface Postings {
  docs: Int32Array;
  /** Sum of the field weights where the word occurs in that entry (with diminishing returns, see buildPostings). */
  weights: Float32Array;
  /** 1 when the word occurs in the name or a popular name. */
  inTitle: Uint8Array;
}

/**
 * Every word's postings, and each entry's titles as words (to reward a query that is a whole title).
 * `tokensOf` gives a text's distinct meaningful words.
 */
export function buildPostings(documents: readonly SearchDocument[], tokensOf: (text: string) => string[]): { postings: Map<string, Postings>; titles: string[][] } {
  const building = new Map<string, { docs: number[]; weights: number[]; inTitle: number[] }>();
  const titles: string[][] = [];
  // Per-entry scratch space, reused: building the index for 5,000 services must not churn the GC.
  const slotOf = new Map<string, number>();
  const slotTerms: string[] = [];
  let best: Float64Array = new Float64Array(256);
  let total: Float64Array = new Float64Array(256);
  let inTitle: Uint8Array = new Uint8Array(256);

  documents.forEach(({ fields, titles: entryTitles }, doc) => {
    slotOf.clear();
    slotTerms.length = 0;
    for (const [text, field, position] of fields) {
      // Popular names and keywords are listed most important first: a word in the first one weighs a
      // little more, which settles ties such as "iptu" between the IPTU bill and the IPTU exemption.
      const weight = FIELD_WEIGHTS[field] * Math.max(0.7, 1 - 0.03 * position);
      const title = field === 'name' || field === 'popularName' ? 1 : 0;
      for (const token of tokensOf(text)) {
        let slot = slotOf.get(token);
        if (slot === undefined) {
          slot = slotTerms.length;
          slotOf.set(token, slot);
          slotTerms.push(token);
          if (slot === best.length) [best, total, inTitle] = [grow(best), grow(total), growBytes(inTitle)];
          best[slot] = 0;
          total[slot] = 0;
          inTitle[slot] = 0;
        }
        if (weight > best[slot]!) best[slot] = weight;
        total[slot]! += weight;
        inTitle[slot]! |= title;
      }
    }

    for (let slot = 0; slot < slotTerms.length; slot++) {
      // The best field counts in full, every further mention a little: a word repeated in many
      // fields is what the service is about, but cannot outweigh a better field.
      const weight = best[slot]! + 0.15 * (total[slot]! - best[slot]!);
      const term = slotTerms[slot]!;
      let list = building.get(term);
      if (!list) building.set(term, (list = { docs: [], weights: [], inTitle: [] }));
      list.docs.push(doc);
      list.weights.push(weight);
      list.inTitle.push(inTitle[slot]!);
    }
    titles.push(entryTitles.map((t) => tokensOf(t).join(' ')));
  });

  const postings = new Map<string, Postings>();
  for (const [term, list] of building) {
    postings.set(term, { docs: Int32Array.from(list.docs), weights: Float32Array.from(list.weights), inTitle: Uint8Array.from(list.inTitle) });
  }
  return { postings, titles };
}

function grow(array: Float64Array): Float64Array {
  const larger = new Float64Array(array.length * 2);
  larger.set(array);
  return larger;
}

function growBytes(array: Uint8Array): Uint8Array {
  const larger = new Uint8Array(array.length * 2);
  larger.set(array);
  return larger;
}
