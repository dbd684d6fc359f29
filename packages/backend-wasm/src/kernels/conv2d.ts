import { hasConstantParameters, inputsByName } from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { type FloatConv, floatConvCalls, prepareFloatConv } from '../float-conv.js';
import { defineKernel } from '../kernel.js';
import { runCalls } from '../thread-pool.js';

/** Float Conv2D and DepthwiseConv2D (asm/float-ops.ts conv2dF32), split by output rows. */
export const conv2dKernel = defineKernel<FloatConv>({
  ops: ['Conv2D', 'DepthwiseConv2D'],
  needs: 'constant weights and bias',
  supports: hasConstantParameters,
  prepare(ctx, node, constants) {
    const { weight, bias } = inputsByName(node.op, constants) as Record<string, Tensor>;
    // a depthwise conv (OHWI [C * multiplier, kh, kw, 1]) is the grouped conv with C groups
    const groups =
      node.op === 'DepthwiseConv2D'
        ? (node.inputs[0]?.shape[3] as number)
        : (node.attrs.groups as number);
    return prepareFloatConv(ctx, node, groups, weight.data as Float32Array, weight.shape, {
      bias: bias?.data,
    });
  },
  run(ctx, p, inputs, out) {
    const x = inputs[0]!;
    runCalls(
      ctx.kernels,
      floatConvCalls(ctx, p, ctx.offsetOf(x), x.shape, ctx.offsetOf(out)),
      ctx.pool,
    );
  },
});
