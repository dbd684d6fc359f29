import { defineExporter, int, ints } from '../export-context.js';

/** Flatten and Reshape in the IR's NHWC element order (Transposes around them on 4-D maps). */
export const reshape = defineExporter({
  ops: ['Flatten', 'Reshape'],
  run({ node, attrs, x, xin, out }, c) {
    // both follow the IR's NHWC element order
    const src = c.is4d(x)
      ? c.add('Transpose', [xin], [c.fresh(`${node.name}/nhwc`)], [ints('perm', [0, 2, 3, 1])])
      : xin;
    const to4d = c.is4d(node.outputs[0]);
    const target = to4d ? c.fresh(`${node.name}/reshaped`) : out;
    if (node.op === 'Flatten') c.add('Flatten', [src], [target], [int('axis', 1)]);
    else
      c.add('Reshape', [src, c.initInt64(`${node.name}/shape`, attrs.shape as number[])], [target]);
    if (to4d) c.add('Transpose', [target], [out], [ints('perm', [0, 3, 1, 2])]);
  },
});
