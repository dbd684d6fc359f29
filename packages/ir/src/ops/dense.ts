import { ShapeError } from '../errors.js';
import { formatShape, numElements } from '../tensor.js';
import { registerOp } from './schema.js';
import { expectDim, expectRank, expectShape, required, UNKNOWN_DIM } from './shape-utils.js';

export const Dense = registerOp({
  type: 'Dense',
  doc: 'fully connected: y = x W^T + b',
  inputs: [
    { name: 'x', dtypes: ['float32'], doc: '[N, in]' },
    { name: 'weight', dtypes: ['float32'], doc: '[out, in]' },
    { name: 'bias', dtypes: ['float32'], optional: true, doc: '[out]' },
  ],
  numOutputs: 1,
  attrs: {},
  inferShapes(inputs) {
    const x = required(inputs, 0);
    const w = required(inputs, 1);
    expectRank(x, 2, 'x');
    expectRank(w, 2, 'weight');
    expectDim(w.shape[1], x.shape[1], 'weight dim 1 (input features)');
    if (inputs[2]) expectShape(inputs[2], [w.shape[0]], 'bias');
    return [{ dtype: 'float32', shape: [x.shape[0], w.shape[0]] }];
  },
});

export const Flatten = registerOp({
  type: 'Flatten',
  doc: '[N, ...] -> [N, product of the rest] (NHWC order)',
  inputs: [{ name: 'x', doc: 'rank >= 1' }],
  numOutputs: 1,
  attrs: {},
  inferShapes(inputs) {
    const x = required(inputs, 0);
    if (x.shape.length < 1) throw new ShapeError('x must have rank >= 1');
    const rest = x.shape.slice(1);
    const features = rest.includes(UNKNOWN_DIM) ? UNKNOWN_DIM : numElements(rest);
    return [{ dtype: x.dtype, shape: [x.shape[0], features] }];
  },
});

export const Reshape = registerOp({
  type: 'Reshape',
  doc: 'static reshape; one dim may be -1 (inferred), the batch dim may be 0 (copied)',
  inputs: [{ name: 'x', doc: 'any shape' }],
  numOutputs: 1,
  attrs: { shape: { type: 'ints', min: -1, doc: 'target shape' } },
  inferShapes(inputs, attrs) {
    const x = required(inputs, 0);
    const target = (attrs.shape as number[]).map((d, i) => (d === 0 ? x.shape[i] : d));
    if (target.some((d) => d === undefined)) {
      throw new ShapeError(
        `0 in shape ${formatShape(attrs.shape as number[])} has no input dim to copy`,
      );
    }
    if (target.filter((d) => d === UNKNOWN_DIM).length > 1) {
      throw new ShapeError('at most one target dim may be -1');
    }
    if (x.shape.includes(UNKNOWN_DIM)) return [{ dtype: x.dtype, shape: target }];
    const total = numElements(x.shape);
    const known = numElements(target.filter((d) => d !== UNKNOWN_DIM));
    const shape = target.map((d) => (d === UNKNOWN_DIM ? total / known : d));
    if (numElements(shape) !== total || !shape.every(Number.isInteger)) {
      throw new ShapeError(`cannot reshape ${formatShape(x.shape)} to ${formatShape(target)}`);
    }
    return [{ dtype: x.dtype, shape }];
  },
});
