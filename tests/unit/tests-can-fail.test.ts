/**
 * Tests that cannot fail are worse than none. The tree is parsed (Vite's parser) for the patterns that
 * silently pass: a skipped, focused or "todo" test, and `page.waitForFunction` given an async predicate.
 * Playwright's waitForFunction does not await what the predicate returns: a Promise is truthy, so the wait
 * ends at once (that made outbox-drafts reload before the last keystroke was on disk, and fail only
 * under load). Poll `page.evaluate(async …)` with `expect.poll` instead. The same scan runs over a fixture
 * built to break each rule, so a pattern that stopped matching cannot pass unnoticed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAst } from 'vite';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

type Node = { type: string; start: number; end: number; [key: string]: unknown };
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
const nameOf = (node: unknown): string | undefined => (isNode(node) ? ((node as { name?: string }).name ?? undefined) : undefined);

const SILENT_MODIFIERS = new Set(['skip', 'only', 'todo', 'skipIf', 'runIf']);
const TEST_FUNCTIONS = new Set(['it', 'test', 'describe', 'suite']);

/** The silently passing patterns of one file, each as `line what`. */
function silentPatterns(text: string): string[] {
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  const found: string[] = [];
  const visit = (node: Node) => {
    if (node.type === 'CallExpression') {
      const callee = node.callee as Node;
      if (callee.type === 'MemberExpression') {
        const method = nameOf(callee.property);
        const object = callee.object as Node;
        if (method && SILENT_MODIFIERS.has(method) && TEST_FUNCTIONS.has(nameOf(object) ?? '')) {
          found.push(`${lineAt(node.start)} ${nameOf(object)}.${method}`);
        }
        const first = (node.arguments as Node[])[0];
        if (method === 'waitForFunction' && first && /FunctionExpression$/.test(first.type) && first.async === true) {
          found.push(`${lineAt(node.start)} waitForFunction(async …)`);
        }
      }
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.filter(isNode).forEach(visit);
      else if (isNode(value)) visit(value);
    }
  };
  visit(parseAst(text, { lang: 'ts' }) as unknown as Node);
  return found;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('every test can fail', () => {
  it('no test is skipped, focused or left "todo", and no waitForFunction takes an async predicate', () => {
    const findings = testFiles(join(ROOT, 'tests')).flatMap((path) => {
      const file = relative(ROOT, path).split('\\').join('/');
      return silentPatterns(readFileSync(path, 'utf8')).map((f) => `${file}:${f}`);
    });
    expect(findings).toEqual([]);
  });

  it('catches each pattern with its line, and leaves plain calls and words alone (the scan can fail)', () => {
    const broken = [
      "import { describe, it, test } from 'vitest';",
      "it.skip('a', () => {});",
      "describe.only('b', () => {});",
      "test.todo('c');",
      'it.skipIf(true)("d", () => {});',
      'await page.waitForFunction(async () => (await fetch("/x")).ok);',
      'await page.waitForFunction(async function () { return true; });',
      'await page.waitForFunction(() => document.title === "ok");',
      "const words = 'it.skip is not a call here';",
      'list.skip(1); handle.only(); it("fine", () => {});',
    ].join('\n');
    expect(silentPatterns(broken)).toEqual([
      '2 it.skip', '3 describe.only', '4 test.todo', '5 it.skipIf', '6 waitForFunction(async …)', '7 waitForFunction(async …)',
    ]);
  });
});
