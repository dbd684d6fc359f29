import { convGeometry, type KernelNode } from '@pabnn/backend';
import { CachedCalls } from './cached-calls.js';
import type { WasmContext } from './kernel.js';
import { FLOAT_CONV_PATHS, type FloatConvPath, floatConvPathFor } from './kernel-choice.js';
import { CONV_F32_PARAMS, paramBytes, writeParams } from './param-blocks.js';
import { NS_PER, partsFor } from './split-policy.js';
import { type KernelCall, rowCalls } from './thread-pool.js';

/**
 * A float conv laid out for asm/float-ops.ts conv2dF32: the Conv2D and DepthwiseConv2D kernel
 * (kernels/conv2d.ts) and PAConv2D's dequantized path (pa-conv-dequantized.ts) both run one.
 */
export interface FloatConv {
  /** The node, its `groups` attribute set (a depthwise conv's is its channel count). */
  node: KernelNode;
  cout: number;
  kh: number;
  kw: number;
  /**
   * f32 weights in the layout the conv's path reads: blockWeights() for the patches path of the
   * SIMD build, relayWeights() for every other (both below).
   */
  weights: number;
  bias: number;
  /** PA_ACTIVATION_CODES applied to the output: the patches path only (0 for Conv2D). */
  act: number;
  /** Which path of conv2dF32 runs the conv (kernel-choice.ts). */
  path: FloatConvPath;
  /** f32 [thread][4][kh * kw * cin]: the im2col patches of asm/conv-patches.ts (one group), or 0. */
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
function relayWeights(src: Float32Array, shape: readonly number[], groups: number): Float32Array {
  const [cout, kh, kw, cinG] = shape;
  const coutG = cout / groups;
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

/**
 * OHWI -> the patches path's [block of 8][k][8], then the channels past the last whole block as
 * [k][rest] (k = (ky kw + kx) C + c, a patch's order): one block's sweep reads its weights in
 * order, 32 bytes a patch value (asm/conv-patches.ts).
 */
function blockWeights(src: Float32Array, shape: readonly number[]): Float32Array {
  const [cout, kh, kw, cin] = shape;
  const k = kh * kw * cin;
  const cout8 = cout - (cout % 8);
  const rest = cout - cout8;
  const wt = new Float32Array(src.length);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < k; i++)
      wt[o < cout8 ? ((o >> 3) * k + i) * 8 + (o & 7) : cout8 * k + i * rest + (o - cout8)] =
        src[o * k + i];
  return wt;
}

/** The conv2dF32 path of a conv `node` of `groups` groups with OHWI weights of `shape`. */
export function floatPathOf(node: KernelNode, groups: number, shape: readonly number[]) {
  const [cout, , , cinG] = shape;
  return floatConvPathFor(groups, cinG, cout, (node.attrs.dilations as number[])[1]);
}

/**
 * Lays out OHWI weights `weight` of `shape` (and an optional bias) for a conv of `groups`
 * groups; `act` only where floatPathOf() is 'patches' (the one path that applies it).
 */
export function prepareFloatConv(
  ctx: WasmContext,
  node: KernelNode,
  groups: number,
  weight: Float32Array,
  shape: readonly number[],
  { bias, act = 0 }: { bias?: ArrayLike<number>; act?: number } = {},
): FloatConv {
  const [cout, kh, kw, cinG] = shape;
  const path = floatPathOf(node, groups, shape);
  if (act && path !== 'patches')
    throw new Error(`conv2dF32 applies an activation on its patches path only, not ${path}`);
  return {
    node: { ...node, attrs: { ...node.attrs, groups } },
    cout,
    kh,
    kw,
    // the scalar build runs every conv on the direct path, which reads relayWeights' layout
    weights: ctx.memory.put(
      path === 'patches' && ctx.simd
        ? blockWeights(weight, shape)
        : relayWeights(weight, shape, groups),
    ),
    bias: bias ? ctx.memory.put(Float32Array.from(bias)) : 0,
    act,
    path,
    patches: path === 'patches' ? ctx.memory.alloc(ctx.threads * 4 * kh * kw * cinG * 4) : 0,
    patchBytes: 4 * kh * kw * cinG * 4,
    params: ctx.memory.alloc(ctx.threads * paramBytes(CONV_F32_PARAMS)),
    calls: new CachedCalls(),
  };
}

/**
 * conv2dF32's calls for input `x` (NHWC `shape`, at byte offset `x`) into `y`, split by output
 * rows where the work is worth it (split-policy.ts), kept while the offsets and shape stay.
 */
export function floatConvCalls(
  ctx: WasmContext,
  p: FloatConv,
  x: number,
  shape: readonly number[],
  y: number,
): KernelCall[] {
  const [batch, inH, inW] = shape;
  return p.calls.get([x, y, batch, inH, inW], () => {
    const g = convGeometry(p.node.attrs, shape, p.cout, p.kh, p.kw);
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
          x,
          weights: p.weights,
          bias: p.bias,
          y,
          patches: p.patches && p.patches + t * p.patchBytes,
          path: FLOAT_CONV_PATHS[p.path],
          act: p.act,
          rowBegin,
          rowEnd,
        }),
    );
  });
}
