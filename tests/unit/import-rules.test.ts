/**
 * The rooms' import rules (.dependency-cruiser.cjs, docs/ARCHITECTURE.md) hold over src/, and the same rules
 * catch a fixture tree built to break them, so a rule that stopped matching cannot pass unnoticed.
 *
 * dependency-cruiser reads TypeScript through the compiler's JavaScript API, which TypeScript 7 no longer ships.
 * So the tree is first mirrored as JavaScript (`x.ts` → `x.ts.js`, types stripped by Vite's Oxc transform) and
 * the mirror is cruised; `import './x.ts'` still resolves, to `x.ts.js`. Type-only imports are kept as bare
 * imports first: a room may not lean on another room's types either.
 */
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import { transformWithOxc } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: NonNullable<ICruiseOptions['ruleSet']>['forbidden'];
  options: ICruiseOptions;
};
const mirrors: string[] = [];
afterAll(() => mirrors.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const TYPE_ONLY_IMPORT = /^(?:import|export)\s+type\s+[^;]*?\bfrom\s+(['"][^'"]+['"])/gm;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

async function mirrorAsJavaScript(root: string): Promise<string> {
  const mirror = mkdtempSync(join(tmpdir(), 'import-rules-'));
  mirrors.push(mirror);
  for (const file of sourcesUnder(join(root, 'src'))) {
    const source = readFileSync(file, 'utf8').replace(TYPE_ONLY_IMPORT, 'import $1');
    const lang = file.endsWith('.tsx') ? 'tsx' : 'ts';
    const { code } = await transformWithOxc(source, file, { lang, jsx: 'preserve', typescript: { onlyRemoveTypeImports: true } });
    const target = join(mirror, `${relative(root, file)}.js`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  return mirror;
}

/** Each violation as `rule: from → to`, in the tree's own file names, and how many modules were read. */
async function cruiseTree(root: string): Promise<{ violations: string[]; modules: number }> {
  const mirror = await mirrorAsJavaScript(root);
  const result = await cruise(
    ['src'],
    { ...config.options, baseDir: mirror, validate: true, ruleSet: { forbidden: config.forbidden } },
    { extensions: ['.js'] },
  );
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text, not a result');
  const named = (path: string) => path.replace(/\.js$/, '');
  const { violations, totalCruised } = result.output.summary;
  return { violations: violations.map((violation: IViolation) => `${violation.rule.name}: ${named(violation.from)} → ${named(violation.to)}`), modules: totalCruised };
}

describe('import rules', () => {
  it('src/ keeps every room to what it may import, with no cycle', async () => {
    const { violations, modules } = await cruiseTree(ROOT);
    // A reader that silently read nothing would find nothing wrong.
    expect(modules).toBeGreaterThan(200);
    expect(violations, violations.join('\n')).toEqual([]);
  }, 120_000);

  it('a tree that breaks the rules is caught, type-only imports included', async () => {
    const { violations, modules } = await cruiseTree(join(ROOT, 'tests/fixtures/import-rules'));
    expect(modules).toBe(6);
    expect(new Set(violations.map((line) => line.split(':')[0]))).toEqual(
      new Set(['audience-not-to-other-audience', 'storage-not-to-audiences', 'no-circular', 'shared-imports-only-shared']),
    );
    expect(violations).toContain('audience-not-to-other-audience: src/server/audiences/citizen/leak.ts → src/server/audiences/staff/staff-only.ts');
    expect(violations).toContain('shared-imports-only-shared: src/shared/leak.ts → src/server/storage/row.ts');
    expect(violations).toContain('storage-not-to-audiences: src/server/storage/upward.ts → src/server/audiences/staff/staff-only.ts');
    const cycles = violations.filter((line) => line.startsWith('no-circular:'));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(/src\/server\/(storage\/row|domain\/rule)\.ts → src\/server\/(domain\/rule|storage\/row)\.ts/);
  }, 60_000);
});
