import { permute } from '@pabnn/ir';
import { defineKernel } from '../kernel.js';

/** Output axis k is input axis perm[k]: the IR's one permutation helper, into the output. */
export const transpose = defineKernel({
  op: 'Transpose',
  run(_s, node, [x], [y]) {
    y.data.set(permute(x!.data as Float32Array, x!.shape, node.attrs.perm as number[]));
  },
});
