import { defineKernel } from '../kernel.js';
import { groupedConv } from './float-conv.js';

/** Depthwise = grouped conv with one group per input channel (weight [C * mult, kh, kw, 1]). */
export const depthwiseConv2d = defineKernel({
  op: 'DepthwiseConv2D',
  run(_state, node, [x, w, bias], [y]) {
    const b = bias?.data;
    groupedConv(x!, w!, node.attrs, x!.shape[3], y, (o, acc) => (b ? acc + b[o] : acc));
  },
});
