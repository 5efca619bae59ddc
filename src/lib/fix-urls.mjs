// Rewrites the browser build's file URLs (dist/browser: the worker, its shard workers, the kernel) back to the
// plain pattern `new URL("./file", import.meta.url)`. Vite's library build writes them as
// `new URL(/* @vite-ignore */ new URL("file", import.meta.url).href, "" + import.meta.url)`, which a browser
// reads the same way but an application's bundler does not: Vite then copied worker.js as an opaque asset
// without the kernel and shard worker it loads (404 in the app). With the plain pattern, the application's
// bundler follows the worker (`new Worker(new URL(…))`) and the kernel (`new URL(…)`) like its own files.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'dist/browser');
const pattern = /new URL\(\s*(?:\/\*\s*@vite-ignore\s*\*\/\s*)?new URL\("([^"]+)", import\.meta\.url\)\.href,\s*"" \+ import\.meta\.url\s*\)/g;
const found = {};
for (const name of readdirSync(root).filter((f) => f.endsWith('.js'))) {
  const file = join(root, name);
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(pattern, (_, path) => {
    found[name] = (found[name] ?? 0) + 1;
    return `new URL(${JSON.stringify(path.startsWith('.') ? path : `./${path}`)}, import.meta.url)`;
  });
  if (fixed !== text) writeFileSync(file, fixed);
}
// the three URLs the package cannot work without: fail the build if a Vite update writes them otherwise
for (const [name, least] of [['index.js', 1], ['worker.js', 2]]) {
  if ((found[name] ?? 0) < least) {
    console.error(`fix-urls: expected ${least} file URL(s) to rewrite in ${join(root, name)}, found ${found[name] ?? 0}; see src/lib/fix-urls.mjs`);
    process.exit(1);
  }
}
