import { isChannelBroadcast } from '@pabnn/backend';
import { defineKernel, size } from '../kernel.js';

/** y = max(x, 0) (asm reluF32). */
export const reluKernel = defineKernel<null>({
  ops: ['Relu'],
  prepare: () => null,
  run(ctx, _p, [x], out) {
    ctx.kernels.reluF32(ctx.offsetOf(x!), size(x!.shape), ctx.offsetOf(out));
  },
});

/** y = min(max(x, min), max) (asm clipF32). */
export const clipKernel = defineKernel<{ lo: number; hi: number }>({
  ops: ['Clip'],
  prepare: (_ctx, node) => ({ lo: node.attrs.min as number, hi: node.attrs.max as number }),
  run(ctx, p, [x], out) {
    ctx.kernels.clipF32(ctx.offsetOf(x!), size(x!.shape), p.lo, p.hi, ctx.offsetOf(out));
  },
});

/** a + b with b of the same shape or a vector over the last (channel) axis (asm addF32). */
export const addKernel = defineKernel<null>({
  ops: ['Add'],
  needs: 'b of the same shape as a, or a vector over its channels',
  supports: (node) => isChannelBroadcast(node.inputs[0]?.shape ?? [], node.inputs[1]?.shape ?? []),
  prepare: () => null,
  run(ctx, _p, [a, b], out) {
    ctx.kernels.addF32(
      ctx.offsetOf(a!),
      ctx.offsetOf(b!),
      size(a!.shape),
      size(b!.shape),
      ctx.offsetOf(out),
    );
  },
});
