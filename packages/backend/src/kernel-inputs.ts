import { getOpSchema, type Tensor } from '@pabnn/ir';
import { BackendError } from './errors.js';
import type { KernelNode } from './types.js';

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

/**
 * Whether a node's parameters are constants: every input after the first (the activation)
 * that the node has. The rule of every float kernel that lays its weights out once at prepare
 * (convs, Dense, BatchNorm, PRelu); an absent optional input (a conv without bias) is fine.
 */
export function hasConstantParameters(node: KernelNode, constant: readonly boolean[]): boolean {
  return node.inputs.every((input, i) => i === 0 || !input || constant[i]);
}

/** A BatchNorm node's [gamma, beta, mean, variance] by name (what foldBatchNorm takes). */
export function batchNormInputs(inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const named = inputsByName('BatchNorm', inputs);
  return (['gamma', 'beta', 'mean', 'variance'] as const).map((name) => {
    const t = named[name];
    if (!t) throw new BackendError('missing-input', `BatchNorm needs its input '${name}'`);
    return t;
  });
}
