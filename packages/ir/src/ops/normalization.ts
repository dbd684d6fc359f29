import { registerOp } from './schema.js';
import { expectShape, required } from './shape-utils.js';

export const BatchNorm = registerOp({
  type: 'BatchNorm',
  doc: 'Inference batch normalization over the last (channel) axis.',
  inputs: [
    { name: 'x', dtypes: ['float32'], doc: '[..., C]' },
    { name: 'gamma', dtypes: ['float32'], doc: '[C]' },
    { name: 'beta', dtypes: ['float32'], doc: '[C]' },
    { name: 'mean', dtypes: ['float32'], doc: '[C]' },
    { name: 'variance', dtypes: ['float32'], doc: '[C]' },
  ],
  numOutputs: 1,
  attrs: { epsilon: { type: 'float', min: 0, default: 1e-5, doc: 'added to the variance' } },
  inferShapes(inputs) {
    const x = required(inputs, 0);
    const c = x.shape[x.shape.length - 1];
    for (const [i, name] of ['gamma', 'beta', 'mean', 'variance'].entries()) {
      expectShape(required(inputs, i + 1), [c], name);
    }
    return [{ dtype: 'float32', shape: [...x.shape] }];
  },
});
