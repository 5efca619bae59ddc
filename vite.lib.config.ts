import { defineConfig } from 'vite';

// The package's library builds (npm run build:lib):
//   --mode node     src/lib/node.ts    → dist/lib/index.js     (Node ESM; dependencies external; kernel: build/rcf.wasm)
//   --mode browser  src/lib/browser.ts → dist/browser/index.js (ESM, Comlink bundled, the worker and the kernel as files)
// Types: tsc -p src/lib/tsconfig.json → dist/types/.
export default defineConfig(({ mode }) =>
  mode === 'node'
    ? {
        publicDir: false,
        build: {
          ssr: true,
          outDir: 'dist/lib',
          emptyOutDir: true,
          target: 'node20',
          minify: false,
          sourcemap: true,
          rollupOptions: {
            input: { index: 'src/lib/node.ts' },
            output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
          },
        },
      }
    : {
        publicDir: false,
        base: './',
        worker: {
          format: 'es',
          rollupOptions: { output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: '[name][extname]' } },
        },
        build: {
          outDir: 'dist/browser',
          emptyOutDir: true,
          target: 'es2022',
          minify: false,
          sourcemap: true,
          assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? false : undefined),
          rollupOptions: {
            input: { index: 'src/lib/browser.ts' },
            preserveEntrySignatures: 'strict',
            output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: '[name][extname]' },
          },
        },
      },
);
