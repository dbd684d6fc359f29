import {
  type BackendTensor,
  convGeometry,
  dequantizedPAConv,
  type KernelNode,
  PA_ACTIVATION_CODES,
  paConvInputs,
} from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { CachedCalls } from './cached-calls.js';
import { type FloatConv, floatConvCalls, floatPathOf, prepareFloatConv } from './float-conv.js';
import type { WasmContext } from './kernel.js';
import { NS_PER, partsFor } from './split-policy.js';
import { runCalls, splitRange } from './thread-pool.js';

/**
 * PAConv2D's dequantized path (kernel-choice.ts paConvPathFor): the layer's definition,
 * act(scale * conv(zeroPad(Q_a(x)), Q_w) + bias) (docs/PA-METHOD.md), on float values. The
 * input goes through the activation staircase into a buffer of levels (asm/pa-dequantized.ts
 * quantizeF32), and the float conv kernel convolves it with Q_w dequantized once at prepare
 * (float-conv.ts). Where scale and bias are constants (or absent) and the conv runs on the
 * float kernel's patches path, they fold into the weights (scale_o Q_w) and the conv's bias, and
 * the kernel applies the activation as it stores; otherwise paEpilogueF32 applies all three in
 * a pass of its own.
 */
export interface DequantizedPAConv {
  path: 'dequantized';
  /** The float conv of Q_w; with `fused`, of scale_o Q_w with the bias and activation. */
  conv: FloatConv;
  /** Whether scale, bias and the activation are in `conv` (no epilogue pass). */
  fused: boolean;
  /** Activation bases: f32 thresholds [n][4] and staircase levels [n + 1][4], each value 4 times. */
  n: number;
  thresholds: number;
  levels: number;
  act: number;
  /** f32 Q_a(x), the input's shape; grown when a larger input comes. */
  quantized: { at: number; bytes: number };
  /** The quantize and epilogue calls, kept while a run uses the same buffers and shape. */
  quantizeCalls: CachedCalls;
  epilogueCalls: CachedCalls;
}

export function prepareDequantizedPAConv(
  ctx: WasmContext,
  node: KernelNode,
  constants: (Tensor | undefined)[],
): DequantizedPAConv {
  const { weights, shape, thresholds, levels } = dequantizedPAConv(constants);
  const [, kh, kw, cinG] = shape;
  const groups = node.attrs.groups as number;
  const act = PA_ACTIVATION_CODES[node.attrs.activation as string];
  // scale and bias fold in when the graph gives them as constants or not at all
  const given = paConvInputs(node.inputs);
  const { scale, bias } = paConvInputs(constants);
  const fused =
    ctx.simd &&
    floatPathOf(node, groups, shape) === 'patches' &&
    (!given.scale || scale !== undefined) &&
    (!given.bias || bias !== undefined);
  if (fused && scale) {
    const inner = kh * kw * cinG;
    weights.forEach((w, i) => {
      weights[i] = w * scale.data[Math.floor(i / inner)];
    });
  }
  return {
    path: 'dequantized',
    conv: prepareFloatConv(
      ctx,
      node,
      groups,
      weights,
      shape,
      fused ? { bias: bias?.data, act } : {},
    ),
    fused,
    n: thresholds.shape[0],
    thresholds: ctx.memory.put(fourTimes(thresholds.data)),
    levels: ctx.memory.put(fourTimes(levels.data)),
    act,
    quantized: { at: 0, bytes: 0 },
    quantizeCalls: new CachedCalls(),
    epilogueCalls: new CachedCalls(),
  };
}

/** Each value four times in a row: a v128 lane set the kernel loads without a splat. */
function fourTimes(values: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: values.length * 4 }, (_, i) => values[i >> 2]);
}

/** `items` rows of `width` f32 values at `at`, split for the pool: [offset, rows] per part. */
function rowParts(
  ctx: WasmContext,
  at: number,
  items: number,
  width: number,
  nsPerValue: number,
): [number, number][] {
  const parts = partsFor(items * width * nsPerValue, items, ctx.pool);
  return splitRange(items, parts).map(([begin, end]) => [at + begin * width * 4, end - begin]);
}

export function runDequantizedPAConv(
  ctx: WasmContext,
  p: DequantizedPAConv,
  inputs: (BackendTensor | undefined)[],
  out: BackendTensor,
): void {
  const { x, scale, bias } = paConvInputs(inputs);
  const [batch, inH, inW, cin] = x!.shape;
  const pixels = batch * inH * inW;
  const bytes = pixels * cin * 4;
  if (bytes > p.quantized.bytes) {
    if (p.quantized.bytes) ctx.memory.release(p.quantized.at, p.quantized.bytes);
    p.quantized = { at: ctx.memory.alloc(bytes), bytes };
  }
  const xAt = ctx.offsetOf(x!);
  const qAt = p.quantized.at;
  const quantize = p.quantizeCalls.get([xAt, qAt, pixels, cin], () =>
    rowParts(ctx, 0, pixels, cin, p.n * NS_PER.thresholdCompare).map(([from, rows]) => ({
      kernel: 'quantizeF32',
      args: [xAt + from, rows * cin, p.n, p.thresholds, p.levels, qAt + from],
    })),
  );
  runCalls(ctx.kernels, quantize, ctx.pool);
  const yAt = ctx.offsetOf(out);
  runCalls(ctx.kernels, floatConvCalls(ctx, p.conv, qAt, x!.shape, yAt), ctx.pool);
  if (p.fused || (!scale && !bias && p.act === 0)) return;
  const scaleAt = scale ? ctx.offsetOf(scale) : 0;
  const biasAt = bias ? ctx.offsetOf(bias) : 0;
  const epilogue = p.epilogueCalls.get([yAt, scaleAt, biasAt, batch, inH, inW], () => {
    const g = convGeometry(p.conv.node.attrs, x!.shape, p.conv.cout, p.conv.kh, p.conv.kw);
    const outPixels = batch * g.outH * g.outW;
    return rowParts(ctx, yAt, outPixels, p.conv.cout, NS_PER.thresholdCompare).map(
      ([at, rows]) => ({
        kernel: 'paEpilogueF32',
        args: [at, rows, p.conv.cout, scaleAt, biasAt, p.act],
      }),
    );
  });
  runCalls(ctx.kernels, epilogue, ctx.pool);
}
