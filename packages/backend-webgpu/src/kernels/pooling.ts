import { paConvGeometry } from '@pabnn/backend';
import { GLOBAL_AVG_POOL_WGSL, POOL_WGSL } from '../float-ops-wgsl.js';
import { defineGpuKernel, elements, gpuBuffer, singleCall } from '../gpu-kernel.js';

/** MaxPool and AvgPool: the window loop of a conv with one group per channel. */
export const poolKernel = defineGpuKernel({
  ops: ['MaxPool', 'AvgPool'],
  prepare(ctx, node) {
    const attrs = node.attrs;
    const [kh, kw] = attrs.kernelShape as number[];
    const mode = node.op === 'MaxPool' ? 0 : attrs.countIncludePad ? 2 : 1;
    return singleCall(ctx, POOL_WGSL, (call, [x], [y]) => {
      const c = x!.shape[3];
      const geometry = paConvGeometry({ ...attrs, groups: c }, x!.shape, c, kh, kw);
      call.record(
        elements(y.shape),
        [elements(y.shape), ...geometry, mode],
        [gpuBuffer(x!), gpuBuffer(y)],
      );
    });
  },
});

export const globalAvgPoolKernel = defineGpuKernel({
  ops: ['GlobalAvgPool'],
  prepare: (ctx) =>
    singleCall(ctx, GLOBAL_AVG_POOL_WGSL, (call, [x], [y]) => {
      const [batch, h, w, c] = x!.shape;
      call.record(batch * c, [batch * c, h * w, c], [gpuBuffer(x!), gpuBuffer(y)]);
    }),
});
