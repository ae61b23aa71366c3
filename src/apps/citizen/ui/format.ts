import { bahiaDay } from '../../../shared/dates.ts';
import type { Cost, Deadline, DeadlineUnit } from '../../../shared/contract/charter.ts';

const UNIT_NAMES: Record<DeadlineUnit, [singular: string, plural: string]> = {
  minutes: ['minuto', 'minutos'],
  hours: ['hora', 'horas'],
  business_days: ['dia útil', 'dias úteis'],
  calendar_days: ['dia', 'dias'],
  months: ['mês', 'meses'],
};

export function formatDeadline(deadline: Deadline): string {
  const [singular, plural] = UNIT_NAMES[deadline.unit];
  const unit = deadline.max === 1 ? singular : plural;
  if (deadline.min !== undefined && deadline.min > 0 && deadline.min < deadline.max) return `De ${deadline.min} a ${deadline.max} ${unit}`;
  return `Até ${deadline.max} ${unit}`;
}

// Intl loads locale data on first use (tens of milliseconds on a slow phone): only where money is shown.
let money: Intl.NumberFormat | undefined;

export function formatCost(cost: Cost): string {
  if (cost.free) {
    if (!cost.description) return 'Gratuito';
    // Most descriptions already say so ("Gratuito, pelo SUS.", "O pedido é gratuito."): say it once.
    return /gratuit/i.test(cost.description) ? cost.description : `Gratuito. ${cost.description}`;
  }
  money ??= new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
  const amount = cost.amount !== undefined ? money.format(cost.amount) : '';
  return [amount, cost.description].filter(Boolean).join('. ');
}

/** The first sentence of a text ("R$ 1.200,00" and "3 m³" do not end one): for a summary that links to the rest. */
export function firstSentence(text: string): string {
  return /^.*?[.!?](?=\s+[A-ZÀ-Ý])/.exec(text)?.[0] ?? text;
}

/**
 * "21/11/2026 às 14:05", Bahia time. Written by hand: Intl with a time zone loads locale and zone data,
 * a visible delay on the first screen of a slow phone.
 */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return 'nunca';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return 'nunca';
  const [year, month, day] = bahiaDay(ms).split('-');
  const bahia = new Date(ms - 3 * 60 * 60 * 1000);
  const time = `${String(bahia.getUTCHours()).padStart(2, '0')}:${String(bahia.getUTCMinutes()).padStart(2, '0')}`;
  return `${day}/${month}/${year} às ${time}`;
}

/** "(77) 3424-8500" → "+557734248500" for a tel: link. */
export function telHref(phone: string): string {
  const digits = phone.replace(/\D+/g, '');
  if (digits.length <= 4) return `tel:${digits}`;
  return `tel:+55${digits.replace(/^0+/, '').replace(/^55(?=\d{10,11}$)/, '')}`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'não informado';
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toLocaleString('pt-BR', { maximumFractionDigits: value < 10 ? 1 : 0 })} ${units[unit]}`;
}
