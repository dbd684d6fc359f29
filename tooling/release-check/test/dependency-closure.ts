// The packages a workspace package needs at run time, found in the workspace's installed
// node_modules (pnpm's layout: a package's dependencies sit beside it in .pnpm/<id>/node_modules
// or in a node_modules folder above it). With each one packed (pack() for ours, npm pack for the
// rest), an install needs no registry: that is how the CLI's install is tested offline.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** The folder `name` resolves to from `dir`, as Node would look it up; undefined if absent. */
function locate(name: string, dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(at) === at) return undefined;
  }
}

/**
 * Every package folder `dir`'s package needs at run time, itself excluded: dependencies,
 * optional dependencies that are installed, and peers that are not optional (npm installs
 * those). Keyed by package name; a name met twice at two versions is an error.
 */
export function dependencyClosure(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const queue = [realpathSync(dir)];
  while (queue.length > 0) {
    const at = queue.pop() as string;
    const m = manifest(at);
    const optional = new Set(Object.keys(m.optionalDependencies ?? {}));
    const peers = Object.keys(m.peerDependencies ?? {}).filter(
      (p) => !m.peerDependenciesMeta?.[p]?.optional,
    );
    for (const name of [...Object.keys(m.dependencies ?? {}), ...optional, ...peers]) {
      const where = locate(name, at);
      if (!where) {
        if (optional.has(name)) continue;
        throw new Error(`${m.name} needs ${name}, which is not installed in the workspace`);
      }
      const seen = found.get(name);
      if (seen === where) continue;
      if (seen)
        throw new Error(
          `${name} is needed at two versions (${seen}, ${where}); pack cannot flatten it`,
        );
      found.set(name, where);
      queue.push(where);
    }
  }
  return found;
}
