import { foldBatchNorm, inputsByName } from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { defineKernel, size } from '../kernel.js';

/** BatchNorm folded into a per-channel affine y = scale x + shift (asm affineF32). */
export const batchNormKernel = defineKernel<{ scale: number; shift: number }>({
  ops: ['BatchNorm'],
  needs: 'constant gamma, beta, mean and variance',
  supports: (node, constant) => {
    const c = inputsByName(node.op, constant);
    return Boolean(c.gamma && c.beta && c.mean && c.variance);
  },
  prepare(ctx, node, constants) {
    const c = inputsByName(node.op, constants) as Record<string, Tensor>;
    const { scale, shift } = foldBatchNorm(
      [c.gamma, c.beta, c.mean, c.variance],
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
