/**
 * Offline search over the Service Charter. The index is built once per charter (tokens → postings),
 * so a query on a 5,000-service charter only touches the words it matches. It runs in the charter
 * worker (charter-worker.ts): building it for a large charter takes hundreds of milliseconds on a slow
 * phone, which must never block a tap.
 *
 * A query word finds the word as typed, its variants (same stem: "reclamar" finds "reclamação"), words
 * it begins while the person is still typing, words one or two typos away, and its synonyms ("RG" finds
 * "identidade"). The charter's external services (what other bodies do: RG, INSS, cartório) are
 * searched with the municipality's own, so a person who asks for them learns where to go.
 */
import type { Charter } from '../../../shared/contract/charter.ts';
import { tokenize } from '../../../shared/text.ts';
import { withinEditDistance } from './edit-distance.ts';
import { stem } from './stem.ts';
import { BUILT_IN_SYNONYMS, findSynonyms, synonymTable, type SynonymTable } from './synonyms.ts';

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
export const MATCH_QUALITY = { exact: 1, variant: 0.9, prefix: 0.8, synonym: 0.75, typo: 0.6 } as const;

/** Words that carry no meaning on their own in a pt-BR query ("segunda via DO iptu", "onde EU tiro"). */
const STOPWORDS = new Set([
  'a', 'o', 'as', 'os', 'e', 'de', 'da', 'do', 'das', 'dos', 'em', 'no', 'na', 'nos', 'nas', 'um', 'uma', 'para', 'pra',
  'por', 'com', 'ao', 'aos', 'meu', 'minha', 'meus', 'minhas', 'que', 'como', 'quero', 'preciso',
  'eu', 'me', 'onde', 'qual', 'ou', 'pelo', 'pela',
]);

export type SearchableCharter = Pick<Charter, 'services' | 'secretariats' | 'categories' | 'lifeEvents' | 'externalServices' | 'synonyms'>;

/** One searchable item: a municipal service, or a service of another body (`external`). */
export interface SearchEntry {
  kind: 'service' | 'external';
  id: string;
  /** Where it is in the charter's `services` or `externalServices`: found without a lookup. */
  position: number;
  name: string;
}

/** The services a word occurs in, as parallel typed arrays (compact, and fast to walk on a slow phone). */
interface Postings {
  docs: Int32Array;
  /** Sum of the field weights where the word occurs in that entry (with diminishing returns, see add()). */
  weights: Float32Array;
  /** 1 when the word occurs in the name or a popular name. */
  inTitle: Uint8Array;
}

export interface SearchIndex {
  entries: readonly SearchEntry[];
  /** Sorted, for prefix lookups by binary search. */
  terms: string[];
  postings: Map<string, Postings>;
  /** Indexed words by stem: the variants of a query word. */
  variants: Map<string, string[]>;
  synonyms: SynonymTable;
  /** Alphabetical position of each entry's name: the last tie-break, without locale work per query. */
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

export interface SearchHit extends SearchEntry {
  score: number;
}

export function meaningfulTokens(text: string): string[] {
  const tokens = tokenize(text);
  const kept = tokens.filter((t) => !STOPWORDS.has(t));
  return kept.length > 0 ? kept : tokens;
}

/** The words of one entry, field by field. */
interface Document {
  entry: SearchEntry;
  fields: [text: string, field: Field, position: number][];
  titles: string[];
}

function documentsOf(charter: SearchableCharter): Document[] {
  const areaNames = new Map<string, string>();
  for (const s of charter.secretariats) areaNames.set(`s:${s.id}`, `${s.name} ${s.acronym ?? ''}`);
  for (const c of charter.categories) areaNames.set(`c:${c.id}`, c.name);
  for (const e of charter.lifeEvents) areaNames.set(`e:${e.id}`, e.name);
  const services = charter.services.map((service, position): Document => ({
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
  const external = (charter.externalServices ?? []).map((item, position): Document => ({
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

export function buildSearchIndex(charter: SearchableCharter): SearchIndex {
  const documents = documentsOf(charter);
  const building = new Map<string, { docs: number[]; weights: number[]; inTitle: number[] }>();
  const titles: string[][] = [];
  // Area names repeat on every service of an area, and copies of a text are common: tokenise each text once.
  const tokenCache = new Map<string, string[]>();
  const tokensOf = (text: string) => {
    let tokens = tokenCache.get(text);
    if (!tokens) tokenCache.set(text, (tokens = [...new Set(meaningfulTokens(text))]));
    return tokens;
  };

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
  const entries = documents.map((d) => d.entry);
  const nameRank = new Int32Array(entries.length);
  const collator = new Intl.Collator('pt-BR');
  entries
    .map((entry, doc) => ({ name: entry.name, doc }))
    .sort((a, b) => collator.compare(a.name, b.name))
    .forEach(({ doc }, rank) => (nameRank[doc] = rank));

  const terms = [...postings.keys()].sort();
  const termsByLength = new Map<number, string[]>();
  const variants = new Map<string, string[]>();
  for (const term of terms) {
    let group = termsByLength.get(term.length);
    if (!group) termsByLength.set(term.length, (group = []));
    group.push(term);
    const root = stem(term);
    let same = variants.get(root);
    if (!same) variants.set(root, (same = []));
    same.push(term);
  }
  const synonyms = synonymTable([...BUILT_IN_SYNONYMS, ...(charter.synonyms ?? []).map((g) => g.terms)], meaningfulTokens);
  return { entries, terms, postings, variants, synonyms, nameRank, termsByLength, titles, expansionCache: new Map() };
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

/** Indexed words with the same stem as `word`, the word itself first when indexed. */
function sameStem(index: SearchIndex, word: string): Expansion[] {
  const found: Expansion[] = index.postings.has(word) ? [{ term: word, quality: MATCH_QUALITY.exact }] : [];
  for (const term of index.variants.get(stem(word)) ?? []) {
    if (term !== word) found.push({ term, quality: MATCH_QUALITY.variant });
  }
  return found;
}

/** Indexed words a typed query word stands for: itself, its variants, words it begins, and near misses. */
function expand(index: SearchIndex, word: string): Expansion[] {
  const cached = index.expansionCache.get(word);
  if (cached) return cached;
  const found = new Map<string, number>();
  for (const { term, quality } of sameStem(index, word)) found.set(term, quality);
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
 * Part of a query that must be matched: one typed word, or a stretch of words that names a synonym
 * group. `original` is what was typed (each of its words counts on its own, so a partial match still
 * ranks); each alternative counts only when all of its words are found.
 */
interface Concept {
  original: string[];
  alternatives: string[][];
}

function conceptsOf(index: SearchIndex, words: string[]): Concept[] {
  const concepts: Concept[] = [];
  let next = 0;
  for (const span of findSynonyms(index.synonyms, words)) {
    for (; next < span.start; next++) concepts.push({ original: [words[next]!], alternatives: [] });
    concepts.push({ original: words.slice(span.start, span.start + span.length), alternatives: span.alternatives });
    next = span.start + span.length;
  }
  for (; next < words.length; next++) concepts.push({ original: [words[next]!], alternatives: [] });
  return concepts;
}

/** Per-entry scratch of one query: score, words matched and words matched in a title, with what was touched. */
class Tally {
  readonly score: Float64Array;
  readonly matched: Uint16Array;
  readonly inTitle: Uint16Array;
  readonly touched: number[] = [];

  constructor(size: number) {
    this.score = new Float64Array(size);
    this.matched = new Uint16Array(size);
    this.inTitle = new Uint16Array(size);
  }

  clear(): void {
    for (const doc of this.touched) {
      this.score[doc] = 0;
      this.matched[doc] = 0;
      this.inTitle[doc] = 0;
    }
    this.touched.length = 0;
  }

  add(doc: number, score: number, matched: number, inTitle: number): void {
    if (this.matched[doc] === 0) this.touched.push(doc);
    this.score[doc]! += score;
    this.matched[doc]! += matched;
    this.inTitle[doc]! += inTitle;
  }

  /** Keeps the better of two ways to match a concept: more words matched, then the higher score. */
  offer(doc: number, score: number, matched: number, inTitle: number): void {
    if (this.matched[doc] === 0) {
      this.add(doc, score, matched, inTitle);
    } else if (matched > this.matched[doc]! || (matched === this.matched[doc] && score > this.score[doc]!)) {
      this.score[doc] = score;
      this.matched[doc] = matched;
      this.inTitle[doc] = inTitle;
    }
  }
}

// Per-index scratch tallies, reused by every query: fresh arrays per keystroke would churn the GC.
const scratch = new WeakMap<SearchIndex, [Tally, Tally, Tally, Tally]>();

function scratchOf(index: SearchIndex): [Tally, Tally, Tally, Tally] {
  let tallies = scratch.get(index);
  if (!tallies) {
    const size = index.entries.length;
    scratch.set(index, (tallies = [new Tally(size), new Tally(size), new Tally(size), new Tally(size)]));
  }
  return tallies;
}

/** The best way each entry matches one word, through the given expansions, into `into` (cleared first). */
function scoreWord(index: SearchIndex, expansions: Expansion[], factor: number, into: Tally): void {
  into.clear();
  for (const { term, quality } of expansions) {
    const { docs, weights, inTitle } = index.postings.get(term)!;
    const q = quality * factor;
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      const score = weights[i]! * q;
      if (into.matched[doc] === 0) {
        into.touched.push(doc);
        into.matched[doc] = 1;
      }
      if (score > into.score[doc]!) into.score[doc] = score;
      if (inTitle[i]) into.inTitle[doc] = 1;
    }
  }
}

/**
 * Entries matching the query, best first. Every query word must match (as typed, as a variant, as a
 * prefix, with a small typo or through a synonym); when no entry matches them all, entries matching
 * most of them are returned.
 */
export function searchCharter(index: SearchIndex, query: string, limit = 50): SearchHit[] {
  const words = [...new Set(meaningfulTokens(query))];
  if (words.length === 0) return [];
  const [total, concept, alternative, word] = scratchOf(index);
  total.clear();

  for (const { original, alternatives } of conceptsOf(index, words)) {
    if (original.length === 1 && alternatives.length === 0) {
      // Most words name no synonym group: straight into the total.
      scoreWord(index, expand(index, original[0]!), 1, word);
      for (const doc of word.touched) total.add(doc, word.score[doc]!, 1, word.inTitle[doc]!);
      continue;
    }
    concept.clear();
    // As typed: each word counts on its own.
    for (const typed of original) {
      scoreWord(index, expand(index, typed), 1, word);
      for (const doc of word.touched) concept.add(doc, word.score[doc]!, 1, word.inTitle[doc]!);
    }
    // Another way to say it: counts as the whole stretch, only when all of its words are there.
    for (const other of alternatives) {
      alternative.clear();
      for (const synonymWord of other) {
        scoreWord(index, sameStem(index, synonymWord), MATCH_QUALITY.synonym, word);
        for (const doc of word.touched) alternative.add(doc, word.score[doc]!, 1, word.inTitle[doc]!);
      }
      for (const doc of alternative.touched) {
        if (alternative.matched[doc]! < other.length) continue;
        const score = (alternative.score[doc]! / other.length) * original.length;
        concept.offer(doc, score, original.length, alternative.inTitle[doc] === other.length ? original.length : 0);
      }
    }
    for (const doc of concept.touched) total.add(doc, concept.score[doc]!, concept.matched[doc]!, concept.inTitle[doc]!);
  }

  const phrase = words.join(' ');
  let best = 0;
  for (const doc of total.touched) if (total.matched[doc]! > best) best = total.matched[doc]!;
  if (best === 0) return [];
  // Keep only the best `limit` entries: no full sort of thousands of matches per keystroke.
  const top: { doc: number; score: number }[] = [];
  const { entries, nameRank } = index;
  const before = (a: { doc: number; score: number }, b: { doc: number; score: number }) =>
    a.score !== b.score
      ? a.score > b.score
      : entries[a.doc]!.name.length !== entries[b.doc]!.name.length
        ? entries[a.doc]!.name.length < entries[b.doc]!.name.length
        : nameRank[a.doc]! < nameRank[b.doc]!;
  for (const doc of total.touched) {
    if (total.matched[doc] !== best) continue;
    let score = total.score[doc]!;
    // Every word of the query in the name or a popular name: this is the service the person means.
    if (total.inTitle[doc] === words.length) score += 5 * words.length;
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
  return top.map(({ doc, score }) => ({ ...entries[doc]!, score }));
}
