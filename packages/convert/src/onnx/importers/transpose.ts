import { permute } from '@pabnn/ir';
import { defineImporter, isTranspose } from '../import-context.js';
import { irOrder, transposed } from '../layout.js';

/**
 * Transpose. Of a constant, folded at import (a transposed weight before MatMul). The layout
 * transposes NCHW <-> NHWC rename (the IR holds both as NHWC). Any other becomes an IR
 * Transpose from the input's IR layout to the output's (none when they coincide).
 */
export const transpose = defineImporter({
  ops: ['Transpose'],
  run(n, c) {
    const init = c.inits.get(n.xo);
    const rank = init ? init.dims.length : n.r;
    // ONNX Transpose: perm defaults to reversing the axes
    const perm = n.at.ints('perm', [...Array(rank).keys()].reverse());
    if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))
      n.refuse(`perm [${perm.join(', ')}] is not a permutation of rank ${rank}`);
    if (init) {
      if (!(init.values instanceof Float32Array))
        n.refuse('only float constants are transposed at import');
      const values = permute(init.values as Float32Array, init.dims, perm);
      c.inits.set(n.out, { dims: perm.map((p) => init.dims[p]), values });
      return undefined;
    }
    c.rank.set(n.out, rank);
    const toNchw = isTranspose(n.node, [0, 3, 1, 2]) && c.nhwc.has(n.xo);
    // an NHWC value may only be read by layout ops (see importNode): else a real Transpose
    const layoutReaders = (c.readers.get(n.out) ?? []).every(({ node }) =>
      ['Transpose', 'Flatten', 'Reshape'].includes(node.opType ?? ''),
    );
    const toNhwc =
      isTranspose(n.node, [0, 2, 3, 1]) && !c.nhwc.has(n.xo) && rank === 4 && layoutReaders;
    if (toNchw || toNhwc) {
      c.alias.set(n.out, n.x);
      if (toNhwc) c.nhwc.add(n.out);
      return undefined;
    }
    // IR axis k of the output is ONNX output axis outOrder[k], which is ONNX input axis
    // perm[outOrder[k]], which the IR input holds at axis inverse(inOrder) of it
    const inOrder = irOrder(c, n.xo, rank);
    const outOrder = irOrder(c, n.out, rank);
    const irAxisOf = new Array<number>(rank);
    inOrder.forEach((onnxAxis, k) => {
      irAxisOf[onnxAxis] = k;
    });
    return transposed(
      c,
      n.x,
      outOrder.map((o) => irAxisOf[perm[o]]),
      n.out,
    );
  },
});
