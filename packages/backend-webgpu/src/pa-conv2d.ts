import {
  convGeometry,
  isPackablePAConv,
  type KernelNode,
  PA_ACTIVATION_CODES,
  paConvGeometry,
  paConvInputs,
  paConvParameters,
} from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { decompose, tapSums, windowSums } from '@pabnn/quantizer';
import { type GpuContext, type GpuKernel, gpuBuffer } from './gpu-kernel.js';
import { prepareDequantizedPAConv } from './pa-conv2d-dequantized.js';
import { prepareHaloConv } from './pa-conv2d-halo.js';
import { prepareTiledConv } from './pa-conv2d-tiled.js';
import { choosePAConvKernel, type PAConvKernel, pixelsPerInvocation } from './pa-conv2d-variant.js';
import { BINARIZE_WGSL, CONV_WGSL } from './pa-conv2d-wgsl.js';
import { KernelCall } from './recorder.js';
import { channelBlocks } from './wgsl-snippets.js';

/** PAConv2D runs here when a packed kernel can prepare it (isPackablePAConv) and N <= 16. */
export function supportsPAConv(node: KernelNode, constant: boolean[]): boolean {
  // the WGSL kernels keep at most 16 activation planes per pixel
  return isPackablePAConv(node, constant) && (node.attrs.activationBases as number) <= 16;
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/**
 * PAConv2D as two dispatches: binarize the input into N bit-planes (and the per-pixel sum of
 * Q_a), then the popcount conv with the fused epilogue, by the direct or the tiled kernel
 * (choosePAConvKernel). Weights are re-laid out once here, for the tiled kernel in its file.
 */
export function preparePAConv(
  ctx: GpuContext,
  node: KernelNode,
  constants: (Tensor | undefined)[],
): GpuKernel & { variant: PAConvKernel } {
  const {
    weightBits: bits,
    weightScales: scales,
    weightOffset: offset,
    actThresholds: thresholds,
    actLevels: levels,
  } = paConvParameters(constants);
  const [m, cout, kh, kw, cinG] = bits.shape;
  const n = thresholds.shape[0];
  const attrs = node.attrs;
  const groups = node.attrs.groups as number;
  const [sh, sw] = attrs.strides as number[];
  const [dh, dw] = attrs.dilations as number[];
  const window = { kh, kw, sh, sw, dh, dw, cin: cinG };
  const kernel = choosePAConvKernel({ m, n, groups, window }, ctx.options.paConvKernel);
  if (kernel === 'dequantized')
    return { variant: kernel, ...prepareDequantizedPAConv(ctx, node, constants) };
  const taps = kh * kw;
  const w32 = Math.ceil(cinG / 32);
  const src = bits.data as Uint32Array;
  // [tap][w32][m][group][4-channel block]: a thread's 8 channels are two adjacent vec4 words;
  // blocks are padded past each group's last channel
  const { lanes, laneOf, threadsPerPixel } = channelBlocks(cout, groups, 8);
  const relaid = new Uint32Array(lanes * m * taps * w32);
  for (let j = 0; j < m; j++)
    for (let o = 0; o < cout; o++) {
      const lane = laneOf(o);
      for (let t = 0; t < taps; t++)
        for (let w = 0; w < w32; w++)
          relaid[((t * w32 + w) * m + j) * lanes + lane] =
            src[((j * cout + o) * taps + t) * w32 + w];
    }
  const stairs = decompose({
    thresholds: Float64Array.from(thresholds.data),
    levels: Float64Array.from(levels.data),
  });
  // the float parameters in one buffer; the shaders find each part at its offset
  const perTap = tapSums(bits, scales, offset);
  const fullSums = windowSums(perTap, cout);
  const parts: ArrayLike<number>[] = [
    scales.data,
    offset.data,
    perTap,
    stairs.coefficients,
    [stairs.constant],
    thresholds.data,
    levels.data,
    fullSums,
  ];
  const starts: number[] = [];
  let at = 0;
  for (const part of parts) {
    starts.push(at);
    at += part.length;
  }
  const floats = new Float32Array(at);
  parts.forEach((part, i) => floats.set(Array.from(part), starts[i]));
  const wbits = ctx.storage(relaid);
  const consts = ctx.storage(floats);
  const binarize = new KernelCall(ctx.device, ctx.recorder, ctx.pipeline(BINARIZE_WGSL));
  const conv = new KernelCall(ctx.device, ctx.recorder, ctx.pipeline(CONV_WGSL));
  const convParts = {
    bits,
    scales: scales.data,
    offset: offset.data,
    perTap,
    fullSums,
    coefficients: stairs.coefficients,
    constant: stairs.constant,
  };
  const tiled =
    kernel === 'tiled' || kernel === 'tiled-wide'
      ? prepareTiledConv(ctx, convParts, pixelsPerInvocation(kernel))
      : undefined;
  const halo =
    kernel === 'halo' || kernel === 'halo-fused'
      ? prepareHaloConv(
          ctx,
          convParts,
          { ...window, m, n, w32 },
          { buffer: consts, offThr: starts[5], offLvl: starts[6] },
          kernel === 'halo-fused',
        )
      : undefined;
  let scratch: { pixels: number; planes: GPUBuffer; qsum: GPUBuffer } | undefined;

  return {
    variant: kernel,
    run(inputs, [y]) {
      const { x: input, scale, bias } = paConvInputs(inputs);
      const x = input!;
      const [batch, inH, inW] = x.shape;
      const pixels = batch * inH * inW;
      if (scratch?.pixels !== pixels) {
        // recorded dispatches may still read the old planes
        ctx.recorder.flush();
        scratch?.planes.destroy();
        scratch?.qsum.destroy();
        const buffer = (bytes: number) =>
          ctx.device.createBuffer({ size: Math.max(16, bytes), usage: STORAGE() });
        scratch = {
          pixels,
          planes: buffer(pixels * groups * n * w32 * 4),
          qsum: buffer(pixels * groups * w32 * 4),
        };
      }
      const geometry = paConvGeometry(attrs, x.shape, cout, kh, kw);
      const conv2d = convGeometry(attrs, x.shape, cout, kh, kw);
      const { outH, outW } = conv2d;
      const params = [
        ...geometry,
        m,
        n,
        w32,
        PA_ACTIVATION_CODES[attrs.activation as string],
        ...starts,
        scale ? 1 : 0,
        bias ? 1 : 0,
      ];
      const optional = (t: (typeof inputs)[number]) => (t ? gpuBuffer(t) : ctx.empty);
      const run = {
        geometry: conv2d,
        act: PA_ACTIVATION_CODES[attrs.activation as string],
        hasScale: scale !== undefined,
        hasBias: bias !== undefined,
      };
      // the staged kernels' buffers (tiled reads the planes binarize writes below)
      const staged = {
        planes: scratch.planes,
        qsum: scratch.qsum,
        scale: optional(scale),
        bias: optional(bias),
        y: gpuBuffer(y),
      };
      if (halo) {
        // its own binarize (all N planes of a word an invocation) then the conv, or fused
        halo.record(run, { ...staged, x: gpuBuffer(x) });
        return;
      }
      // a workgroup of 64 invocations per 64 words (BINARIZE_WGSL)
      binarize.record(Math.ceil((pixels * groups * w32) / 64) * 64, params, [
        consts,
        gpuBuffer(x),
        scratch.planes,
        scratch.qsum,
      ]);
      if (tiled) {
        tiled.record(run, staged);
        return;
      }
      conv.record(batch * outH * outW * threadsPerPixel, params, [
        consts,
        scratch.planes,
        scratch.qsum,
        wbits,
        optional(scale),
        optional(bias),
        gpuBuffer(y),
      ]);
    },
  };
}
