import { defineExporter, ints, NHWC_TO_NCHW_AXIS } from '../export-context.js';

/**
 * Transpose. A 4-D value is NCHW in the exported model, NHWC in the IR: IR axis k is ONNX axis
 * NHWC_TO_NCHW_AXIS[k] on both sides, so ONNX's perm maps that axis of the output to the ONNX
 * axis of the input the IR perm reads.
 */
export const transpose = defineExporter({
  ops: ['Transpose'],
  run({ attrs, xin, xInfo, out }, c) {
    const perm = attrs.perm as number[];
    const onnxAxis = xInfo!.shape.length === 4 ? NHWC_TO_NCHW_AXIS : perm.map((_, k) => k);
    const onnxPerm = new Array<number>(perm.length);
    perm.forEach((p, k) => {
      onnxPerm[onnxAxis[k]] = onnxAxis[p];
    });
    c.add('Transpose', [xin], [out], [ints('perm', onnxPerm)]);
  },
});
