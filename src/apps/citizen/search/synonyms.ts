/**
 * Words people use for the same thing: "RG" for the carteira de identidade, "buzu" for the ônibus.
 * A query that says one term of a group also finds what is written with another. The built-in list
 * holds Brazilian Portuguese that holds anywhere; a charter adds its own (local slang, the names of its
 * programmes) in its optional `synonyms` section, and both are used together.
 */
import { stem } from './stem.ts';

/** Each group lists terms that mean the same to someone looking for a public service. */
export const BUILT_IN_SYNONYMS: readonly (readonly string[])[] = [
  // Documents.
  ['RG', 'identidade', 'carteira de identidade', 'registro geral', 'CIN', 'carteira nacional de identidade'],
  ['CPF', 'cadastro de pessoa física'],
  ['carteira de trabalho', 'CTPS', 'carteira profissional'],
  ['título de eleitor', 'título eleitoral'],
  ['CNH', 'carteira de motorista', 'habilitação'],
  ['certidão de nascimento', 'registro de nascimento'],
  ['óbito', 'falecimento', 'morte'],
  ['enterro', 'sepultamento', 'funeral'],
  // Social security and social assistance.
  ['aposentadoria', 'INSS', 'previdência'],
  ['BPC', 'LOAS', 'benefício de prestação continuada'],
  ['Bolsa Família', 'Auxílio Brasil'],
  ['CadÚnico', 'Cadastro Único', 'NIS'],
  ['cesta básica', 'alimento', 'comida'],
  ['idoso', 'pessoa idosa', 'terceira idade'],
  ['deficiente', 'pessoa com deficiência', 'PcD'],
  ['grávida', 'gestante', 'pré-natal'],
  // Health.
  ['posto de saúde', 'postinho', 'UBS', 'unidade básica de saúde'],
  ['remédio', 'medicamento'],
  ['dentista', 'odontológico', 'saúde bucal'],
  ['médico', 'consulta'],
  // The city.
  ['ônibus', 'transporte coletivo', 'coletivo'],
  ['lixo', 'coleta', 'resíduos'],
  ['luz do poste', 'iluminação pública', 'lâmpada queimada'],
  ['mato', 'capina', 'roçagem'],
  ['barulho', 'som alto', 'poluição sonora'],
  ['reclamação', 'queixa'],
  ['caiu', 'caída', 'caído', 'caindo', 'desabou', 'desabamento'],
  ['alvará', 'licença'],
  ['imposto', 'tributo'],
  ['emprego', 'trabalho'],
];

/** A term as search compares it: the stems of its meaningful words. */
export type StemmedTerm = readonly string[];

export interface SynonymTable {
  /** Every term, keyed by the stem of its first word, longest first, for finding terms inside a query. */
  byFirstStem: Map<string, { term: StemmedTerm; group: number }[]>;
  /** Each group's terms, as words (for looking up in the index) and as stems (for matching). */
  groups: { words: string[][]; stems: StemmedTerm[] }[];
}

/**
 * Builds the lookup for a list of groups. `tokensOf` must be the tokeniser the index uses (it drops the
 * same stopwords), so "carteira de identidade" in a group matches "carteira identidade" in a query.
 */
export function synonymTable(groups: readonly (readonly string[])[], tokensOf: (text: string) => string[]): SynonymTable {
  const table: SynonymTable = { byFirstStem: new Map(), groups: [] };
  for (const terms of groups) {
    const words = terms.map(tokensOf).filter((w) => w.length > 0);
    if (words.length < 2) continue;
    const group = table.groups.length;
    const stems = words.map((w) => w.map(stem));
    table.groups.push({ words, stems });
    for (const term of stems) {
      let list = table.byFirstStem.get(term[0]!);
      if (!list) table.byFirstStem.set(term[0]!, (list = []));
      list.push({ term, group });
    }
  }
  for (const list of table.byFirstStem.values()) list.sort((a, b) => b.term.length - a.term.length);
  return table;
}

/** A stretch of the query that names a synonym group, and the other ways to say it. */
export interface SynonymSpan {
  start: number;
  length: number;
  /** The group's other terms, as index words. */
  alternatives: string[][];
}

/**
 * The synonym groups named in a query (its words already tokenised), longest term first and without
 * overlaps: in "carteira de identidade" the whole term wins over "identidade" alone.
 */
export function findSynonyms(table: SynonymTable, words: readonly string[]): SynonymSpan[] {
  const stems = words.map(stem);
  const spans: SynonymSpan[] = [];
  for (let start = 0; start < stems.length; ) {
    let found: SynonymSpan | undefined;
    for (const { term, group } of table.byFirstStem.get(stems[start]!) ?? []) {
      if (found && term.length < found.length) break;
      if (!term.every((s, i) => stems[start + i] === s)) continue;
      found ??= { start, length: term.length, alternatives: [] };
      const { words: groupWords, stems: groupStems } = table.groups[group]!;
      groupWords.forEach((alternative, i) => {
        const same = groupStems[i]!.length === term.length && groupStems[i]!.every((s, j) => s === term[j]);
        if (!same && !found!.alternatives.some((a) => a.join(' ') === alternative.join(' '))) found!.alternatives.push(alternative);
      });
    }
    if (found) {
      spans.push(found);
      start += found.length;
    } else {
      start++;
    }
  }
  return spans;
}
