import { defineImporter, type ImportContext, type OnnxNode } from '../import-context.js';
import { fromOnnxOrder, inOnnxOrder } from '../layout.js';
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
 * A Flatten (axis 1) of a 4-D NCHW map into [N, C*H*W]. The IR flattens in H, W, C order: where
 * that differs from ONNX's C, H, W, a Gemm/MatMul reading only the result absorbs the order by
 * permuting its weight columns; anything else reads the map transposed to NCHW first.
 */
function flattenNchw(n: OnnxNode, c: ImportContext): string {
  const [, h, w, ch] = c.g.info(n.x).shape;
  if ((h === 1 && w === 1) || ch === 1) return c.g.flatten(n.x, n.out);
  if (h > 0 && w > 0 && ch > 0 && c.feedsOnlyDense(n.out)) {
    const result = c.g.flatten(n.x, n.out);
    c.flattenedChw.set(result, [ch, h, w]);
    return result;
  }
  return c.g.flatten(inOnnxOrder(c, n.xo), n.out);
}

/** ONNX Flatten at `axis`: [product of the dims before, product of the rest], in ONNX order. */
function flattenAt(n: OnnxNode, c: ImportContext, axis: number): string {
  const src = inOnnxOrder(c, n.xo);
  const shape = c.g.info(src).shape;
  if (axis === 1) return c.g.flatten(src, n.out);
  const size = (dims: readonly number[]) =>
    dims.includes(-1) ? -1 : dims.reduce((a, b) => a * b, 1);
  const target = [size(shape.slice(0, axis)), size(shape.slice(axis))];
  if (target[0] === -1 && target[1] === -1)
    n.refuse(`axis ${axis} with dims known only at run time on both sides is not supported`);
  return c.g.reshape(src, target, n.out);
}

/**
 * Flatten (any axis) and Reshape with a constant shape, in ONNX's axis order: a 4-D NCHW map is
 * read transposed to NCHW (the IR holds it as NHWC), and a 4-D result is transposed back to NHWC.
 * The common Flatten of a map into a Gemm/MatMul needs no transpose (see flattenNchw).
 */
export const flatten = defineImporter({
  ops: ['Flatten', 'Reshape'],
  run(n, c) {
    const { xo, x, r } = n;
    const nchw = r === 4 && !c.nhwc.has(xo);
    const shape = c.g.info(x).shape;
    if (n.node.opType === 'Flatten') {
      const given = n.at.int('axis', 1);
      // ONNX Flatten: axis in [-r, r], negative counts from the end
      if (given < -r || given > r) n.refuse(`axis ${given} is out of range for rank ${r}`);
      const axis = given < 0 ? given + r : given;
      c.rank.set(n.out, 2);
      return nchw && axis === 1 ? flattenNchw(n, c) : flattenAt(n, c, axis);
    }
    const target = reshapeTarget(n, c);
    if (n.at.int('allowzero', 0) === 1 && target.values.includes(0))
      n.refuse('allowzero 1 with a 0 in the shape is not supported');
    c.rank.set(n.out, target.values.length);
    if (nchw && target.values.length === 2) {
      // [N, C*H*W]: the batch as 0, -1 or itself, the rest as -1 or its size
      const [n0, f1] = target.values;
      const features = shape[1] * shape[2] * shape[3];
      const known = shape.slice(1).every((d) => d > 0);
      const flattens =
        (f1 === -1 ? n0 !== -1 : known && f1 === features) &&
        (n0 === 0 || n0 === -1 || shape[0] === -1 || n0 === shape[0]);
      if (flattens) return flattenNchw(n, c);
    }
    const src = inOnnxOrder(c, xo);
    const values = resolveInferred(target.values, c.g.info(src).shape);
    if (values.length !== 4) return c.g.reshape(src, values, n.out);
    return fromOnnxOrder(c, c.g.reshape(src, values), n.out);
  },
});
