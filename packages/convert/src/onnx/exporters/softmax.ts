import { defineExporter, int, NHWC_TO_NCHW_AXIS } from '../export-context.js';

/** Softmax and LogSoftmax along one axis (opset 13 semantics), the axis in ONNX's order. */
export const softmax = defineExporter({
  ops: ['Softmax', 'LogSoftmax'],
  run({ node, attrs, xin, xInfo, out }, c) {
    const rank = xInfo!.shape.length;
    const axis = ((attrs.axis as number) + rank) % rank;
    c.add(node.op, [xin], [out], [int('axis', rank === 4 ? NHWC_TO_NCHW_AXIS[axis] : axis)]);
  },
});
