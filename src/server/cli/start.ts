/**
 * `npm start`: the newcomer's one command. Builds the PWA when dist/ is missing or older than its sources,
 * installs the sample charter into an empty database, then serves everything on one port.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../config.ts';
import { serve } from '../serve.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILD_INPUTS = ['src/apps', 'src/sync', 'src/shared', 'src/sw', 'public', 'index.html', 'vite.config.ts'];
const SAMPLE_CHARTER = join(ROOT, 'data/sample-charter.json');
const SAMPLE_INTEGRITY = join(ROOT, 'data/integrity-content.json');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

function buildIsStale(root = ROOT, staticDir = join(root, 'dist')): boolean {
  const index = join(staticDir, 'index.html');
  if (!existsSync(index)) return true;
  const builtAt = statSync(index).mtimeMs;
  return BUILD_INPUTS.some((input) => newestMtime(join(root, input)) > builtAt);
}

const config = readConfig();
const staticDir = join(ROOT, 'dist');
if (buildIsStale(ROOT, staticDir)) {
  console.log('Building the app (dist/ is missing or older than its sources)…');
  const { build } = await import('vite');
  await build({ root: ROOT, logLevel: 'warn' });
}
const server = await serve({ ...config, staticDir }, { charterFileIfEmpty: SAMPLE_CHARTER, integrityContentFileIfEmpty: SAMPLE_INTEGRITY });
console.log(`Conecta Conquista: ${server.url} (database: ${server.storage.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'})`);
