/**
 * A light Brazilian Portuguese stemmer for search: "reclamar", "reclamação", "reclamações" and "reclamo"
 * all become "reclam", so a person finds a service however they conjugate or inflect the word.
 *
 * It works on words already folded by normalizeText (lower case, no accents: "ção" is "cao"). Light on
 * purpose: a few ordered suffix rules in the spirit of RSLP (Orengo & Huyck), not a full morphology.
 * Search ranks a word found as typed above a word found only through its stem, so the stems that unite
 * unrelated words ("ponte" and "ponto") cost little.
 */

/** [suffix, replacement]; the first rule that fits wins. */
type Rule = readonly [suffix: string, replacement: string];

/** What is left of a word must keep at least this many letters, or the rule does not apply. */
const MIN_STEM = 3;
/** Plural endings are shorter, and "pais" or "reis" must not lose more than their "s". */
const MIN_SINGULAR = 2;

const PLURALS: readonly Rule[] = [
  ['coes', 'cao'], // reclamações → reclamação
  ['oes', 'ao'], // botões → botão
  ['ais', 'al'], // sociais → social
  ['eis', 'el'], // imóveis → imóvel
  ['ns', 'm'], // jovens → jovem
  ['res', 'r'], // mulheres → mulher
  ['zes', 'z'], // luzes → luz
  ['ses', 's'], // meses → mês
];

/** Endings of nouns and adjectives made from verbs: they reduce to the verb's stem. */
const DERIVATIONS: readonly Rule[] = [
  ['adoria', ''], // aposentadoria → aposent (aposentar)
  ['idoria', ''], // ouvidoria → ouv (ouvir)
  ['amento', ''], // agendamento → agend (agendar)
  ['imento', ''], // atendimento → atend (atender)
  ['zinho', ''], // diminutives: cafezinho → cafe
  ['zinha', ''],
  ['mente', ''], // rapidamente → rapida → rapid
  ['acao', ''], // reclamação → reclam (reclamar)
  ['icao', ''], // definição → defin (definir)
  ['ucao', 'u'], // construção → constru (construir)
  ['encia', ''], // transferência → transfer (transferir)
  ['ancia', ''], // vigilância → vigil
  ['idade', ''], // identidade → ident
  ['inho', ''], // postinho → post (posto)
  ['inha', ''],
  ['ista', ''], // dentista → dent (dente)
  ['ismo', ''],
  ['avel', ''], // responsável → respons
  ['ivel', ''], // disponível → dispon
  ['ador', ''], // trabalhador → trabalh (trabalhar)
  ['edor', ''], // vendedor → vend (vender)
  ['idor', ''], // ouvidor → ouv
  ['agem', ''], // gradagem → grad
  ['ante', ''], // estudante → estud (estudar)
  ['ente', ''], // atendente → atend
  ['oso', ''], // perigoso → perig (perigo)
  ['osa', ''],
];

/** Verb endings: infinitive, gerund, participle and the common persons and tenses. */
const VERB_ENDINGS: readonly Rule[] = [
  ['aram', ''], ['eram', ''], ['iram', ''], ['avam', ''],
  ['ando', ''], ['endo', ''], ['indo', ''],
  ['ado', ''], ['ada', ''], ['ido', ''], ['ida', ''],
  ['ava', ''],
  ['ar', ''], ['er', ''], ['ir', ''],
  ['ou', ''], ['eu', ''], ['iu', ''],
  ['am', ''], ['em', ''], ['ei', ''],
];

function applyFirst(word: string, rules: readonly Rule[], minStem: number): string | undefined {
  for (const [suffix, replacement] of rules) {
    if (word.endsWith(suffix) && word.length - suffix.length >= minStem) return word.slice(0, word.length - suffix.length) + replacement;
  }
  return undefined;
}

/** The stem of a normalised word. Short words, numbers and codes ("iptu", "2a", "bpc") stay as they are. */
export function stem(word: string): string {
  if (word.length <= 3 || /[0-9]/.test(word)) return word;
  let singular = applyFirst(word, PLURALS, MIN_SINGULAR);
  // A plain "s" after a vowel: vagas → vaga, postes → poste ("ônibus" and "lápis" lose it in every form alike).
  if (singular === undefined && /[aeiou]s$/.test(word)) singular = word.slice(0, -1);
  singular ??= word;
  const reduced = applyFirst(singular, DERIVATIONS, MIN_STEM) ?? applyFirst(singular, VERB_ENDINGS, MIN_STEM);
  if (reduced !== undefined) return reduced;
  // Gender: pública/público → públic, vacina → vacin; "cartão" keeps its "ão". A final "e" stays: it tells
  // apart words that are not forms of one another (ponte/ponto, poste/posto).
  if (singular.length > MIN_STEM && /[ao]$/.test(singular) && !singular.endsWith('ao')) return singular.slice(0, -1);
  return singular;
}
