import { defineImporter, type ImportContext, type OnnxNode } from '../import-context.js';
import { intValue } from '../shape-values.js';

/**
 * A Reshape's target shape, known at import: an int64 constant, or a folded shape whose run-time
 * entries are dims of the reshaped value itself, at the same position (they become 0: copy).
 */
function reshapeTarget(n: OnnxNode, c: ImportContext): { values: number[] } {
  const target = intValue(c, n.ins[1]);
  if (!target) return n.refuse('only a shape known at import is supported');
  const values = target.values.map((d, i) => {
    if (typeof d === 'number') return d;
    if (c.resolve(d.of) === n.x && d.axis === i) return 0;
    return n.refuse(
      `a shape with dims known only at run time (dim ${d.axis} of '${d.of}') is not supported here`,
    );
  });
  return { values };
}

/**
 * The IR's Reshape allows one -1, and a copied (0) dim of unknown size counts as one: with both,
 * the -1 is computed here from the dims that are not copied (all of them known).
 */
function resolveInferred(target: number[], shape: readonly number[]): number[] {
  const copiesUnknown = target.some((d, i) => d === 0 && shape[i] === -1);
  const inferred = target.indexOf(-1);
  if (!copiesUnknown || inferred < 0) return target;
  const rest = shape.filter((_, i) => target[i] !== 0);
  if (rest.some((d) => d < 0)) return target; // the IR reports it
  const total = rest.reduce((a, b) => a * b, 1);
  const known = target.reduce((a, d, i) => (d > 0 && i !== inferred ? a * d : a), 1);
  return target.map((d, i) => (i === inferred ? total / known : d));
}

/**
 * Flatten (axis 1) and Reshape with a constant shape. A 4-D map flattens in the IR's HWC order;
 * ONNX's CHW order is kept only where a Gemm/MatMul reads the result and absorbs it.
 */
export const flatten = defineImporter({
  ops: ['Flatten', 'Reshape'],
  run(n, c) {
    const { xo, x, r } = n;
    const nhwc = c.nhwc.has(xo);
    const shape = c.g.info(x).shape;
    if (n.node.opType === 'Reshape') {
      const target = reshapeTarget(n, c);
      if (n.at.int('allowzero', 0) === 1 && target.values.includes(0))
        n.refuse('allowzero 1 with a 0 in the shape is not supported');
      if (!(r === 4 && target.values.length === 2) || nhwc) {
        if ((r === 4 && !nhwc) || target.values.length === 4)
          n.refuse('reshapes into or out of 4-D layouts are not supported, except flattening');
        return c.g.reshape(x, resolveInferred(target.values, shape), n.out);
      }
      // a 4-D map to 2-D: only [N, C*H*W], the batch as 0, -1 or itself, the rest as -1 or its size
      const [n0, f1] = target.values;
      const features = shape[1] * shape[2] * shape[3];
      const known = shape.slice(1).every((d) => d > 0);
      const flattens =
        (f1 === -1 ? n0 !== -1 : known && f1 === features) &&
        (n0 === 0 || n0 === -1 || shape[0] === -1 || n0 === shape[0]);
      if (!flattens)
        n.refuse(`a reshape of a 4-D map to [${n0}, ${f1}] is not supported, only to [N, C*H*W]`);
    } else if (n.at.int('axis', 1) !== 1 && n.at.int('axis', 1) + r !== 1)
      n.refuse('only axis 1 is supported');
    const result = c.g.flatten(x, n.out);
    const [, h, w, ch] = shape;
    if (r === 4 && !nhwc && !(h === 1 && w === 1) && ch !== 1) {
      // ONNX flattens in C, H, W order, the IR in H, W, C: only a Gemm/MatMul reading the
      // result can absorb that, by permuting its weight columns
      if (!(h > 0 && w > 0 && ch > 0) || !c.feedsOnlyDense(n.out))
        n.refuse(
          `flattening a ${ch}x${h}x${w} (CxHxW) map is only supported when it feeds Gemm or MatMul`,
        );
      c.flattenedChw.set(result, [ch, h, w]);
    }
    c.rank.set(result, 2);
    return result;
  },
});
