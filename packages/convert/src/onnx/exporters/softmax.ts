import { defineExporter, int, NHWC_TO_NCHW_AXIS } from '../export-context.js';

export const softmax = defineExporter({
  ops: ['Softmax'],
  run({ attrs, xin, xInfo, out }, c) {
    const rank = xInfo!.shape.length;
    const axis = ((attrs.axis as number) + rank) % rank;
    c.add('Softmax', [xin], [out], [int('axis', rank === 4 ? NHWC_TO_NCHW_AXIS[axis] : axis)]);
  },
});
