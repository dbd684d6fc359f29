import type { BackendPlugin } from './types.js';

/**
 * One loaded copy of this package's registry. Two copies appear when a package manager
 * installs @pabnn/backend twice (say a backend package pinned to another version nests its
 * own): each copy then has its own Map, and a plugin registered in one is invisible to a
 * Session that reads the other. Every copy lists itself on one global array, keyed by a
 * `Symbol.for` name that all copies share, so a lookup that misses can say why.
 */
export interface RegistryCopy {
  /** Where this copy's module was loaded from (`import.meta.url` of its registry). */
  readonly location: string;
  /** The backend interface version that copy speaks. */
  readonly apiVersion: string;
  readonly plugins: ReadonlyMap<string, BackendPlugin>;
}

const KEY = Symbol.for('@pabnn/backend/registry-copies');

type Holder = { [KEY]?: RegistryCopy[] };

/** Adds a copy to the global list (once per module instance) and returns the whole list. */
export function announceCopy(copy: RegistryCopy): readonly RegistryCopy[] {
  const holder = globalThis as Holder;
  holder[KEY] ??= [];
  holder[KEY].push(copy);
  return holder[KEY];
}

/** Every registry copy loaded in this JavaScript realm, in load order. */
export function loadedCopies(): readonly RegistryCopy[] {
  return (globalThis as Holder)[KEY] ?? [];
}
