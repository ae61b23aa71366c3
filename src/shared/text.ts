/** Accent-, case- and punctuation-insensitive form of a text, for search and comparison. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function onlyDigits(text: string): string {
  return text.replace(/\D+/g, '');
}

/** Words of a normalised text, for indexing and matching. */
export function tokenize(text: string): string[] {
  const normalized = normalizeText(text);
  return normalized ? normalized.split(' ') : [];
}

/** NUL and unpaired surrogates: text a database cannot store faithfully, refused rather than mangled. */
const UNSTORABLE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a text can be stored as it is (no NUL, no lone surrogate): the citizen's and the staff's text alike. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}

/** The message for a text that is not storable, shown beside the field. */
export const UNSTORABLE_TEXT_MESSAGE = 'O texto contém um caractere inválido.';
