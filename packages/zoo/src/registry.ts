import { type Graph, PabnnError } from '@pabnn/ir';
import type { ZooOptions } from './options.js';

export interface ModelEntry {
  name: string;
  family: string;
  description: string;
  build(options: ZooOptions): Graph;
}

const models = new Map<string, ModelEntry>();

/** One line per variant: `registerModel('pa_resnet18', 'resnet', '...', (o) => resnet(...))`. */
export function registerModel(
  name: string,
  family: string,
  description: string,
  build: (options: ZooOptions) => Graph,
): void {
  if (models.has(name)) throw new Error(`model '${name}' is already registered`);
  models.set(name, { name, family, description, build });
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/** Registered model names, optionally filtered by a glob like '*resnet*'. */
export function listModels(pattern = '*'): string[] {
  const re = globToRegExp(pattern);
  return [...models.keys()].filter((n) => re.test(n)).sort();
}

export function modelInfo(name: string): ModelEntry {
  const entry = models.get(name);
  if (!entry) {
    throw new PabnnError(
      'unknown-model',
      `no model named '${name}' (try listModels(); e.g. ${listModels('*resnet*').slice(0, 4).join(', ')})`,
    );
  }
  return entry;
}

/** Builds a registered model as a validated IR graph. */
export function createModel(name: string, options: ZooOptions = {}): Graph {
  return modelInfo(name).build(options);
}
