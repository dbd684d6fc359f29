import {
  type Backend,
  type BackendOptions,
  getBackend,
  listBackends,
  strayBackendsWarning,
} from '@pabnn/backend';
import { SessionError } from './errors.js';

export interface SelectOptions {
  backend?: string | string[];
  backendOptions?: BackendOptions;
  /** On a backend that is unsupported or fails to create: try the next (true) or throw. */
  fallback: boolean;
  warn: (message: string) => void;
}

/**
 * The first usable backend among the requested names (or every registered one by
 * priority): supported here and created without error.
 */
export async function selectBackend(options: SelectOptions): Promise<Backend> {
  const stray = strayBackendsWarning();
  if (stray) {
    if (options.backend === undefined && listBackends().length === 0)
      throw new SessionError('duplicate-package', stray);
    if (options.backend === undefined) options.warn(stray);
  }
  const names =
    options.backend === undefined
      ? listBackends().map((p) => p.name)
      : Array.isArray(options.backend)
        ? options.backend
        : [options.backend];
  if (names.length === 0) {
    throw new SessionError(
      'no-backend',
      "no backend is registered: import one, e.g. import '@pabnn/backend-js'",
    );
  }
  const problems: string[] = [];
  for (const name of names) {
    const plugin = getBackend(name); // throws, naming the registered ones, if unknown
    let problem: string;
    try {
      if (await plugin.isSupported()) return await plugin.create(options.backendOptions);
      problem = `backend '${name}' is not supported here`;
    } catch (error) {
      problem = `backend '${name}' failed to start: ${(error as Error).message}`;
    }
    problems.push(problem);
    if (!options.fallback) throw new SessionError('backend-unavailable', problem);
    options.warn(`${problem}; trying the next backend`);
  }
  throw new SessionError('backend-unavailable', `no usable backend: ${problems.join('; ')}`);
}

/** The js backend, for ops the chosen backend lacks. */
export async function fallbackBackend(
  primary: Backend,
  missing: string[],
  backendOptions?: BackendOptions,
): Promise<Backend> {
  if (primary.name === 'js') return primary;
  let plugin: ReturnType<typeof getBackend>;
  try {
    plugin = getBackend('js');
  } catch {
    throw new SessionError(
      'unsupported-op',
      `backend '${primary.name}' does not implement ${missing.join(', ')} and the js fallback is not registered (import '@pabnn/backend-js')`,
    );
  }
  return plugin.create(backendOptions);
}
