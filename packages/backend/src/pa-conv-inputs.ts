import type { Tensor } from '@pabnn/ir';
import { BackendError } from './errors.js';
import { inputsByName } from './kernel-inputs.js';
import type { KernelNode } from './types.js';

/** PAConv2D's inputs by the names of its IR schema (@pabnn/ir ops/conv.ts). */
export interface PAConvInputs<T> {
  x?: T;
  weightBits?: T;
  weightScales?: T;
  weightOffset?: T;
  actThresholds?: T;
  actLevels?: T;
  scale?: T;
  bias?: T;
}

export function paConvInputs<T>(inputs: readonly (T | undefined)[]): PAConvInputs<T> {
  return inputsByName('PAConv2D', inputs) as PAConvInputs<T>;
}

/** The inputs a packed kernel lays out once per session: weights and the activation staircase. */
export const PA_PARAMETER_INPUTS = [
  'weightBits',
  'weightScales',
  'weightOffset',
  'actThresholds',
  'actLevels',
] as const;

/**
 * Whether a packed PAConv2D kernel (wasm, webgpu) can prepare this node once: its weights and
 * staircase are constants, and the staircase is one per layer (thresholds [N], not [C, N]).
 * The one rule every such backend applies (a backend may add its own limits); nodes it declines
 * run on js, which handles per-channel staircases and runtime weights.
 */
export function isPackablePAConv(node: KernelNode, constant: boolean[]): boolean {
  if (node.op !== 'PAConv2D') return false;
  const isConstant = paConvInputs(constant);
  return (
    PA_PARAMETER_INPUTS.every((name) => isConstant[name]) &&
    paConvInputs(node.inputs).actThresholds?.shape.length === 1
  );
}

/** A PAConv2D's weights and activation staircase (what a kernel prepares from). */
export type PAConvParameters = Record<(typeof PA_PARAMETER_INPUTS)[number], Tensor>;

/** The five parameter tensors of a PAConv2D node's inputs (or constants), by name. */
export function paConvParameters(inputs: readonly (Tensor | undefined)[]): PAConvParameters {
  const named = paConvInputs(inputs);
  for (const name of PA_PARAMETER_INPUTS)
    if (!named[name]) throw new BackendError('missing-input', `PAConv2D needs its input '${name}'`);
  return named as PAConvParameters;
}
