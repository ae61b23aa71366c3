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
