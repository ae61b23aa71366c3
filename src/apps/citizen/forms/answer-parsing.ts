/** Turning what the person typed into answer values of the contract (docs/API.md "answer values"). */
import { isValidIsoDate } from '../../../shared/documents.ts';

/**
 * "2,5", "2.5" and "1.250,5" as Brazilians write numbers. Empty text is no answer; text that is not a
 * number is NaN, which validateAnswers reports as "Digite um número".
 */
export function parseNumberInput(text: string): number | undefined {
  const trimmed = text.trim().replace(/\s+/g, '');
  if (trimmed === '') return undefined;
  let normalized = trimmed;
  if (normalized.includes(',')) normalized = normalized.replace(/\./g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(normalized) ? Number(normalized) : Number.NaN;
}

export function formatNumberForInput(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value).replace('.', ',') : '';
}

/** DD/MM/AAAA while typing, for browsers without a date picker (old Android). */
export function maskBrDate(raw: string): string {
  const d = raw.replace(/\D/g, '').slice(0, 8);
  if (d.length > 4) return `${d.slice(0, 2)}/${d.slice(2, 4)}/${d.slice(4)}`;
  if (d.length > 2) return `${d.slice(0, 2)}/${d.slice(2)}`;
  return d;
}

/**
 * The ISO date of a complete DD/MM/AAAA text; otherwise the text itself, which validateAnswers
 * reports as an invalid date (so a half-typed date is never sent and never lost from the draft).
 */
export function brDateToAnswer(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(trimmed);
  if (!match) return trimmed;
  const iso = `${match[3]}-${match[2]}-${match[1]}`;
  return isValidIsoDate(iso) ? iso : trimmed;
}

export function answerToBrDate(value: unknown): string {
  if (typeof value !== 'string') return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}

/** Bounds for <input type="date"> from a field's "today" or fixed limits. */
export function dateBound(bound: string | undefined, today: string): string | undefined {
  return bound === 'today' ? today : bound;
}
