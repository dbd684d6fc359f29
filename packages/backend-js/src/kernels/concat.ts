import { defineKernel } from '../kernel.js';

export const concat = defineKernel({
  op: 'Concat',
  run(_s, node, inputs, [y]) {
    const rank = y.shape.length;
    const axisAttr = node.attrs.axis as number;
    const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
    const outer = y.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const inner = y.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const rowOut = y.shape[axis] * inner;
    let offset = 0;
    for (const t of inputs) {
      const row = t!.shape[axis] * inner;
      for (let o = 0; o < outer; o++)
        y.data.set(t!.data.subarray(o * row, (o + 1) * row), o * rowOut + offset);
      offset += row;
    }
  },
});
