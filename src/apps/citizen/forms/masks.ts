/** Input masks of the document fields, typed as the person types (formatting lives in shared/documents.ts). */
import { formatCep, formatCpf, formatPhone } from '../../../shared/documents.ts';
import type { FieldType } from '../../../shared/contract/forms.ts';

const MASKS: Partial<Record<FieldType, (raw: string) => string>> = { cpf: formatCpf, phone: formatPhone, cep: formatCep };

/** Keeps the text as typed for fields without a mask. */
export function applyMask(type: FieldType, raw: string): string {
  const mask = MASKS[type];
  return mask ? mask(raw) : raw;
}

/** What the keyboard should offer and how long the masked text may get. */
export function maskInputAttributes(type: FieldType): { inputMode?: 'numeric' | 'tel' | 'email' | 'decimal'; maxLength?: number; autoComplete?: string } {
  switch (type) {
    case 'cpf': return { inputMode: 'numeric', maxLength: 14, autoComplete: 'off' };
    case 'phone': return { inputMode: 'tel', maxLength: 15, autoComplete: 'tel-national' };
    case 'cep': return { inputMode: 'numeric', maxLength: 9, autoComplete: 'postal-code' };
    case 'email': return { inputMode: 'email', autoComplete: 'email' };
    case 'number': return { inputMode: 'decimal' };
    default: return {};
  }
}

/**
 * Where the caret belongs after masking: after the same number of digits as before it, so that a
 * separator inserted by the mask does not throw the caret back.
 */
export function caretAfterMask(raw: string, caret: number, masked: string): number {
  const digitsBefore = raw.slice(0, caret).replace(/\D/g, '').length;
  if (digitsBefore === 0) return 0;
  let seen = 0;
  for (let i = 0; i < masked.length; i++) {
    if (/\d/.test(masked[i]!)) seen++;
    if (seen === digitsBefore) return i + 1;
  }
  return masked.length;
}
