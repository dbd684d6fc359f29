import { hasConstantParameters, inputsByName, transposeDense } from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { defineKernel } from '../kernel.js';

/** y = x W^T + bias with constant W (asm denseF32 on the transposed weights). */
export const denseKernel = defineKernel<{ weights: number; bias: number; outF: number }>({
  ops: ['Dense'],
  needs: 'constant weight and bias',
  supports: hasConstantParameters,
  prepare(ctx, node, constants) {
    const { weight, bias } = inputsByName(node.op, constants) as Record<string, Tensor>;
    return {
      weights: ctx.memory.put(transposeDense(weight)),
      bias: bias ? ctx.memory.put(Float32Array.from(bias.data)) : 0,
      outF: weight.shape[0],
    };
  },
  run(ctx, p, [x], out) {
    const [batch, inF] = x!.shape;
    ctx.kernels.denseF32(
      ctx.offsetOf(x!),
      p.weights,
      p.bias,
      batch,
      inF,
      p.outF,
      ctx.offsetOf(out),
    );
  },
});
