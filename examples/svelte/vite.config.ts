/**
 * Builds the Svelte example (npm run build:examples → dist/examples/svelte/) the way an application that
 * installed the package would: `rcf-playground/browser` is the package's browser build, here this
 * repository's dist/browser/ (npm run build:lib first) instead of node_modules/rcf-playground/dist/browser/.
 */
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [svelte({ configFile: false })],
  resolve: { alias: { 'rcf-playground/browser': here('../../dist/browser/index.js') } },
  // the package's worker is an ES module worker (it starts nested module workers for score({ workers }))
  worker: { format: 'es' },
  build: {
    outDir: here('../../dist/examples/svelte'),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? false : undefined),
  },
});
