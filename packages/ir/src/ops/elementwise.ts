import { ShapeError } from '../errors.js';
import { formatShape } from '../tensor.js';
import { registerOp } from './schema.js';
import { broadcastShapes, dimsCompatible, required, UNKNOWN_DIM } from './shape-utils.js';

export const Add = registerOp({
  type: 'Add',
  doc: 'a + b with numpy broadcasting (residual connections)',
  inputs: [
    { name: 'a', dtypes: ['float32'], doc: 'any shape' },
    { name: 'b', dtypes: ['float32'], doc: 'broadcastable to a' },
  ],
  numOutputs: 1,
  attrs: {},
  inferShapes(inputs) {
    const a = required(inputs, 0);
    const b = required(inputs, 1);
    return [{ dtype: 'float32', shape: broadcastShapes(a.shape, b.shape) }];
  },
});

export const Concat = registerOp({
  type: 'Concat',
  doc: 'joins tensors along an axis (default: channels)',
  inputs: [{ name: 'inputs', dtypes: ['float32'], variadic: true, doc: 'same shape except axis' }],
  numOutputs: 1,
  attrs: { axis: { type: 'int', default: -1, doc: 'axis, negative counts from the end' } },
  inferShapes(inputs, attrs) {
    const first = required(inputs, 0);
    const rank = first.shape.length;
    const axisAttr = attrs.axis as number;
    if (axisAttr >= rank || axisAttr < -rank) {
      throw new ShapeError(`axis ${axisAttr} is out of range for rank ${rank}`);
    }
    const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
    const shape = [...first.shape];
    for (let i = 1; i < inputs.length; i++) {
      const other = required(inputs, i);
      const same =
        other.shape.length === rank &&
        other.shape.every((d, k) => k === axis || dimsCompatible(d, shape[k]));
      if (!same) {
        throw new ShapeError(
          `input ${i} has shape ${formatShape(other.shape)}, incompatible with ${formatShape(first.shape)} for concat on axis ${axis}`,
        );
      }
      shape[axis] =
        shape[axis] === UNKNOWN_DIM || other.shape[axis] === UNKNOWN_DIM
          ? UNKNOWN_DIM
          : shape[axis] + other.shape[axis];
    }
    return [{ dtype: 'float32', shape }];
  },
});
