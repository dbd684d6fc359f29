import { convGeometry, hasConstantParameters, inputsByName, type KernelNode } from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { CachedCalls } from '../cached-calls.js';
import { defineKernel } from '../kernel.js';
import { FLOAT_CONV_PATHS, type FloatConvPath, floatConvPathFor } from '../kernel-choice.js';
import { CONV_F32_PARAMS, paramBytes, writeParams } from '../param-blocks.js';
import { NS_PER, partsFor } from '../split-policy.js';
import { rowCalls, runCalls } from '../thread-pool.js';

interface PreparedConv {
  node: KernelNode;
  cout: number;
  kh: number;
  kw: number;
  /** f32 [group][ky][kx][cinG][coutG]; [ky][kx][c] when depthwise with multiplier 1. */
  weights: number;
  bias: number;
  /** Which path of conv2dF32 runs the conv (kernel-choice.ts). */
  path: FloatConvPath;
  /** f32 [thread][4][kh * kw * cin]: the im2col patches of asm conv2dPatches (one group), or 0. */
  patches: number;
  patchBytes: number;
  /** One parameter block per thread: threads split the output rows. */
  params: number;
  /** The calls, kept while a run uses the same buffers and input shape. */
  calls: CachedCalls;
}

/**
 * OHWI -> [group][ky][kx][cinG][coutG]: output channels innermost, so the kernel's SIMD
 * accumulators read 8 consecutive weights per input channel; with one channel in and out per
 * group (depthwise, multiplier 1) [ky][kx][c]: asm depthwisePixel steps 4 channels.
 */
function relayWeights(w: Tensor, groups: number): Float32Array {
  const [cout, kh, kw, cinG] = w.shape;
  const coutG = cout / groups;
  const src = w.data as Float32Array;
  const wt = new Float32Array(src.length);
  const taps = kh * kw;
  if (cinG === 1 && coutG === 1) {
    for (let o = 0; o < cout; o++)
      for (let t = 0; t < taps; t++) wt[t * cout + o] = src[o * taps + t];
    return wt;
  }
  for (let o = 0; o < cout; o++) {
    const g = Math.floor(o / coutG);
    const og = o - g * coutG;
    for (let t = 0; t < taps; t++)
      for (let c = 0; c < cinG; c++)
        wt[((g * taps + t) * cinG + c) * coutG + og] = src[(o * taps + t) * cinG + c];
  }
  return wt;
}

/** Float Conv2D and DepthwiseConv2D (asm/float-ops.ts conv2dF32), split by output rows. */
export const conv2dKernel = defineKernel<PreparedConv>({
  ops: ['Conv2D', 'DepthwiseConv2D'],
  needs: 'constant weights and bias',
  supports: hasConstantParameters,
  prepare(ctx, node, constants) {
    const { weight, bias } = inputsByName(node.op, constants) as Record<string, Tensor>;
    const [cout, kh, kw, cinG] = weight.shape;
    // a depthwise conv (OHWI [C * multiplier, kh, kw, 1]) is the grouped conv with C groups
    const groups =
      node.op === 'DepthwiseConv2D'
        ? (node.inputs[0]?.shape[3] as number)
        : (node.attrs.groups as number);
    const path = floatConvPathFor(groups, cinG, cout, (node.attrs.dilations as number[])[1]);
    return {
      node: { ...node, attrs: { ...node.attrs, groups } },
      cout,
      kh,
      kw,
      weights: ctx.memory.put(relayWeights(weight, groups)),
      bias: bias ? ctx.memory.put(Float32Array.from(bias.data)) : 0,
      path,
      patches: path === 'patches' ? ctx.memory.alloc(ctx.threads * 4 * kh * kw * cinG * 4) : 0,
      patchBytes: 4 * kh * kw * cinG * 4,
      params: ctx.memory.alloc(ctx.threads * paramBytes(CONV_F32_PARAMS)),
      calls: new CachedCalls(),
    };
  },
  run(ctx, p, inputs, out) {
    const x = inputs[0]!;
    const [batch, inH, inW] = x.shape;
    const key = [ctx.offsetOf(x), ctx.offsetOf(out), batch, inH, inW];
    const calls = p.calls.get(key, () => {
      const g = convGeometry(p.node.attrs, x.shape, p.cout, p.kh, p.kw);
      const rows = g.batch * g.outH;
      const macs = rows * g.outW * g.cout * g.kh * g.kw * (g.cin / g.groups);
      return rowCalls(
        'conv2dF32',
        p.params,
        paramBytes(CONV_F32_PARAMS),
        rows,
        partsFor(macs * NS_PER.floatMac, rows, ctx.pool),
        (t, at, rowBegin, rowEnd) =>
          writeParams(ctx.memory.memory, at, CONV_F32_PARAMS, {
            ...g,
            x: ctx.offsetOf(x),
            weights: p.weights,
            bias: p.bias,
            y: ctx.offsetOf(out),
            patches: p.patches && p.patches + t * p.patchBytes,
            path: FLOAT_CONV_PATHS[p.path],
            rowBegin,
            rowEnd,
          }),
      );
    });
    runCalls(ctx.kernels, calls, ctx.pool);
  },
});
