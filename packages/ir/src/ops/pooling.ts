import { ShapeError } from '../errors.js';
import type { TensorInfo } from '../tensor.js';
import type { Attrs } from './schema.js';
import { registerOp } from './schema.js';
import { DILATION_ATTR, expectRank, required, resolveWindow, WINDOW_ATTRS } from './shape-utils.js';

const KERNEL_ATTR = {
  type: 'ints',
  length: 2,
  min: 1,
  doc: 'window size [h, w]',
} as const;

function poolShape(inputs: readonly (TensorInfo | undefined)[], attrs: Attrs): TensorInfo[] {
  const x = required(inputs, 0);
  expectRank(x, 4, 'x');
  const window = resolveWindow(
    x.shape[1],
    x.shape[2],
    attrs.kernelShape as number[],
    attrs,
    attrs.dilations as number[],
  );
  return [{ dtype: 'float32', shape: [x.shape[0], window.outH, window.outW, x.shape[3]] }];
}

export const MaxPool = registerOp({
  type: 'MaxPool',
  doc: 'max over windows (taps dilations apart); padded taps are ignored',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: '[N, H, W, C]' }],
  numOutputs: 1,
  attrs: { kernelShape: KERNEL_ATTR, ...WINDOW_ATTRS, dilations: DILATION_ATTR },
  inferShapes: poolShape,
});

export const AvgPool = registerOp({
  type: 'AvgPool',
  doc: 'mean over windows (taps dilations apart)',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: '[N, H, W, C]' }],
  numOutputs: 1,
  attrs: {
    kernelShape: KERNEL_ATTR,
    ...WINDOW_ATTRS,
    dilations: DILATION_ATTR,
    countIncludePad: {
      type: 'bool',
      default: false,
      doc: 'divide by the window size kh * kw (true) or by the taps inside the input (false)',
    },
  },
  inferShapes: poolShape,
});

export const GlobalAvgPool = registerOp({
  type: 'GlobalAvgPool',
  doc: 'mean over H and W: [N, H, W, C] -> [N, C] (or [N, 1, 1, C] with keepDims)',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: '[N, H, W, C]' }],
  numOutputs: 1,
  attrs: { keepDims: { type: 'bool', default: false, doc: 'keep H and W as 1' } },
  inferShapes(inputs, attrs) {
    const x = required(inputs, 0);
    expectRank(x, 4, 'x');
    const [n, , , c] = x.shape;
    return [{ dtype: 'float32', shape: attrs.keepDims ? [n, 1, 1, c] : [n, c] }];
  },
});

/**
 * Padding of H and W (Keras ZeroPadding2D, ONNX Pad on spatial axes), with ONNX Pad's modes:
 * 'constant' fills with `value`, 'reflect' mirrors without repeating the edge, 'edge' repeats
 * the edge, 'wrap' continues from the other side.
 */
export const Pad = registerOp({
  type: 'Pad',
  doc: 'padding of H and W: [N, H, W, C] -> [N, H + top + bottom, W + left + right, C]',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: '[N, H, W, C]' }],
  numOutputs: 1,
  attrs: {
    pads: { type: 'ints', length: 4, min: 0, doc: '[top, left, bottom, right]' },
    mode: {
      type: 'string',
      oneOf: ['constant', 'reflect', 'edge', 'wrap'],
      default: 'constant',
      doc: "what the padding holds: 'constant' (value), 'reflect', 'edge' or 'wrap'",
    },
    value: { type: 'float', default: 0, doc: "the padding value of mode 'constant'" },
  },
  inferShapes(inputs, attrs) {
    const x = required(inputs, 0);
    expectRank(x, 4, 'x');
    const [t, l, b, r] = attrs.pads as number[];
    // reflect, edge and wrap read the input: an empty axis that is padded has nothing to read
    const reads = attrs.mode !== 'constant';
    if (reads && ((x.shape[1] === 0 && t + b > 0) || (x.shape[2] === 0 && l + r > 0)))
      throw new ShapeError(`mode '${attrs.mode}' cannot pad an empty axis`);
    const grow = (d: number, by: number) => (d === -1 ? -1 : d + by);
    return [
      {
        dtype: 'float32',
        shape: [x.shape[0], grow(x.shape[1], t + b), grow(x.shape[2], l + r), x.shape[3]],
      },
    ];
  },
});
