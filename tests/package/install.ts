/**
 * `npm pack` of this repository installed into a fresh project outside it, as a user would get it. Shared by
 * tests/package/pack.test.ts (the Node library, types, the rcf command) and e2e/package.e2e.test.ts (the
 * browser entry's worker from a page served out of that project).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '../..');
export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface Installed {
  /** The temporary folder (remove it when done): the tarball and the project. */
  dir: string;
  tarball: string;
  /** The fresh project the tarball is installed into. */
  project: string;
  /** What `npm pack --json` listed. */
  files: { path: string; size: number }[];
}

/**
 * Builds what `npm pack` would build (its prepare and prepack scripts), only when missing (the page's build
 * empties dist/), and the library entries always (fresh); packs with the scripts off; installs the tarball.
 */
export function packAndInstall(): Installed {
  if (!existsSync(join(root, 'build/rcf.wasm'))) execFileSync(npm, ['run', 'build:wasm'], { cwd: root, stdio: 'pipe' });
  if (!existsSync(join(root, 'dist/node/cli.js'))) execFileSync(npm, ['run', 'build:node'], { cwd: root, stdio: 'pipe' });
  execFileSync(npm, ['run', 'build:lib'], { cwd: root, stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'rcf-package-'));
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }),
  ) as { filename: string; files: { path: string; size: number }[] }[];
  const tarball = join(dir, packed[0]!.filename);
  const project = join(dir, 'app');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync(npm, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: project, stdio: 'pipe', timeout: 90_000,
  });
  return { dir, tarball, project, files: packed[0]!.files };
}
