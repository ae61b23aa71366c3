/**
 * Size budgets of the built app (`npm run budget`, after `vite build`):
 * - first-screen JavaScript ≤ 50 KB gzip: the entry's static import graph plus the home page's, found
 *   through Vite's build manifest (what loads later — Dexie, the service worker registration, other
 *   pages — is listed but not counted);
 * - index.html with its inlined critical CSS ≤ 14 KB gzip (the first round trip).
 * Exits 1 when a budget is exceeded. tests/e2e/budget.test.ts runs the same measurement.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGETS = { firstScreenJsGzip: 50 * 1024, htmlGzip: 14 * 1024 } as const;

/** The citizen app's entry in Vite's manifest (the back office has its own, gestao/index.html). */
export const CITIZEN_ENTRY = 'index.html';

/** The module that paints the home screen, lazily loaded by the router but needed before anything is useful. */
const HOME_PAGE = 'src/apps/citizen/pages/home-page.tsx';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type ViteManifest = Record<string, ManifestChunk>;

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
  /** first-screen: counted; later: loaded after first paint. */
  phase: 'html' | 'first-screen' | 'later';
}

export interface BudgetReport {
  files: FileSize[];
  htmlGzip: number;
  firstScreenJsGzip: number;
  laterJsGzip: number;
  withinBudget: boolean;
  failures: string[];
}

function sizeOf(distDir: string, file: string, phase: FileSize['phase']): FileSize {
  const bytes = readFileSync(join(distDir, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, phase };
}

/** Files statically imported from the given manifest keys, the keys' own files included. */
function staticGraph(manifest: ViteManifest, keys: string[]): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`Build manifest has no entry "${key}"`);
    files.add(chunk.file);
    chunk.css?.forEach((css) => files.add(css));
    chunk.imports?.forEach(visit);
  };
  keys.forEach(visit);
  return files;
}

/** Every file an entry can load: static and dynamic imports and their CSS. */
export function reachableGraph(manifest: ViteManifest, key: string): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (next: string) => {
    const chunk = manifest[next];
    if (!chunk || seen.has(next)) return;
    seen.add(next);
    files.add(chunk.file);
    chunk.css?.forEach((css) => files.add(css));
    [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])].forEach(visit);
  };
  visit(key);
  return files;
}

export function measureBudget(distDir = resolve('dist')): BudgetReport {
  const manifestFile = join(distDir, '.vite', 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: run \`vite build\` (build.manifest is on in vite.config.ts).`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ViteManifest;
  // The citizen's first screen only: the back office (gestao/index.html) is another entry, never loaded by a citizen page.
  const entries = Object.entries(manifest).filter(([key, chunk]) => chunk.isEntry && key === CITIZEN_ENTRY).map(([key]) => key);
  if (entries.length === 0) throw new Error(`Build manifest has no entry chunk for ${CITIZEN_ENTRY}.`);
  const homeKey = Object.keys(manifest).find((key) => key === HOME_PAGE || manifest[key]!.src === HOME_PAGE);
  if (!homeKey) throw new Error(`Build manifest has no chunk for ${HOME_PAGE}.`);

  const firstScreen = staticGraph(manifest, [...entries, homeKey]);
  const citizenFiles = reachableGraph(manifest, CITIZEN_ENTRY);
  const later = new Set([...citizenFiles].filter((f) => /\.(js|css)$/.test(f) && !firstScreen.has(f)));
  // Workers are bundled apart and missing from the manifest's chunk list; list them with what loads later.
  const inManifest = new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]));
  for (const file of readdirSync(join(distDir, 'assets'))) {
    if (/\.(js|css)$/.test(file) && !inManifest.has(`assets/${file}`) && !firstScreen.has(`assets/${file}`)) later.add(`assets/${file}`);
  }

  const files = [
    sizeOf(distDir, 'index.html', 'html'),
    ...[...firstScreen].sort().map((f) => sizeOf(distDir, f, 'first-screen')),
    ...[...later].sort().map((f) => sizeOf(distDir, f, 'later')),
  ];
  const sum = (phase: FileSize['phase']) => files.filter((f) => f.phase === phase && f.file.endsWith('.js')).reduce((t, f) => t + f.gzip, 0);
  const htmlGzip = files[0]!.gzip;
  const firstScreenJsGzip = sum('first-screen');
  const failures: string[] = [];
  if (firstScreenJsGzip > BUDGETS.firstScreenJsGzip) failures.push(`first-screen JS is ${kb(firstScreenJsGzip)} gzip, budget ${kb(BUDGETS.firstScreenJsGzip)}`);
  if (htmlGzip > BUDGETS.htmlGzip) failures.push(`index.html is ${kb(htmlGzip)} gzip, budget ${kb(BUDGETS.htmlGzip)}`);
  return { files, htmlGzip, firstScreenJsGzip, laterJsGzip: sum('later'), withinBudget: failures.length === 0, failures };
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function formatReport(report: BudgetReport): string {
  const rows = report.files.map((f) => `${f.phase.padEnd(13)} ${f.file.padEnd(48)} ${kb(f.raw).padStart(10)} ${kb(f.gzip).padStart(10)}`);
  return [
    `${'phase'.padEnd(13)} ${'file'.padEnd(48)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)}`,
    ...rows,
    '',
    `index.html (with critical CSS)   ${kb(report.htmlGzip).padStart(9)} gzip   budget ${kb(BUDGETS.htmlGzip)}   ${report.htmlGzip <= BUDGETS.htmlGzip ? 'ok' : 'OVER'}`,
    `first-screen JavaScript          ${kb(report.firstScreenJsGzip).padStart(9)} gzip   budget ${kb(BUDGETS.firstScreenJsGzip)}   ${report.firstScreenJsGzip <= BUDGETS.firstScreenJsGzip ? 'ok' : 'OVER'}`,
    `loaded after first paint (info)  ${kb(report.laterJsGzip).padStart(9)} gzip`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const report = measureBudget(resolve(process.argv[2] ?? 'dist'));
  console.log(formatReport(report));
  if (!report.withinBudget) {
    console.error(`\nOver budget:\n- ${report.failures.join('\n- ')}`);
    process.exit(1);
  }
}
