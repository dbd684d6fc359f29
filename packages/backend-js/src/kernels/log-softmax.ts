import { defineKernel } from '../kernel.js';

/**
 * log(softmax(x)) along one axis, as x - max - log(sum(exp(x - max))): no exp overflows and a
 * large negative logit keeps its value instead of log(0) = -Infinity.
 */
export const logSoftmax = defineKernel({
  op: 'LogSoftmax',
  run(_s, node, [x], [y]) {
    const shape = x!.shape;
    const axisAttr = node.attrs.axis as number;
    const axis = axisAttr < 0 ? axisAttr + shape.length : axisAttr;
    const len = shape[axis];
    const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const outer = x!.data.length / (len * inner);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const at = (k: number) => (o * len + k) * inner + i;
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < len; k++) max = Math.max(max, x!.data[at(k)]);
        let sum = 0;
        for (let k = 0; k < len; k++) sum += Math.exp(x!.data[at(k)] - max);
        const shift = max + Math.log(sum);
        for (let k = 0; k < len; k++) y.data[at(k)] = x!.data[at(k)] - shift;
      }
  },
});
