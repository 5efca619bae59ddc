/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  base: './',
  worker: { format: 'es' },
  // the page's own entry: the dev server's dependency scan must not crawl examples/ (the Svelte example
  // imports the built package, which the dev server does not have)
  optimizeDeps: { entries: ['index.html'] },
  build: {
    // the page only: dist/node, dist/lib, dist/browser and dist/types are other builds' and stay
    outDir: 'dist/web',
    target: 'es2022',
    // always emit the kernel as a file (caching, strict CSP), never inline it
    assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? false : undefined),
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
