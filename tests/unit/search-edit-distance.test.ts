import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withinEditDistance } from '../../src/apps/citizen/search/edit-distance.ts';

/** Plain optimal-string-alignment distance, the reference for the bounded version. */
function osa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('withinEditDistance', () => {
  it('accepts one typo of each kind', () => {
    expect(withinEditDistance('escolr', 'escolar', 1)).toBe(true); // missing letter
    expect(withinEditDistance('escolaar', 'escolar', 1)).toBe(true); // extra letter
    expect(withinEditDistance('escilar', 'escolar', 1)).toBe(true); // wrong letter
    expect(withinEditDistance('esoclar', 'escolar', 1)).toBe(true); // swapped letters
    expect(withinEditDistance('escl', 'escolar', 1)).toBe(false);
  });

  it('agrees with the unbounded distance', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        expect(withinEditDistance(a, b, max)).toBe(osa(a, b) <= max);
      }),
      { numRuns: 2000 },
    );
  });
});
