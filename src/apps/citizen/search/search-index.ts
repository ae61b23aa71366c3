/**
 * Offline search over the Service Charter. The index is built once per charter (tokens → postings),
 * so a query on a 5,000-service charter only touches the words it matches.
 */
import type { Charter, Service } from '../../../shared/schemas.ts';
import { tokenize } from '../../../shared/text.ts';
import { withinEditDistance } from './edit-distance.ts';

/** What a word found in a field is worth: what people call a service beats where it is merely mentioned. */
export const FIELD_WEIGHTS = {
  name: 10,
  popularName: 9,
  keyword: 6,
  area: 5,
  description: 1,
} as const;
type Field = keyof typeof FIELD_WEIGHTS;

/** How well a query word matched an indexed word. */
const MATCH_QUALITY = { exact: 1, prefix: 0.8, typo: 0.6 } as const;

/** Words that carry no meaning on their own in a pt-BR query ("segunda via DO iptu"). */
const STOPWORDS = new Set([
  'a', 'o', 'as', 'os', 'e', 'de', 'da', 'do', 'das', 'dos', 'em', 'no', 'na', 'nos', 'nas', 'um', 'uma', 'para', 'pra',
  'por', 'com', 'ao', 'aos', 'meu', 'minha', 'meus', 'minhas', 'que', 'como', 'quero', 'preciso',
]);

/** The services a word occurs in, as parallel typed arrays (compact, and fast to walk on a slow phone). */
interface Postings {
  docs: Int32Array;
  /** Sum of the field weights where the word occurs in that service (with diminishing returns, see add()). */
  weights: Float32Array;
  /** 1 when the word occurs in the name or a popular name. */
  inTitle: Uint8Array;
}

export interface SearchIndex {
  services: readonly Service[];
  /** Sorted, for prefix lookups by binary search. */
  terms: string[];
  postings: Map<string, Postings>;
  /** Alphabetical position of each service's name: the last tie-break, without locale work per query. */
  nameRank: Int32Array;
  /** Terms grouped by length, for typo lookups. */
  termsByLength: Map<number, string[]>;
  /** Normalised name and popular names, to reward a query that is a whole title. */
  titles: string[][];
  expansionCache: Map<string, Expansion[]>;
}

interface Expansion {
  term: string;
  quality: number;
}

export interface SearchHit {
  service: Service;
  score: number;
}

export function meaningfulTokens(text: string): string[] {
  const tokens = tokenize(text);
  const kept = tokens.filter((t) => !STOPWORDS.has(t));
  return kept.length > 0 ? kept : tokens;
}

export function buildSearchIndex(charter: Pick<Charter, 'services' | 'secretariats' | 'categories' | 'lifeEvents'>): SearchIndex {
  const areaNames = new Map<string, string>();
  for (const s of charter.secretariats) areaNames.set(`s:${s.id}`, `${s.name} ${s.acronym ?? ''}`);
  for (const c of charter.categories) areaNames.set(`c:${c.id}`, c.name);
  for (const e of charter.lifeEvents) areaNames.set(`e:${e.id}`, e.name);

  const building = new Map<string, { docs: number[]; weights: number[]; inTitle: number[] }>();
  const titles: string[][] = [];
  // Area names repeat on every service of an area, and copies of a text are common: tokenise each text once.
  const tokenCache = new Map<string, string[]>();
  const tokensOf = (text: string) => {
    let tokens = tokenCache.get(text);
    if (!tokens) tokenCache.set(text, (tokens = [...new Set(meaningfulTokens(text))]));
    return tokens;
  };

  // Per-service scratch space, reused: building the index for 5,000 services must not churn the GC.
  const slotOf = new Map<string, number>();
  const slotTerms: string[] = [];
  let best: Float64Array = new Float64Array(256);
  let total: Float64Array = new Float64Array(256);
  let inTitle: Uint8Array = new Uint8Array(256);

  charter.services.forEach((service, doc) => {
    slotOf.clear();
    slotTerms.length = 0;
    const add = (text: string, field: Field, position = 0) => {
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
    };
    add(service.name, 'name');
    service.popularNames.forEach((n, i) => add(n, 'popularName', i));
    service.keywords.forEach((k, i) => add(k, 'keyword', i));
    add(areaNames.get(`s:${service.secretariatId}`) ?? '', 'area');
    service.categoryIds.forEach((id) => add(areaNames.get(`c:${id}`) ?? '', 'area'));
    service.lifeEventIds.forEach((id) => add(areaNames.get(`e:${id}`) ?? '', 'area'));
    add(service.description, 'description');

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
    titles.push([service.name, ...service.popularNames].map((t) => tokensOf(t).join(' ')));
  });

  const postings = new Map<string, Postings>();
  for (const [term, list] of building) {
    postings.set(term, { docs: Int32Array.from(list.docs), weights: Float32Array.from(list.weights), inTitle: Uint8Array.from(list.inTitle) });
  }
  const nameRank = new Int32Array(charter.services.length);
  const collator = new Intl.Collator('pt-BR');
  charter.services
    .map((service, doc) => ({ name: service.name, doc }))
    .sort((a, b) => collator.compare(a.name, b.name))
    .forEach(({ doc }, rank) => (nameRank[doc] = rank));

  const terms = [...postings.keys()].sort();
  const termsByLength = new Map<number, string[]>();
  for (const term of terms) {
    let group = termsByLength.get(term.length);
    if (!group) termsByLength.set(term.length, (group = []));
    group.push(term);
  }
  return { services: charter.services, terms, postings, nameRank, termsByLength, titles, expansionCache: new Map() };
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

function typoAllowance(word: string): number {
  if (word.length < 4) return 0;
  return word.length < 8 ? 1 : 2;
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Indexed words a query word stands for: itself, words it begins, and words one or two typos away. */
function expand(index: SearchIndex, word: string): Expansion[] {
  const cached = index.expansionCache.get(word);
  if (cached) return cached;
  const found = new Map<string, number>();
  if (index.postings.has(word)) found.set(word, MATCH_QUALITY.exact);
  if (word.length >= 2) {
    for (let i = lowerBound(index.terms, word); i < index.terms.length && index.terms[i]!.startsWith(word); i++) {
      const term = index.terms[i]!;
      if (!found.has(term)) found.set(term, MATCH_QUALITY.prefix);
    }
  }
  const allowance = typoAllowance(word);
  for (let length = word.length - allowance; allowance > 0 && length <= word.length + allowance; length++) {
    for (const term of index.termsByLength.get(length) ?? []) {
      if (!found.has(term) && withinEditDistance(word, term, allowance)) found.set(term, MATCH_QUALITY.typo);
    }
  }
  const expansions = [...found].map(([term, quality]) => ({ term, quality }));
  if (index.expansionCache.size > 500) index.expansionCache.clear();
  index.expansionCache.set(word, expansions);
  return expansions;
}

/**
 * Services matching the query, best first. Every query word must match (exactly, as a prefix or with a
 * small typo); when no service matches them all, services matching most of them are returned.
 */
export function searchServices(index: SearchIndex, query: string, limit = 50): SearchHit[] {
  const words = [...new Set(meaningfulTokens(query))];
  if (words.length === 0) return [];
  const count = index.services.length;
  const total = new Float64Array(count);
  const matchedWords = new Uint16Array(count);
  const titleWords = new Uint16Array(count);
  const wordScore = new Float64Array(count);
  const wordInTitle = new Uint8Array(count);
  const touched: number[] = [];

  for (const word of words) {
    wordScore.fill(0);
    wordInTitle.fill(0);
    touched.length = 0;
    for (const { term, quality } of expand(index, word)) {
      const { docs, weights, inTitle } = index.postings.get(term)!;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        const score = weights[i]! * quality;
        if (wordScore[doc] === 0) touched.push(doc);
        if (score > wordScore[doc]!) wordScore[doc] = score;
        if (inTitle[i]) wordInTitle[doc] = 1;
      }
    }
    for (const doc of touched) {
      total[doc]! += wordScore[doc]!;
      matchedWords[doc]!++;
      titleWords[doc]! += wordInTitle[doc]!;
    }
  }

  const phrase = words.join(' ');
  let best = 0;
  for (let doc = 0; doc < count; doc++) if (matchedWords[doc]! > best) best = matchedWords[doc]!;
  if (best === 0) return [];
  // Keep only the best `limit` services: no full sort of thousands of matches per keystroke.
  const top: { doc: number; score: number }[] = [];
  const before = (a: { doc: number; score: number }, b: { doc: number; score: number }) =>
    a.score !== b.score
      ? a.score > b.score
      : index.services[a.doc]!.name.length !== index.services[b.doc]!.name.length
        ? index.services[a.doc]!.name.length < index.services[b.doc]!.name.length
        : index.nameRank[a.doc]! < index.nameRank[b.doc]!;
  for (let doc = 0; doc < count; doc++) {
    if (matchedWords[doc] !== best) continue;
    let score = total[doc]!;
    // Every word of the query in the name or a popular name: this is the service the person means.
    if (titleWords[doc] === words.length) score += 5 * words.length;
    const titles = index.titles[doc]!;
    if (titles.some((t) => t === phrase)) score += 8;
    else if (words.length > 1 && titles.some((t) => t.includes(phrase))) score += 4;
    const candidate = { doc, score };
    if (top.length === limit && !before(candidate, top[top.length - 1]!)) continue;
    let at = top.length;
    while (at > 0 && before(candidate, top[at - 1]!)) at--;
    top.splice(at, 0, candidate);
    if (top.length > limit) top.pop();
  }
  return top.map(({ doc, score }) => ({ service: index.services[doc]!, score }));
}
