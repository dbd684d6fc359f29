import { ShapeError } from '../errors.js';
import type { TensorInfo } from '../tensor.js';
import { type InputSpec, registerOp } from './schema.js';
import {
  DILATION_ATTR,
  expectDim,
  expectDType,
  expectRank,
  expectShape,
  required,
  resolveWindow,
  UNKNOWN_DIM,
  WINDOW_ATTRS,
} from './shape-utils.js';

// Weights are OHWI: [out channels, kernel h, kernel w, in channels / groups], so each output
// channel's weights are contiguous and pack along input channels like the activations (NHWC).

function convOutput(
  x: TensorInfo,
  kernel: readonly number[],
  outChannels: number,
  attrs: Record<string, unknown>,
): TensorInfo {
  const window = resolveWindow(
    x.shape[1],
    x.shape[2],
    kernel,
    attrs as never,
    attrs.dilations as number[],
  );
  return { dtype: 'float32', shape: [x.shape[0], window.outH, window.outW, outChannels] };
}

function checkGroups(inChannels: number, outChannels: number, groups: number): void {
  if (inChannels !== UNKNOWN_DIM && inChannels % groups !== 0) {
    throw new ShapeError(`input channels ${inChannels} are not divisible by groups ${groups}`);
  }
  if (outChannels % groups !== 0) {
    throw new ShapeError(`output channels ${outChannels} are not divisible by groups ${groups}`);
  }
}

/** The inputs of a float conv with OHWI weights (Conv2D, ConvTranspose2D). */
export const FLOAT_CONV_INPUTS: readonly InputSpec[] = [
  { name: 'x', dtypes: ['float32'], doc: '[N, H, W, C]' },
  { name: 'weight', dtypes: ['float32'], doc: '[Cout, kh, kw, C / groups]' },
  { name: 'bias', dtypes: ['float32'], optional: true, doc: '[Cout]' },
];

/**
 * Checks a float conv's input, OHWI weight, groups and optional bias against each other
 * (Conv2D, ConvTranspose2D); returns the weight's [Cout, kh, kw].
 */
export function checkFloatConvInputs(
  inputs: readonly (TensorInfo | undefined)[],
  groups: number,
): { x: TensorInfo; cout: number; kh: number; kw: number } {
  const x = required(inputs, 0);
  const w = required(inputs, 1);
  expectRank(x, 4, 'x');
  expectRank(w, 4, 'weight');
  const [cout, kh, kw, cinPerGroup] = w.shape;
  checkGroups(x.shape[3], cout, groups);
  if (x.shape[3] !== UNKNOWN_DIM)
    expectDim(cinPerGroup, x.shape[3] / groups, 'weight dim 3 (C / groups)');
  if (inputs[2]) expectShape(inputs[2], [cout], 'bias');
  return { x, cout, kh, kw };
}

export const Conv2D = registerOp({
  type: 'Conv2D',
  doc: 'Float 2-D convolution, NHWC input, OHWI weight, optional bias.',
  inputs: FLOAT_CONV_INPUTS,
  numOutputs: 1,
  attrs: {
    ...WINDOW_ATTRS,
    dilations: DILATION_ATTR,
    groups: { type: 'int', min: 1, default: 1, doc: 'channel groups' },
  },
  inferShapes(inputs, attrs) {
    const { x, cout, kh, kw } = checkFloatConvInputs(inputs, attrs.groups as number);
    return [convOutput(x, [kh, kw], cout, attrs)];
  },
});

export const DepthwiseConv2D = registerOp({
  type: 'DepthwiseConv2D',
  doc: 'Float depthwise convolution: output channel o reads input channel floor(o / multiplier).',
  inputs: [
    { name: 'x', dtypes: ['float32'], doc: '[N, H, W, C]' },
    { name: 'weight', dtypes: ['float32'], doc: '[C * multiplier, kh, kw, 1]' },
    { name: 'bias', dtypes: ['float32'], optional: true, doc: '[C * multiplier]' },
  ],
  numOutputs: 1,
  attrs: { ...WINDOW_ATTRS, dilations: DILATION_ATTR },
  inferShapes(inputs, attrs) {
    const x = required(inputs, 0);
    const w = required(inputs, 1);
    expectRank(x, 4, 'x');
    expectRank(w, 4, 'weight');
    const [cout, kh, kw, one] = w.shape;
    expectDim(one, 1, 'weight dim 3');
    if (x.shape[3] !== UNKNOWN_DIM && cout % x.shape[3] !== 0) {
      throw new ShapeError(
        `weight channels ${cout} are not a multiple of input channels ${x.shape[3]}`,
      );
    }
    if (inputs[2]) expectShape(inputs[2], [cout], 'bias');
    return [convOutput(x, [kh, kw], cout, attrs)];
  },
});

/**
 * The PA binary convolution (docs/PA-METHOD.md). Weights: M bit-planes B_m with per-channel
 * coefficients a_m and constant c_w, Q_w = c_w + sum_m a_m B_m. Activations are binarized
 * inside the op by N thresholds into a staircase with N+1 levels, Q_a. The op computes
 *   y = act(scale * conv(zeroPad(Q_a(x)), Q_w) + bias)
 * with exact zero-padding semantics (a padded tap contributes 0).
 */
export const PAConv2D = registerOp({
  type: 'PAConv2D',
  doc: 'PA multiple-binary convolution: M weight bases x N activation bases, fused epilogue.',
  inputs: [
    {
      name: 'x',
      dtypes: ['float32'],
      doc: '[N, H, W, C], float activations (binarized by the op)',
    },
    {
      name: 'weightBits',
      dtypes: ['bits'],
      doc: '[M, Cout, kh, kw, C / groups], bit 1 = -1, packed along the last dim',
    },
    { name: 'weightScales', dtypes: ['float32'], doc: '[Cout, M], coefficient a_m of each base' },
    { name: 'weightOffset', dtypes: ['float32'], doc: '[Cout], constant c_w of the staircase' },
    {
      name: 'actThresholds',
      dtypes: ['float32'],
      doc: '[N] per layer, or [C, N] per input channel; ascending',
    },
    { name: 'actLevels', dtypes: ['float32'], doc: '[N + 1] per layer, or [C, N + 1] per channel' },
    { name: 'scale', dtypes: ['float32'], optional: true, doc: '[Cout], epilogue multiplier' },
    { name: 'bias', dtypes: ['float32'], optional: true, doc: '[Cout], epilogue offset' },
  ],
  numOutputs: 1,
  attrs: {
    weightBases: { type: 'int', min: 1, doc: 'M, number of weight bit-planes' },
    activationBases: { type: 'int', min: 1, doc: 'N, number of activation thresholds' },
    ...WINDOW_ATTRS,
    dilations: DILATION_ATTR,
    groups: { type: 'int', min: 1, default: 1, doc: 'channel groups' },
    activation: {
      type: 'string',
      oneOf: ['none', 'relu', 'hardtanh'],
      default: 'none',
      doc: 'activation applied after scale and bias',
    },
  },
  inferShapes(inputs, attrs) {
    const x = required(inputs, 0);
    const bits = required(inputs, 1);
    expectRank(x, 4, 'x');
    expectRank(bits, 5, 'weightBits');
    const m = attrs.weightBases as number;
    const n = attrs.activationBases as number;
    const groups = attrs.groups as number;
    const [planes, cout, kh, kw, cinPerGroup] = bits.shape;
    expectDim(planes, m, 'weightBits dim 0 (weightBases)');
    checkGroups(x.shape[3], cout, groups);
    if (x.shape[3] !== UNKNOWN_DIM) {
      expectDim(cinPerGroup, x.shape[3] / groups, 'weightBits dim 4 (C / groups)');
    }
    expectShape(required(inputs, 2), [cout, m], 'weightScales');
    expectShape(required(inputs, 3), [cout], 'weightOffset');
    const thresholds = required(inputs, 4);
    const levels = required(inputs, 5);
    expectDType(thresholds, 'float32', 'actThresholds');
    if (thresholds.shape.length === 1) {
      expectShape(thresholds, [n], 'actThresholds');
      expectShape(levels, [n + 1], 'actLevels');
    } else {
      expectShape(thresholds, [x.shape[3], n], 'actThresholds (per channel)');
      expectShape(levels, [x.shape[3], n + 1], 'actLevels (per channel)');
    }
    if (inputs[6]) expectShape(inputs[6], [cout], 'scale');
    if (inputs[7]) expectShape(inputs[7], [cout], 'bias');
    return [convOutput(x, [kh, kw], cout, attrs)];
  },
});
