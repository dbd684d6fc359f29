import type { Tensor } from '@pabnn/ir';
import { dequantizeWeights } from '@pabnn/quantizer';
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

/** A PAConv2D's constants in the float form the dequantized kernels compute with. */
export interface DequantizedPAConv {
  /** Q_w = c_w + sum_m a_m B_m as float weights, OHWI [cout, kh, kw, cin / groups]. */
  weights: Float32Array;
  shape: [cout: number, kh: number, kw: number, cinG: number];
  /** The activation staircase: thresholds [N] and levels [N + 1] (or per channel). */
  thresholds: Tensor;
  levels: Tensor;
}

/**
 * The layer's definition act(scale * conv(zeroPad(Q_a(x)), Q_w) + bias) needs only Q_w and the
 * staircase (docs/PA-METHOD.md): what a kernel that computes it in float (backend-wasm's
 * dequantized path, backend-webgpu's dequantized kernel) prepares from, in place of the bit-planes.
 */
export function dequantizedPAConv(constants: readonly (Tensor | undefined)[]): DequantizedPAConv {
  const {
    weightBits: bits,
    weightScales: scales,
    weightOffset: offset,
    actThresholds: thresholds,
    actLevels: levels,
  } = paConvParameters(constants);
  const [m, cout, kh, kw, cinG] = bits.shape;
  const shape: DequantizedPAConv['shape'] = [cout, kh, kw, cinG];
  const weights = dequantizeWeights({ bits, scales, offset, shape, bases: m });
  return { weights, shape, thresholds, levels };
}
