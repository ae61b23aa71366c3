/**
 * The values every subject of the contract is built from: bounded numbers, slugs, texts, uuids. The wire
 * contract is shared by the PWA, its service worker and the server (docs/API.md); objects the server reads
 * are strict: an unknown key is an error, never silently kept.
 */
import * as v from 'valibot';
import { UNSTORABLE_TEXT_MESSAGE, isStorableText } from '../text.ts';

/** The longest id a choice or an answer list item may carry. */
export const MAX_ID = 80;
/**
 * Every number the contract accepts fits where it is stored: versions in a PostgreSQL integer column
 * (MAX_FORM_VERSION, forms.ts), answers as exact JSON numbers. A value past these is a 422 for that item,
 * never a database error.
 */
const MAX_ANSWER_NUMBER = 1e15;
export const boundedNumber = (min = -MAX_ANSWER_NUMBER, max = MAX_ANSWER_NUMBER) =>
  v.pipe(v.number(), v.finite(), v.minValue(min), v.maxValue(max));
export const slug = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'Use letras minúsculas, números e hífens.'));
export const shortText = (max = 200) => v.pipe(v.string(), v.trim(), v.minLength(1, 'Não pode ficar vazio.'), v.maxLength(max, `Use no máximo ${max} caracteres.`));
export const longText = (max = 2000) => shortText(max);
export const textList = (max = 200) => v.array(shortText(max));
/** Text that reaches a database column: no NUL, no lone surrogate, or PostgreSQL would answer a 500. */
export const storableText = (max: number) => v.pipe(v.string(), v.maxLength(max), v.check(isStorableText, UNSTORABLE_TEXT_MESSAGE));
/** What staff (and the integrity plan) write: trimmed, not empty, storable (NUL and lone surrogates refused before any write). */
export const storableShortText = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, 'Não pode ficar vazio.'), v.maxLength(max, `Use no máximo ${max} caracteres.`), v.check(isStorableText, UNSTORABLE_TEXT_MESSAGE));

// Lowercase only: PostgreSQL answers uuids in lowercase, and a client matches its receipts by id.
export const UuidSchema = v.pipe(v.string(), v.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'O identificador precisa ser um UUID em letras minúsculas.'));
