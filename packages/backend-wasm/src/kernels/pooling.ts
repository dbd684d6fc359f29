import type { KernelNode } from '@pabnn/backend';
import { resolveWindow } from '@pabnn/ir';
import { defineKernel } from '../kernel.js';
import { POOL_F32_PARAMS, paramBytes, writeParams } from '../param-blocks.js';

/** MaxPool and AvgPool over NHWC windows (asm poolF32). */
export const poolKernel = defineKernel<{ node: KernelNode; params: number }>({
  ops: ['MaxPool', 'AvgPool'],
  // asm poolF32 walks adjacent taps: dilated windows run on js
  needs: 'dilations [1, 1]',
  supports: (node) => (node.attrs.dilations as number[]).every((d) => d === 1),
  prepare: (ctx, node) => ({ node, params: ctx.memory.alloc(paramBytes(POOL_F32_PARAMS)) }),
  run(ctx, p, [x], out) {
    const [batch, inH, inW, c] = x!.shape;
    const attrs = p.node.attrs;
    const [kh, kw] = attrs.kernelShape as number[];
    const [sh, sw] = attrs.strides as number[];
    const win = resolveWindow(inH, inW, [kh, kw], attrs);
    writeParams(ctx.memory.memory, p.params, POOL_F32_PARAMS, {
      batch,
      inH,
      inW,
      c,
      kh,
      kw,
      sh,
      sw,
      padTop: win.padTop,
      padLeft: win.padLeft,
      outH: out.shape[1],
      outW: out.shape[2],
      mode: p.node.op === 'MaxPool' ? 0 : attrs.countIncludePad ? 2 : 1,
      x: ctx.offsetOf(x!),
      y: ctx.offsetOf(out),
    });
    ctx.kernels.poolF32(p.params);
  },
});

/** The mean over H and W per channel (asm globalAvgPoolF32). */
export const globalAvgPoolKernel = defineKernel<null>({
  ops: ['GlobalAvgPool'],
  prepare: () => null,
  run(ctx, _p, [x], out) {
    const [batch, h, w, c] = x!.shape;
    ctx.kernels.globalAvgPoolF32(ctx.offsetOf(x!), batch, h * w, c, ctx.offsetOf(out));
  },
});
