import { getOpSchema } from '@pabnn/ir';
import { BackendError } from './errors.js';

/**
 * A node's inputs by the names its IR op schema gives them (`{ x, weightBits, scale, ... }`),
 * so kernels never wire data by position. An optional input that is absent is undefined.
 */
export function inputsByName<T>(
  op: string,
  inputs: readonly (T | undefined)[],
): Record<string, T | undefined> {
  const schema = getOpSchema(op);
  if (!schema) throw new BackendError('unsupported-op', `no IR schema for op '${op}'`);
  const named: Record<string, T | undefined> = {};
  schema.inputs.forEach((spec, i) => {
    named[spec.name] = inputs[i];
  });
  return named;
}
