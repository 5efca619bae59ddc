// Adds file extensions to the relative imports of the declarations tsc wrote to dist/types (the sources
// import without them, for the bundler), so that TypeScript consumers with moduleResolution node16/nodenext
// resolve them too: './forest' → './forest.js', './ingest' → './ingest/index.js'.
import { readdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'dist/types');
const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
for (const file of walk(root).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}(?:\/[^'"]*)?)\2/g, (all, lead, q, spec) => {
    if (/\.(js|mjs|cjs|json)$/.test(spec)) return all;
    const base = resolve(dirname(file), spec);
    if (existsSync(`${base}.d.ts`)) return `${lead}${q}${spec}.js${q}`;
    if (existsSync(join(base, 'index.d.ts'))) return `${lead}${q}${spec}/index.js${q}`;
    return all;
  });
  if (fixed !== text) writeFileSync(file, fixed);
}
