import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const GLOBAL_CSS = ['src/apps/citizen/styles/base.css', 'src/apps/citizen/styles/components.css'];

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
        // The web manifest is added by the plugin itself; icons come from public/ through this pattern.
        globPatterns: ['**/*.{js,css,html,png,ico,svg}'],
        rollupFormat: 'iife',
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    // BUILD_DIR lets two builds live side by side (tests read the same variable); default dist/.
    outDir: process.env.BUILD_DIR ?? 'dist',
    // The budget script reads the manifest to find the entry's static import graph.
    manifest: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
  },
});
