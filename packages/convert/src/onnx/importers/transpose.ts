import { permute } from '@pabnn/ir';
import { defineImporter, isTranspose } from '../import-context.js';

/**
 * A Transpose of a constant is folded at import (a transposed weight before MatMul). Of a
 * runtime value, only the layout transposes NCHW <-> NHWC: the IR holds both as NHWC, so
 * they rename.
 */
export const transpose = defineImporter({
  ops: ['Transpose'],
  run(n, c) {
    const init = c.inits.get(n.xo);
    if (init) {
      if (!(init.values instanceof Float32Array))
        n.refuse('only float constants are transposed at import');
      const rank = init.dims.length;
      const perm = n.at.ints('perm', [...Array(rank).keys()].reverse());
      const values = permute(init.values as Float32Array, init.dims, perm);
      c.inits.set(n.out, { dims: perm.map((p) => init.dims[p]), values });
      return undefined;
    }
    const toNchw = isTranspose(n.node, [0, 3, 1, 2]) && c.nhwc.has(n.xo);
    const toNhwc = isTranspose(n.node, [0, 2, 3, 1]) && !c.nhwc.has(n.xo) && n.r === 4;
    if (!toNchw && !toNhwc) n.refuse('only NCHW <-> NHWC transposes are supported');
    c.alias.set(n.out, n.x);
    if (toNhwc) c.nhwc.add(n.out);
    c.rank.set(n.out, 4);
    return undefined;
  },
});
