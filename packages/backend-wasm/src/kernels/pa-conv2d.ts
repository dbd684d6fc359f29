import { paConvParameters } from '@pabnn/backend';
import { defineKernel } from '../kernel.js';
import { paConvPathFor } from '../kernel-choice.js';
import {
  type DequantizedPAConv,
  prepareDequantizedPAConv,
  runDequantizedPAConv,
} from '../pa-conv-dequantized.js';
import { type PreparedPAConv, preparePAConv, runPAConv, supportsPAConv } from '../pa-conv2d.js';

/**
 * PAConv2D on the faster of its two exact paths (kernel-choice.ts paConvPathFor, or the
 * backend's `paConvPath` option): binarize, then the tiled or grouped XOR/popcount kernel
 * (../pa-conv2d.ts), or the float conv of the dequantized values (../pa-conv-dequantized.ts).
 */
export const paConv2dKernel = defineKernel<PreparedPAConv | DequantizedPAConv>({
  ops: ['PAConv2D'],
  needs: 'constant weights and per-layer activation levels',
  supports: supportsPAConv,
  prepare(ctx, node, constants) {
    const { weightBits, actThresholds } = paConvParameters(constants);
    const [m, , kh, kw, cinG] = weightBits.shape;
    const groups = node.attrs.groups as number;
    const path =
      ctx.paConvPath === 'auto'
        ? paConvPathFor(groups, m, actThresholds.shape[0], cinG, kh, kw, ctx.simd)
        : ctx.paConvPath;
    return path === 'dequantized'
      ? prepareDequantizedPAConv(ctx, node, constants)
      : preparePAConv(ctx.memory, node, constants);
  },
  run: (ctx, p, inputs, out) =>
    p.path === 'dequantized'
      ? runDequantizedPAConv(ctx, p, inputs, out)
      : runPAConv(ctx.kernels, ctx.memory, p, inputs, out, ctx.offsetOf, ctx.pool),
});
