import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUDGETS, CITIZEN_ENTRY, formatReport, measureBudget, reachableGraph } from '../../scripts/budget.ts';
import { assertBuilt, DIST_DIR } from '../support/app-charter.ts';

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

describe('the back office stays out of the citizen app', () => {
  const BACK_OFFICE_ENTRY = 'gestao/index.html';
  type Manifest = Parameters<typeof reachableGraph>[0];
  const manifest = (): Manifest => JSON.parse(readFileSync(`${DIST_DIR}.vite/manifest.json`, 'utf8')) as Manifest;
  /** The URLs the citizen's service worker saves on the phone (its precache manifest, injected into sw.js). */
  const precached = (): string[] => [...readFileSync(`${DIST_DIR}sw.js`, 'utf8').matchAll(/"url":"([^"]+)"/g)].map((match) => match[1]!);

  it('is built as its own entry with its own chunks', () => {
    assertBuilt();
    const built = manifest();
    expect(built[BACK_OFFICE_ENTRY]?.isEntry).toBe(true);
    const backOfficeOnly = [...reachableGraph(built, BACK_OFFICE_ENTRY)].filter((file) => !reachableGraph(built, CITIZEN_ENTRY).has(file));
    expect(backOfficeOnly.length).toBeGreaterThan(5);
  });

  it('no back-office page or chunk is in the citizen precache (dist/sw.js), the citizen graph or its first screen', () => {
    const built = manifest();
    const citizen = reachableGraph(built, CITIZEN_ENTRY);
    const backOfficeOnly = [...reachableGraph(built, BACK_OFFICE_ENTRY)].filter((file) => !citizen.has(file));
    const urls = precached();
    expect(urls.length).toBeGreaterThan(10);
    expect(urls.filter((url) => url.startsWith('gestao/') || backOfficeOnly.includes(url))).toEqual([]);
    // No module of the back office can be loaded by a citizen page, statically or lazily.
    const citizenKeys = new Set<string>();
    const visit = (key: string) => {
      if (citizenKeys.has(key) || !built[key]) return;
      citizenKeys.add(key);
      for (const next of [...(built[key].imports ?? []), ...(built[key].dynamicImports ?? [])]) visit(next);
    };
    visit(CITIZEN_ENTRY);
    expect([...citizenKeys].filter((key) => key.startsWith('src/apps/gestao/') || key.startsWith('gestao/'))).toEqual([]);
    const firstScreen = measureBudget(DIST_DIR).files.filter((f) => f.phase === 'first-screen').map((f) => f.file);
    expect(firstScreen.filter((file) => backOfficeOnly.includes(file))).toEqual([]);
    // And the citizen's page names nothing of it.
    const citizenHtml = readFileSync(`${DIST_DIR}index.html`, 'utf8');
    expect(backOfficeOnly.filter((file) => citizenHtml.includes(file))).toEqual([]);
  });
});
