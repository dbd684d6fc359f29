import { statSync } from 'node:fs';
import { listBackends } from '@pabnn/backend';
import { UsageError } from './errors.js';

/** An integer option within [min, max], or `fallback` when absent; anything else is a UsageError. */
export function intOption(
  value: unknown,
  name: string,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be an integer ${range}, got ${value}`);
  }
  return n;
}

/** One of `choices`, or `fallback` when absent; anything else is a UsageError listing them. */
export function choiceOption<T extends string>(
  value: unknown,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${value}`);
  }
  return value as T;
}

/** A registered backend's name, or undefined when absent (the session picks by priority). */
export function backendOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const names = listBackends().map((p) => p.name);
  return choiceOption(value, 'backend', names, names[0]);
}

/** A path option that must name an existing file (or folder, with `folder`). */
export function pathOption(value: unknown, name: string, folder = false): string | undefined {
  if (value === undefined) return undefined;
  const path = String(value);
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`--${name}: no such ${folder ? 'folder' : 'file'}: ${path}`);
  }
  if (isFolder !== folder)
    throw new UsageError(`--${name}: ${path} is ${isFolder ? 'a folder' : 'not a folder'}`);
  return path;
}
