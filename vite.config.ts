import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA, type VitePWAOptions } from 'vite-plugin-pwa';
import { COPY_TIERS, type CopyTier } from './src/sw/offline-copy-protocol.ts';

// BUILD_DIR lets two builds live side by side (tests read the same variable); default dist/.
const OUT_DIR = process.env.BUILD_DIR ?? 'dist';

const GLOBAL_CSS = ['src/apps/common/styles/base.css', 'src/apps/common/styles/components.css'];

function minifyCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}

/**
 * Inlines the whole global stylesheet into index.html: the first screen paints from the first round
 * trip with no render-blocking request. The server allows this one <style> by its hash (strict CSP).
 */
function inlineGlobalCss(): Plugin {
  const files = GLOBAL_CSS.map((file) => fileURLToPath(new URL(file, import.meta.url)));
  return {
    name: 'conecta:inline-global-css',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        const css = minifyCss(files.map((file) => readFileSync(file, 'utf8')).join('\n'));
        return html.replace('<!--inline-global-css-->', `<style>${css}</style>`);
      },
    },
    configureServer(server) {
      server.watcher.add(files);
    },
  };
}

/**
 * The back office's page (gestao/index.html) is not the citizen PWA: the web manifest vite-plugin-pwa adds
 * to every page would offer to install the citizen app from it, so it is taken out there.
 */
function backOfficeWithoutManifest(): Plugin {
  return {
    name: 'conecta:back-office-without-manifest',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        if (!context.path.startsWith('/gestao/')) return html;
        return html.replace(/\s*<link rel="manifest"[^>]*>/g, '');
      },
    },
  };
}

type ManifestTransform = NonNullable<NonNullable<VitePWAOptions['injectManifest']>['manifestTransforms']>[number];

interface ViteManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  /** Workers and other emitted files. */
  assets?: string[];
}

/** Every file the citizen entry can load: its static and dynamic imports, their CSS and their workers. */
function citizenAppFiles(manifest: Record<string, ViteManifestChunk>): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(key)) return;
    seen.add(key);
    files.add(chunk.file);
    for (const file of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(file);
    for (const next of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(next);
  };
  visit('index.html');
  return files;
}

/**
 * Labels and orders the precache for src/sw/offline-copy.ts, which saves it tier by tier:
 * - shell: index.html and what it references (entry script, module preloads, icons): with these any
 *   address opens offline;
 * - pages: everything else the citizen entry can load, smallest first, so a visit cut short leaves the
 *   most pages;
 * - extras: the other icons of public/ (installing to the home screen only).
 * A file the citizen app never loads (the back office's page and chunks) stays out of its precache.
 * `bytes` is the gzip size, close to what travels, so the progress shown moves like the download.
 */
function citizenCopyTiers(outDir: string): ManifestTransform {
  return (entries) => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const referenced = new Set([...html.matchAll(/\b(?:src|href)="\/([^"?#]+)"/g)].map((match) => match[1]));
    const appFiles = citizenAppFiles(JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ViteManifestChunk>);
    const tierOf = (url: string): CopyTier | undefined => {
      if (url === 'index.html' || referenced.has(url)) return 'shell';
      if (appFiles.has(url)) return 'pages';
      if (url === 'favicon.ico' || url.startsWith('icons/')) return 'extras';
      return undefined;
    };
    const manifest = entries
      .flatMap((entry) => {
        const tier = tierOf(entry.url);
        return tier ? [{ ...entry, tier, bytes: gzipSync(readFileSync(join(outDir, entry.url))).length }] : [];
      })
      .sort((a, b) => COPY_TIERS.indexOf(a.tier) - COPY_TIERS.indexOf(b.tier) || a.bytes - b.bytes);
    return { manifest };
  };
}

export default defineConfig({
  plugins: [
    preact(),
    inlineGlobalCss(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // Registration is ours (workbox-window, lazily, with an update prompt): nothing inline, nothing automatic.
      injectRegister: false,
      registerType: 'prompt',
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Conecta Conquista · Serviços da Prefeitura',
        short_name: 'Conecta Conquista',
        description: 'Carta de Serviços da Prefeitura de Vitória da Conquista, também sem internet.',
        lang: 'pt-BR',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#ffffff',
        theme_color: '#0b4f8a',
        categories: ['government', 'utilities'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The web manifest is added by the plugin itself (after the transforms, so with no tier: saved
        // last); icons come from public/ through this pattern.
        globPatterns: ['**/*.{js,css,html,png,ico,svg}'],
        // The back office's page is never the citizen's (its chunks are also left out by the transform).
        globIgnores: ['gestao/**'],
        manifestTransforms: [citizenCopyTiers(OUT_DIR)],
        rollupFormat: 'iife',
      },
      devOptions: { enabled: false },
    }),
    backOfficeWithoutManifest(),
  ],
  build: {
    outDir: OUT_DIR,
    // Two audiences, two entries: the citizen app at / and the back office at /gestao/ (its own chunks,
    // never loaded by a citizen page nor saved in the citizen's copy on the phone).
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        gestao: fileURLToPath(new URL('gestao/index.html', import.meta.url)),
      },
    },
    // The budget script reads the manifest to find the entry's static import graph.
    manifest: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
  },
});
