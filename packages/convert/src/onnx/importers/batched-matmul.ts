import { tensor } from '@pabnn/ir';
import type { ImportContext, OnnxNode } from '../import-context.js';
import { fromOnnxOrder, inOnnxOrder } from '../layout.js';

/** An operand of MatMul in ONNX's axis order: a float initializer as a constant, or a value. */
function operand(n: OnnxNode, c: ImportContext, slot: number): string {
  const name = n.ins[slot];
  const init = c.inits.get(name);
  if (!init) return inOnnxOrder(c, name);
  if (!(init.values instanceof Float32Array))
    return n.refuse(`input ${slot} '${name}' must be a float tensor`);
  return c.constant(`${name}__matmul`, tensor('float32', init.dims, init.values));
}

/**
 * MatMul that Dense does not cover (rank > 2, or B computed at run time) as the IR's batched
 * MatMul, in ONNX's axis order: a 4-D operand is read as NCHW, a 4-D result held as NHWC.
 */
export function batchedMatMul(n: OnnxNode, c: ImportContext): string {
  const ranks = [0, 1].map((slot) => {
    const init = c.inits.get(n.ins[slot]);
    return init ? init.dims.length : c.g.info(c.resolve(n.ins[slot])).shape.length;
  });
  // ONNX MatMul promotes a 1-D operand to a matrix and drops that axis again
  if (ranks.some((r) => r < 2))
    n.refuse(`1-D operands (ranks ${ranks.join(', ')}) are not supported`);
  const y = c.g.node('MatMul', [operand(n, c, 0), operand(n, c, 1)]);
  const rank = c.g.info(y).shape.length;
  c.rank.set(n.out, rank);
  return rank === 4 ? fromOnnxOrder(c, y, n.out) : y;
}
