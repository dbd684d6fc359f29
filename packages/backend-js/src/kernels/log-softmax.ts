import { defineKernel } from '../kernel.js';
import { softmaxLanes } from './softmax-lanes.js';

/**
 * log(softmax(x)) along one axis, as x - max - log(sum(exp(x - max))): no exp overflows and a
 * large negative logit keeps its value instead of log(0) = -Infinity.
 */
export const logSoftmax = defineKernel({
  op: 'LogSoftmax',
  run(_s, node, [x], [y]) {
    softmaxLanes(x!, y, node.attrs.axis as number, (max, sum) => {
      const shift = max + Math.log(sum);
      return (v) => v - shift;
    });
  },
});
