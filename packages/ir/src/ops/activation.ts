import { ShapeError } from '../errors.js';
import type { TensorInfo } from '../tensor.js';
import { type Attrs, registerOp } from './schema.js';
import { expectRank, required } from './shape-utils.js';

const sameShape = (inputs: readonly (TensorInfo | undefined)[]): TensorInfo[] => {
  const x = required(inputs, 0);
  return [{ dtype: x.dtype, shape: [...x.shape] }];
};

export const Relu = registerOp({
  type: 'Relu',
  doc: 'max(x, 0)',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: 'any shape' }],
  numOutputs: 1,
  attrs: {},
  inferShapes: (inputs) => sameShape(inputs),
});

export const Sigmoid = registerOp({
  type: 'Sigmoid',
  doc: '1 / (1 + exp(-x))',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: 'any shape' }],
  numOutputs: 1,
  attrs: {},
  inferShapes: (inputs) => sameShape(inputs),
});

export const Tanh = registerOp({
  type: 'Tanh',
  doc: '(exp(x) - exp(-x)) / (exp(x) + exp(-x))',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: 'any shape' }],
  numOutputs: 1,
  attrs: {},
  inferShapes: (inputs) => sameShape(inputs),
});

export const PRelu = registerOp({
  type: 'PRelu',
  doc: 'x if x >= 0 else slope[c] * x, slope per channel (last axis) or one shared value',
  inputs: [
    { name: 'x', dtypes: ['float32'], doc: '[..., C]' },
    { name: 'slope', dtypes: ['float32'], doc: '[C] or [1]' },
  ],
  numOutputs: 1,
  attrs: {},
  inferShapes(inputs) {
    const x = required(inputs, 0);
    const slope = required(inputs, 1);
    expectRank(slope, 1, 'slope');
    const c = x.shape[x.shape.length - 1];
    if (slope.shape[0] !== 1 && slope.shape[0] !== c && c !== -1) {
      throw new ShapeError(`slope must have 1 or ${c} elements, got ${slope.shape[0]}`);
    }
    return sameShape(inputs);
  },
});

/** Clip(min, max). Hardtanh is Clip(-1, 1), the default. */
export const Clip = registerOp({
  type: 'Clip',
  doc: 'min(max(x, min), max); with the defaults it is Hardtanh',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: 'any shape' }],
  numOutputs: 1,
  attrs: {
    min: { type: 'float', default: -1, doc: 'lower bound' },
    max: { type: 'float', default: 1, doc: 'upper bound' },
  },
  inferShapes(inputs, attrs) {
    if ((attrs.min as number) > (attrs.max as number)) {
      throw new ShapeError(`Clip min ${attrs.min} is greater than max ${attrs.max}`);
    }
    return sameShape(inputs);
  },
});

function axisShape(inputs: readonly (TensorInfo | undefined)[], attrs: Attrs): TensorInfo[] {
  const x = required(inputs, 0);
  const axis = attrs.axis as number;
  if (axis >= x.shape.length || axis < -x.shape.length) {
    throw new ShapeError(`axis ${axis} is out of range for rank ${x.shape.length}`);
  }
  return sameShape(inputs);
}

export const Softmax = registerOp({
  type: 'Softmax',
  doc: 'softmax along an axis (default: last)',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: 'any shape' }],
  numOutputs: 1,
  attrs: { axis: { type: 'int', default: -1, doc: 'axis, negative counts from the end' } },
  inferShapes: axisShape,
});

export const LogSoftmax = registerOp({
  type: 'LogSoftmax',
  doc: 'log of the softmax along an axis (default: last): x - max - log(sum(exp(x - max)))',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: 'any shape' }],
  numOutputs: 1,
  attrs: { axis: { type: 'int', default: -1, doc: 'axis, negative counts from the end' } },
  inferShapes: axisShape,
});
