// What a user outside this monorepo starts from: workspace packages packed as they would be
// published (`pnpm pack` turns workspace:* ranges into versions) and installed with plain npm
// into an empty app folder, with no workspace and no pnpm around it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The environment a user's shell has: without NODE_PATH, which pnpm's bin shims (vitest's among
 * them) point at the workspace's hoisted node_modules, so a `require` there would find packages
 * the app never installed; without pnpm's npm_* settings, which npm warns about; and without
 * what vitest sets for its tests (NODE_ENV=test, MODE, DEV, VITEST...), which a user's Vite
 * would read as its own (`vite build` under NODE_ENV=test is a development build).
 */
const VITEST_ENV = /^(NODE_ENV|TEST|PROD|DEV|BASE_URL|MODE|SSR|FORCE_TTY|VITEST.*)$/;
export const userEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => k !== 'NODE_PATH' && !/^npm_/i.test(k) && !VITEST_ENV.test(k),
  ),
);

export const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: userEnv,
  });

/** Packs each folder (relative to the root) into `dest`; the tarballs' paths, in order. */
export function pack(folders: string[], dest: string): string[] {
  mkdirSync(dest, { recursive: true });
  return folders.map((folder) => {
    const out = run('pnpm', ['pack', '--pack-destination', dest], join(root, folder));
    // pnpm prints the tarball's path as its last line
    return out.trim().split('\n').at(-1) as string;
  });
}

/**
 * Packs installed package folders of other projects (from the workspace's node_modules) into
 * `dest` with npm, their scripts off: with them beside ours, an install needs no registry.
 */
export function packInstalled(folders: string[], dest: string): string[] {
  mkdirSync(dest, { recursive: true });
  return folders.map((folder) => {
    const out = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dest], folder);
    // npm prints the tarball's file name as its last line
    return join(dest, out.trim().split('\n').at(-1) as string);
  });
}

/** An empty ESM app at `dir` with the tarballs installed by npm, offline. */
export function installApp(dir: string, tarballs: string[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'user-app', private: true, type: 'module' }),
  );
  run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs],
    dir,
  );
  return dir;
}
