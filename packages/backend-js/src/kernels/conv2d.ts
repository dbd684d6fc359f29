import { defineKernel } from '../kernel.js';
import { groupedConv } from './float-conv.js';

export const conv2d = defineKernel({
  op: 'Conv2D',
  run(_state, node, [x, w, bias], [y]) {
    const b = bias?.data;
    groupedConv(x!, w!, node.attrs, node.attrs.groups as number, y, (o, acc) =>
      b ? acc + b[o] : acc,
    );
  },
});
