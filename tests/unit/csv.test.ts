import { describe, expect, it } from 'vitest';
import { csvCell, csvPlainCell } from '../../src/server/domain/csv.ts';

describe('the one CSV cell writer', () => {
  it('defuses a cell a spreadsheet would run as a formula, in both forms', () => {
    for (const formula of ['=SUM(A1)', '+1', '-1+1', '@cmd', '\tx', '\rx']) {
      expect(csvCell(formula)).toBe(`"'${formula}"`);
      expect(csvPlainCell(formula).replace(/^"|"$/g, '')).toBe(`'${formula}`);
    }
  });

  it('quotes always, or only when a comma, quote or line break needs it', () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell(new Date('2026-01-02T03:04:05.000Z'))).toBe('"2026-01-02T03:04:05.000Z"');
    expect(csvPlainCell('cidade')).toBe('cidade');
    expect(csvPlainCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvPlainCell(null)).toBe('');
  });

  it('writes a number of the open data as it is, a negative one too', () => {
    expect(csvPlainCell(-3)).toBe('-3');
    expect(csvPlainCell(0.25)).toBe('0.25');
  });
});
