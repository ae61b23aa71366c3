/**
 * Every SQL statement of the server lives in src/server/storage/ (issue 16): outside it, no string or
 * template literal reads like SQL and nothing calls `.query(`. The files are parsed (Vite's parser, which
 * reads TypeScript), so comments and identifiers never count, only literals and calls. The same scan runs
 * over a fixture tree built to break the rule, so a pattern that stopped matching cannot pass unnoticed.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseAst } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** The watchdog's liveness probe asks the database whether it answers at all: a statement about no data, kept beside the timer it feeds. */
const PROBE = { file: 'src/server/http/watchdog.ts', source: `db.query('SELECT 1')` };

/**
 * A literal that starts as a statement, or holds one's telling pair of keywords (upper case, as this
 * codebase writes SQL). A bare word is not a statement: 'DELETE' is also an HTTP method.
 */
const STARTS_AS_SQL = /^\s*(SELECT\s|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|WITH\s+\w+\s+AS\b)/;
const HOLDS_SQL = /\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bWITH\s+\w+\s+AS\s*\(/;

interface Finding {
  file: string;
  line: number;
  what: string;
}

type Node = { type: string; start: number; end: number; [key: string]: unknown };
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The SQL-looking literals and `.query(` calls of one file, each with its line. */
function findingsIn(file: string, text: string): Finding[] {
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  const found: Finding[] = [];
  const visit = (node: Node) => {
    let literal: string | null = null;
    if (node.type === 'Literal' && typeof node.value === 'string') literal = node.value;
    if (node.type === 'TemplateLiteral') literal = (node.quasis as { value: { raw: string } }[]).map((q) => q.value.raw).join('${}');
    if (literal !== null && (STARTS_AS_SQL.test(literal) || HOLDS_SQL.test(literal))) {
      found.push({ file, line: lineAt(node.start), what: `SQL literal: ${literal.trim().split('\n')[0]!.slice(0, 60)}` });
    }
    const callee = node.type === 'CallExpression' ? (node.callee as Node) : null;
    if (callee?.type === 'MemberExpression' && (callee.property as Node & { name?: string }).name === 'query') {
      if (!(file === PROBE.file && text.slice(node.start, node.end) === PROBE.source)) found.push({ file, line: lineAt(node.start), what: 'a .query( call' });
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.filter(isNode).forEach(visit);
      else if (isNode(value)) visit(value);
    }
  };
  visit(parseAst(text, { lang: 'ts' }) as unknown as Node);
  // The probe's own literal goes with its call.
  return found.filter((f) => !(f.file === PROBE.file && f.what === 'SQL literal: SELECT 1'));
}

/** Every finding under root/src/server outside storage/, as `file:line what`. */
function scan(root: string): string[] {
  return sourcesUnder(join(root, 'src/server'))
    .map((path) => relative(root, path).split('\\').join('/'))
    .filter((file) => !file.startsWith('src/server/storage/'))
    .flatMap((file) => findingsIn(file, readFileSync(join(root, file), 'utf8')))
    .map((f) => `${f.file}:${f.line} ${f.what}`);
}

const fixtures: string[] = [];
afterAll(() => fixtures.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function fixtureTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sql-in-storage-'));
  fixtures.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('SQL lives in src/server/storage/', () => {
  it('finds no SQL statement and no .query( call in the server outside storage/', () => {
    expect(scan(ROOT)).toEqual([]);
  });

  it('names file and line of each statement put elsewhere, and leaves storage/, comments and plain words alone (the test can fail)', () => {
    const root = fixtureTree({
      'src/server/domain/leaky.ts': [
        "// SELECT id FROM comments is not a statement: a comment.",
        "const ação = 'Não há ninguém: atualização';",
        'export async function leaky(db: { query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> }, id: string) {',
        '  const rows = await db.query<{ id: string }>(',
        '    `SELECT id',
        '     FROM submissions WHERE id = $1`, [id]);',
        "  const sql = 'DELETE FROM staff_audit WHERE id = $1';",
        '  const nested = `${id ? `WHERE x = 1` : ""} -- UPDATE submissions SET status = $2`;',
        "  const cte = 'WITH scope AS (SELECT 1) SELECT * FROM scope';",
        '  return [rows, sql, nested, cte, ação];',
        '}',
      ].join('\n'),
      'src/server/storage/fine.ts': "export const sql = 'SELECT 1 FROM submissions'; export const run = (db: { query(s: string): void }) => db.query(sql);",
      'src/server/http/words.ts': "export const words = ['Selecione o serviço', 'update available', 'Com o que (WITH) você concorda?', 'INSERIR', 'GET', 'DELETE'];",
      'src/server/http/probe-elsewhere.ts': "export const probe = (db: { query(s: string): Promise<unknown> }) => db.query('SELECT 1');",
      'src/server/http/watchdog.ts': "export const probe = (db: { query(s: string): Promise<unknown> }) => db.query('SELECT 1');",
      'src/server/domain/integrity/content.ts': "export const sealed = 'SELECT body FROM integrity_content';",
    });
    expect(scan(root)).toEqual([
      'src/server/domain/integrity/content.ts:1 SQL literal: SELECT body FROM integrity_content',
      'src/server/domain/leaky.ts:4 a .query( call',
      'src/server/domain/leaky.ts:5 SQL literal: SELECT id',
      "src/server/domain/leaky.ts:7 SQL literal: DELETE FROM staff_audit WHERE id = $1",
      'src/server/domain/leaky.ts:8 SQL literal: ${} -- UPDATE submissions SET status = $2',
      "src/server/domain/leaky.ts:9 SQL literal: WITH scope AS (SELECT 1) SELECT * FROM scope",
      'src/server/http/probe-elsewhere.ts:1 a .query( call',
      'src/server/http/probe-elsewhere.ts:1 SQL literal: SELECT 1',
    ]);
  });
});
