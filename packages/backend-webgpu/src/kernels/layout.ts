import { CONCAT_WGSL, PAD_WGSL } from '../float-ops-wgsl.js';
import { defineGpuKernel, elements, gpuBuffer, singleCall } from '../gpu-kernel.js';
import { KernelCall } from '../recorder.js';

/** Concat: one dispatch per input, each writing its slice of every output row. */
export const concatKernel = defineGpuKernel({
  ops: ['Concat'],
  prepare(ctx, node) {
    const calls = node.inputs.map(
      () => new KernelCall(ctx.device, ctx.recorder, ctx.pipeline(CONCAT_WGSL)),
    );
    return {
      run(inputs, [y]) {
        const rank = y.shape.length;
        const axisAttr = node.attrs.axis as number;
        const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
        const inner = elements(y.shape.slice(axis + 1));
        const rowOut = y.shape[axis] * inner;
        let offset = 0;
        inputs.forEach((t, k) => {
          const row = t!.shape[axis] * inner;
          calls[k].record(
            elements(t!.shape),
            [elements(t!.shape), row, rowOut, offset],
            [gpuBuffer(t!), gpuBuffer(y)],
          );
          offset += row;
        });
      },
    };
  },
});

/** Zero padding of H and W (PAD_WGSL); other modes and values run on js. */
export const padKernel = defineGpuKernel({
  ops: ['Pad'],
  needs: "mode 'constant' with value 0",
  supports: (node) => node.attrs.mode === 'constant' && node.attrs.value === 0,
  prepare(ctx, node) {
    const [top, left] = node.attrs.pads as number[];
    return singleCall(ctx, PAD_WGSL, (call, [x], [y]) => {
      const [, h, w, c] = x!.shape;
      const [, oh, ow] = y.shape;
      call.record(
        elements(y.shape),
        [elements(y.shape), h, w, c, oh, ow, top, left],
        [gpuBuffer(x!), gpuBuffer(y)],
      );
    });
  },
});

/** Flatten and Reshape: row-major data does not move, a buffer copy. */
export const reshapeKernel = defineGpuKernel({
  ops: ['Flatten', 'Reshape'],
  prepare: (ctx) => ({
    run: ([x], [y]) => ctx.recorder.copy(gpuBuffer(x!), gpuBuffer(y), 4 * elements(y.shape)),
  }),
});
