/** The charter the PWA tests run against: the sample charter (it holds segunda-via-iptu, cartao-sus, ...). */
import { existsSync, readFileSync } from 'node:fs';
import { CharterSchema, type Charter } from '../../src/shared/contract/charter.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';

export const SAMPLE_CHARTER_FILE = new URL('../../data/sample-charter.json', import.meta.url);

export function appTestCharter(): Charter {
  const file = SAMPLE_CHARTER_FILE;
  const parsed = parseContract(CharterSchema, JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.ok) throw new Error(`${file.pathname} is not a valid charter: ${JSON.stringify(parsed.fields).slice(0, 500)}`);
  return parsed.value;
}

/** The built app; BUILD_DIR (relative to the repository) lets parallel work build and test apart from dist/. */
export const DIST_DIR = new URL(`../../${process.env.BUILD_DIR ?? 'dist'}/`, import.meta.url).pathname;

export function assertBuilt(): void {
  if (!existsSync(`${DIST_DIR}index.html`) || !existsSync(`${DIST_DIR}sw.js`)) {
    throw new Error('dist/ is missing: run `npx vite build` first (npm test does it).');
  }
}
