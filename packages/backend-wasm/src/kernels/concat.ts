import { defineKernel, size } from '../kernel.js';

/** Concatenation along an axis: row copies inside linear memory (no wasm call needed). */
export const concatKernel = defineKernel<{ axis: number }>({
  ops: ['Concat'],
  prepare: (_ctx, node) => {
    const rank = node.outputs[0].shape.length;
    const axis = node.attrs.axis as number;
    return { axis: axis < 0 ? axis + rank : axis };
  },
  run(ctx, p, inputs, out) {
    // outer rows of each input's slice along the axis, one after another in each output row
    const bytes = new Uint8Array(ctx.memory.memory.buffer);
    const shape = out.shape;
    const outer = size(shape.slice(0, p.axis));
    const inner = size(shape.slice(p.axis + 1)) * 4;
    const rowOut = shape[p.axis] * inner;
    const dst = ctx.offsetOf(out);
    let at = 0;
    for (const t of inputs) {
      const row = t!.shape[p.axis] * inner;
      const src = ctx.offsetOf(t!);
      for (let o = 0; o < outer; o++)
        bytes.copyWithin(dst + o * rowOut + at, src + o * row, src + (o + 1) * row);
      at += row;
    }
  },
});
