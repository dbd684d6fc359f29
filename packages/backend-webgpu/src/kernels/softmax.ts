import { SOFTMAX_WGSL } from '../float-ops-wgsl.js';
import { defineGpuKernel, elements, gpuBuffer, singleCall } from '../gpu-kernel.js';

/** Softmax along one axis: one thread per row (SOFTMAX_WGSL). */
export const softmaxKernel = defineGpuKernel({
  ops: ['Softmax'],
  prepare: (ctx, node) =>
    singleCall(ctx, SOFTMAX_WGSL, (call, [x], [y]) => {
      const rank = x!.shape.length;
      const axisAttr = node.attrs.axis as number;
      const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
      const len = x!.shape[axis];
      const inner = elements(x!.shape.slice(axis + 1));
      const rows = elements(x!.shape) / len;
      call.record(rows, [rows, len, inner], [gpuBuffer(x!), gpuBuffer(y)]);
    }),
});
