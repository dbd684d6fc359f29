import { ShapeError } from '../errors.js';
import { formatShape } from '../tensor.js';
import { registerOp } from './schema.js';
import { broadcastShapes, expectDim, required } from './shape-utils.js';

/**
 * Batched matrix product with numpy's rules (ONNX MatMul): the last two axes multiply, the ones
 * before broadcast. Dense covers the 2-D product with constant weights; this is the rest
 * (attention-like products of two runtime values, or per-batch weights).
 */
export const MatMul = registerOp({
  type: 'MatMul',
  doc: 'a @ b over the last two axes, the leading axes broadcast: [..., M, K] x [..., K, N]',
  inputs: [
    { name: 'a', dtypes: ['float32'], doc: '[..., M, K], rank >= 2' },
    { name: 'b', dtypes: ['float32'], doc: '[..., K, N], rank >= 2' },
  ],
  numOutputs: 1,
  attrs: {},
  inferShapes(inputs) {
    const a = required(inputs, 0);
    const b = required(inputs, 1);
    if (a.shape.length < 2 || b.shape.length < 2)
      throw new ShapeError(
        `a and b must have rank >= 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
      );
    expectDim(b.shape.at(-2)!, a.shape.at(-1)!, 'b dim -2 (K)');
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    return [{ dtype: 'float32', shape: [...batch, a.shape.at(-2)!, b.shape.at(-1)!] }];
  },
});
