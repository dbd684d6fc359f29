import { readFileSync, statSync } from 'node:fs';
import { checkLimit, resolveLimits } from '@pabnn/ir';
import { DataError } from './errors.js';

/**
 * Class names from a JSON file: an array of strings, or an object whose values are the names
 * in class order (the Keras `imagenet_class_index` style of `{ "0": "tench", ... }` or
 * `{ "0": ["n01440764", "tench"] }`, whose last string is taken). Anything else is a DataError.
 */
export function readLabels(path: string): string[] {
  checkLimit(
    resolveLimits(),
    'maxFileBytes',
    statSync(path).size,
    `${path}: the file size in bytes`,
  );
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DataError('labels', `${path}: labels are not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null) {
    throw new DataError('labels', `${path}: labels must be a JSON array or object of class names`);
  }
  return Object.values(json).map((v, i) => {
    const name = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof name !== 'string') {
      throw new DataError('labels', `${path}: label ${i} is not a string (${JSON.stringify(v)})`);
    }
    return name;
  });
}
