/**
 * The panel's numbers in pt-BR words, written by hand (no Intl: its locale data is a visible delay on a
 * slow phone). Every count the server hid (null: fewer than 5) reads "menos de 5".
 */
import { LESS_THAN_FIVE } from '../../../shared/contract/transparency.ts';

/** 1234 → "1.234". */
export function integer(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** 2.5 → "2,5"; 3 → "3". */
export function decimal(value: number, digits = 1): string {
  const factor = 10 ** digits;
  const rounded = Math.round(value * factor) / factor;
  const [whole = '0', fraction] = String(Math.abs(rounded)).split('.');
  return `${rounded < 0 ? '−' : ''}${integer(Number(whole))}${fraction ? `,${fraction}` : ''}`;
}

export function count(value: number | null): string {
  return value === null ? LESS_THAN_FIVE : integer(value);
}

/** A count with its noun: "8 pedidos", "1 pedido", "menos de 5 pedidos". */
export function countOf(value: number | null, singular: string, plural: string): string {
  if (value === null) return `${LESS_THAN_FIVE} ${plural}`;
  return `${integer(value)} ${value === 1 ? singular : plural}`;
}

/** A share from a count the server hid: says which count. */
export function percent(value: number | null, basis = 'pedidos'): string {
  return value === null ? `${LESS_THAN_FIVE} ${basis}` : `${Math.round(value * 100)}%`;
}

export function days(value: number | null, basis = 'pedidos'): string {
  if (value === null) return `${LESS_THAN_FIVE} ${basis}`;
  return `${decimal(value)} ${value === 1 ? 'dia' : 'dias'}`;
}

export function grade(value: number | null): string {
  return value === null ? `${LESS_THAN_FIVE} avaliações` : `${decimal(value)} de 5`;
}

const MONTHS = ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'];
const MONTH_NAMES = ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'];

/** "2026-11" → "nov/2026". */
export function monthShort(month: string): string {
  const [year, m] = month.split('-');
  return `${MONTHS[Number(m) - 1] ?? m}/${year}`;
}

/** "2026-11" → "novembro de 2026". */
export function monthLong(month: string): string {
  const [year, m] = month.split('-');
  return `${MONTH_NAMES[Number(m) - 1] ?? m} de ${year}`;
}

/** "Últimos 30 dias" → "nos últimos 30 dias"; "2026" → "em 2026". */
export function periodPhrase(period: { key: string; label: string }): string {
  return period.key.startsWith('ultimos-') ? `nos ${period.label.toLowerCase()}` : `em ${period.label}`;
}

/** "Secretaria Municipal de Saúde" → "Saúde": chart labels and tables on a narrow screen. */
export function shortName(name: string): string {
  const short = name.replace(/^Secretaria Municipal d[aeo]s? /, '');
  return short.charAt(0).toUpperCase() + short.slice(1);
}

/** The first letter in capitals: a phrase that starts a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
