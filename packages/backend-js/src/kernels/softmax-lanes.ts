import type { Tensor } from '@pabnn/ir';

/**
 * The shared walk of Softmax and LogSoftmax: for every lane along `axis` (negative counts from
 * the end), its max and sum(exp(x - max)) (subtracting the max keeps exp from overflowing), then
 * y = at(x) for each element of the lane, with `at` made once per lane from (max, sum).
 */
export function softmaxLanes(
  x: Tensor,
  y: Tensor,
  axisAttr: number,
  perLane: (max: number, sum: number) => (v: number) => number,
): void {
  const shape = x.shape;
  const axis = axisAttr < 0 ? axisAttr + shape.length : axisAttr;
  const len = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = x.data.length / (len * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * len + k) * inner + i;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < len; k++) max = Math.max(max, x.data[at(k)]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += Math.exp(x.data[at(k)] - max);
      const f = perLane(max, sum);
      for (let k = 0; k < len; k++) y.data[at(k)] = f(x.data[at(k)]);
    }
}
