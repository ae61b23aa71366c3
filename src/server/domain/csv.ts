/**
 * The one CSV cell writer: the staff's queue export, the radar's weekly digest and the public panel's open
 * data. Text starting with = + - @ (or a tab or a carriage return) gets a leading ' so a spreadsheet never
 * runs a cell as a formula.
 */
const defused = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** Always quoted; a date as its ISO instant, nothing as an empty cell. */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  return `"${defused(text).replace(/"/g, '""')}"`;
}

/**
 * Quoted only when it must be, a number as it is: the open-data format the public panel has always served
 * (a number is data, never a formula).
 */
export function csvPlainCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = defused(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
