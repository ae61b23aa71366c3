import { describe, expect, it } from 'vitest';
import { BUDGETS, formatReport, measureBudget } from '../../scripts/budget.ts';
import { assertBuilt, DIST_DIR } from '../helpers/app-charter.ts';

describe('size budgets of the built app', () => {
  it('keeps the first screen within 50 KB of JavaScript and 14 KB of HTML (gzip)', () => {
    assertBuilt();
    const report = measureBudget(DIST_DIR);
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.firstScreenJsGzip).toBeLessThanOrEqual(BUDGETS.firstScreenJsGzip);
    expect(report.htmlGzip).toBeLessThanOrEqual(BUDGETS.htmlGzip);
  });

  it('keeps Dexie out of the first screen', () => {
    const report = measureBudget(DIST_DIR);
    const firstScreen = report.files.filter((f) => f.phase === 'first-screen');
    expect(firstScreen.length).toBeGreaterThan(0);
    // Dexie is ~30 KB gzip on its own; no first-screen chunk may be that large.
    expect(firstScreen.every((f) => f.gzip < 25 * 1024)).toBe(true);
  });
});
