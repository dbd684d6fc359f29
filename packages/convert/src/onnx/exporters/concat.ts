import { defineExporter, int, NHWC_TO_NCHW_AXIS } from '../export-context.js';

export const concat = defineExporter({
  ops: ['Concat'],
  run({ node, attrs, out }, c) {
    const rank = c.values.get(node.outputs[0])!.shape.length;
    const axis = ((attrs.axis as number) + rank) % rank;
    c.add(
      'Concat',
      node.inputs.map((v) => c.onnxName(v)),
      [out],
      [int('axis', rank === 4 ? NHWC_TO_NCHW_AXIS[axis] : axis)],
    );
  },
});
