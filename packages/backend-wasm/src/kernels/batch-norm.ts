import { batchNormInputs, foldBatchNorm, hasConstantParameters } from '@pabnn/backend';
import { defineKernel, size } from '../kernel.js';

/** BatchNorm folded into a per-channel affine y = scale x + shift (asm affineF32). */
export const batchNormKernel = defineKernel<{ scale: number; shift: number }>({
  ops: ['BatchNorm'],
  needs: 'constant gamma, beta, mean and variance',
  supports: hasConstantParameters,
  prepare(ctx, node, constants) {
    const { scale, shift } = foldBatchNorm(
      batchNormInputs(constants),
      node.attrs.epsilon as number,
    );
    return { scale: ctx.memory.put(scale), shift: ctx.memory.put(shift) };
  },
  run(ctx, p, [x], out) {
    const c = x!.shape[x!.shape.length - 1];
    ctx.kernels.affineF32(
      ctx.offsetOf(x!),
      p.scale,
      p.shift,
      size(x!.shape) / c,
      c,
      ctx.offsetOf(out),
    );
  },
});
