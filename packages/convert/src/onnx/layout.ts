import type { ImportContext } from './import-context.js';

/** ONNX's NCHW axes in the order the IR holds a 4-D map (NHWC): IR axis k is ONNX axis NHWC[k]. */
const NHWC = [0, 2, 3, 1];
const NCHW = [0, 3, 1, 2];
const identity = (rank: number) => [...Array(rank).keys()];

/**
 * How the IR holds an ONNX value: IR axis k is ONNX axis order[k]. 4-D values are NCHW maps
 * held as NHWC, unless an NHWC<->NCHW Transpose made them NHWC in ONNX too; others as they are.
 */
export function irOrder(c: ImportContext, onnxName: string, rank: number): number[] {
  return rank === 4 && !c.nhwc.has(onnxName) ? NHWC : identity(rank);
}

/** Whether permuting a tensor of this shape leaves its row-major data as it is. */
export function movesNoData(shape: readonly number[], perm: readonly number[]): boolean {
  // only axes of size 1 change place: the others keep their relative order
  const moved = perm.filter((p) => shape[p] !== 1);
  return moved.every((p, i) => i === 0 || p > moved[i - 1]);
}

/**
 * x permuted: x itself for the identity, a Reshape when the permutation moves no data, else a
 * Transpose node.
 */
export function transposed(c: ImportContext, x: string, perm: number[], name?: string): string {
  const shape = c.g.info(x).shape;
  if (perm.every((p, i) => p === i)) return x;
  // a dim known only at run time is copied (0) where it stays in place, else inferred (-1)
  const target = perm.map((p, k) => (shape[p] >= 0 ? shape[p] : p === k ? 0 : -1));
  if (movesNoData(shape, perm) && target.filter((d) => d === -1).length <= 1)
    return c.g.reshape(x, target, name);
  return c.g.node('Transpose', [x], { perm }, name);
}

/** The IR value of an ONNX value, with its data in ONNX's axis order. */
export function inOnnxOrder(c: ImportContext, onnxName: string): string {
  const x = c.resolve(onnxName);
  const rank = c.g.info(x).shape.length;
  const order = irOrder(c, onnxName, rank);
  return order === NHWC ? transposed(c, x, NCHW) : x;
}

/** A value computed in ONNX's axis order, held the IR's way (a 4-D one as NHWC). */
export function fromOnnxOrder(c: ImportContext, x: string, name?: string): string {
  return c.g.info(x).shape.length === 4 ? transposed(c, x, NHWC, name) : x;
}
