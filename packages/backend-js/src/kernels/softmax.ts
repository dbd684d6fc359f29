import { defineKernel } from '../kernel.js';
import { softmaxLanes } from './softmax-lanes.js';

/** Numerically stable softmax (subtract the max) along one axis. */
export const softmax = defineKernel({
  op: 'Softmax',
  run(_s, node, [x], [y]) {
    softmaxLanes(x!, y, node.attrs.axis as number, (max, sum) => (v) => Math.exp(v - max) / sum);
  },
});
