import { defineKernel } from '../kernel.js';
import { type PreparedPAConv, preparePAConv, runPAConv, supportsPAConv } from '../pa-conv2d.js';

/** PAConv2D: binarize, then the tiled or grouped XOR/popcount kernel (../pa-conv2d.ts). */
export const paConv2dKernel = defineKernel<PreparedPAConv>({
  ops: ['PAConv2D'],
  needs: 'constant weights and per-layer activation levels',
  supports: supportsPAConv,
  prepare: (ctx, node, constants) => preparePAConv(ctx.memory, node, constants),
  run: (ctx, p, inputs, out) =>
    runPAConv(ctx.kernels, ctx.memory, p, inputs, out, ctx.offsetOf, ctx.pool),
});
