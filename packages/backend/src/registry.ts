import { BackendError } from './errors.js';
import { announceCopy, type RegistryCopy } from './registry-copies.js';
import type { BackendPlugin } from './types.js';

/** The version of the backend interface this package defines. Plugins must match its major. */
export const BACKEND_API_VERSION = '1.0.0';

const plugins = new Map<string, BackendPlugin>();
const self: RegistryCopy = { location: import.meta.url, apiVersion: BACKEND_API_VERSION, plugins };
const copies = announceCopy(self);

function major(version: string): number {
  const m = /^(\d+)\.\d+\.\d+/.exec(version);
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * Makes a backend available to every Session. Refuses, with the reason, a plugin written
 * for another major version of the interface, a malformed plugin, or a name already taken
 * (unless `replace` is set).
 */
export function registerBackend(plugin: BackendPlugin, options: { replace?: boolean } = {}): void {
  const name = plugin?.name;
  if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new BackendError(
      'plugin',
      `a backend plugin needs a lower-case name, got ${JSON.stringify(name)}`,
    );
  }
  for (const key of ['isSupported', 'create'] as const) {
    if (typeof plugin[key] !== 'function') {
      throw new BackendError('plugin', `backend '${name}' has no ${key}() function`);
    }
  }
  if (typeof plugin.priority !== 'number' || !Number.isFinite(plugin.priority)) {
    throw new BackendError('plugin', `backend '${name}' needs a numeric priority`);
  }
  if (major(plugin.apiVersion) !== major(BACKEND_API_VERSION)) {
    throw new BackendError(
      'api-version',
      `backend '${name}' was built for backend API ${plugin.apiVersion}, but this @pabnn/backend speaks ${BACKEND_API_VERSION} (major versions must match); use a matching release of the plugin`,
    );
  }
  if (plugins.has(name) && !options.replace) {
    throw new BackendError(
      'duplicate',
      `a backend named '${name}' is already registered (pass { replace: true } to replace it)`,
    );
  }
  plugins.set(name, plugin);
}

export function unregisterBackend(name: string): boolean {
  return plugins.delete(name);
}

/** Registered plugins, highest priority first. */
export function listBackends(): BackendPlugin[] {
  return [...plugins.values()].sort((a, b) => b.priority - a.priority);
}

export function getBackend(name: string): BackendPlugin {
  const plugin = plugins.get(name);
  if (!plugin) {
    const other = copies.find((c) => c !== self && c.plugins.has(name));
    if (other) throw duplicateCopyError(name, other);
    const known = [...plugins.keys()];
    throw new BackendError(
      'missing-backend',
      `no backend named '${name}' is registered (registered: ${known.length ? known.join(', ') : 'none'}; import its package, e.g. '@pabnn/backend-${name}', to register it)`,
    );
  }
  return plugin;
}

/** Where the plugin a lookup missed sits: in another loaded copy of this package. */
function duplicateCopyError(name: string, other: RegistryCopy): BackendError {
  return new BackendError(
    'duplicate-package',
    `backend '${name}' is registered in another copy of @pabnn/backend (${other.location}, backend API ${other.apiVersion}), not in the one asked (${self.location}): ${copies.length} copies of @pabnn/backend are loaded and each has its own registry. ${oneCopyAdvice([other.location, self.location])}`,
  );
}

/**
 * How to get down to one copy. Vite's dev server serves pre-bundled dependencies from
 * node_modules/.vite/deps/, with their own copy of this package inside: there no install has
 * two copies, and only Vite's config can help.
 */
function oneCopyAdvice(locations: string[]): string {
  if (locations.some((l) => l.includes('/.vite/deps/')))
    return `One of them is Vite's pre-bundled copy: add '@pabnn/backend' to optimizeDeps.exclude in your Vite config, beside '@pabnn/backend-wasm' (the Vite section of @pabnn/backend-wasm's README)`;
  return `Install one copy: give every @pabnn/* package the same version, then run 'npm dedupe' ('npm ls @pabnn/backend' shows the copies)`;
}

/**
 * A warning when another loaded copy of @pabnn/backend holds plugins this copy lacks (a
 * Session reading this copy cannot pick them), else undefined.
 */
export function strayBackendsWarning(): string | undefined {
  const strays = copies
    .filter((c) => c !== self)
    .flatMap((c) => [...c.plugins.keys()].filter((n) => !plugins.has(n)).map((n) => ({ n, c })));
  if (strays.length === 0) return undefined;
  const { n, c } = strays[0];
  return duplicateCopyError(n, c).message;
}
