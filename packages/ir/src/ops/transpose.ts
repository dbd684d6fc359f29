import { ShapeError } from '../errors.js';
import { registerOp } from './schema.js';
import { required } from './shape-utils.js';

/**
 * A general axis permutation. The IR's 4-D activations are NHWC, so an imported model whose
 * layout changes (ONNX Flatten or Reshape of an NCHW map, Transpose, PixelShuffle) needs it to
 * bring the data into the order the model computes in.
 */
export const Transpose = registerOp({
  type: 'Transpose',
  doc: 'permutes the axes: output axis k is input axis perm[k] (numpy transpose)',
  inputs: [{ name: 'x', dtypes: ['float32'], doc: 'any shape' }],
  numOutputs: 1,
  attrs: { perm: { type: 'ints', min: 0, doc: 'a permutation of 0 .. rank - 1' } },
  inferShapes(inputs, attrs) {
    const x = required(inputs, 0);
    const perm = attrs.perm as number[];
    const rank = x.shape.length;
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== rank || sorted.some((p, i) => p !== i)) {
      throw new ShapeError(`perm [${perm.join(', ')}] is not a permutation of rank ${rank}`);
    }
    return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]) }];
  },
});
