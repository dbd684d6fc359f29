import {
  convGeometry,
  dequantizedPAConv,
  type KernelNode,
  PA_ACTIVATION_CODES,
  paConvInputs,
} from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { prepareTiledFloatConv } from './float-conv-tiled.js';
import { QUANTIZE_WGSL } from './float-ops-wgsl.js';
import { elements, type GpuContext, type GpuKernel, gpuBuffer } from './gpu-kernel.js';
import { KernelCall } from './recorder.js';

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/**
 * PAConv2D's dequantized kernel: the layer's definition act(scale * conv(zeroPad(Q_a(x)), Q_w)
 * + bias) (docs/PA-METHOD.md) on float values, with no popcounts: one pass puts the input
 * through the activation staircase (QUANTIZE_WGSL), then the tiled float conv convolves those
 * levels with Q_w, dequantized once here, and applies scale, bias and the activation as it
 * stores. A popcount retires 32 binary multiply-adds where a float FMA retires one real one,
 * but GPUs issue popcounts at a fraction of the FMA rate (an eighth on NVIDIA's recent parts),
 * so the M x N binary convs cost more than the one float conv past a few plane pairs
 * (choosePAConvKernel). The staircase is its own pass, not applied as the conv gathers its
 * input: gathered inside the conv every value went through it once per channel tile, which on
 * an H100 cost ResNet-18's 7x7x512 layer 40 % over the plain float conv (reports/webgpu-nvidia.md).
 * Groups 1 only, as the tiled float conv.
 */
export function prepareDequantizedPAConv(
  ctx: GpuContext,
  node: KernelNode,
  constants: (Tensor | undefined)[],
): GpuKernel {
  const { weights, shape, thresholds, levels } = dequantizedPAConv(constants);
  const [cout, kh, kw, cin] = shape;
  const conv = prepareTiledFloatConv(ctx, weights, { cout, kh, kw, cin });
  const n = thresholds.shape[thresholds.shape.length - 1];
  const perChannel = thresholds.shape.length === 2 ? 1 : 0;
  const stairs = ctx.storage(Float32Array.from([...thresholds.data, ...levels.data]));
  const quantize = new KernelCall(ctx.device, ctx.recorder, ctx.pipeline(QUANTIZE_WGSL));
  const act = PA_ACTIVATION_CODES[node.attrs.activation as string];
  // Q_a(x), the input's shape: grown when a larger input comes
  let scratch: { bytes: number; buffer: GPUBuffer } | undefined;
  return {
    run(inputs, [y]) {
      const { x, scale, bias } = paConvInputs(inputs);
      const count = elements(x!.shape);
      if (!scratch || scratch.bytes < 4 * count) {
        // recorded dispatches may still read the old buffer
        ctx.recorder.flush();
        scratch?.buffer.destroy();
        const bytes = Math.max(16, 4 * count);
        scratch = { bytes, buffer: ctx.device.createBuffer({ size: bytes, usage: STORAGE() }) };
      }
      quantize.record(
        count,
        [count, cin, n, perChannel, thresholds.data.length],
        [gpuBuffer(x!), stairs, scratch.buffer],
      );
      conv.record(
        {
          geometry: convGeometry(node.attrs, x!.shape, cout, kh, kw),
          act,
          hasScale: scale !== undefined,
          hasBias: bias !== undefined,
        },
        {
          x: scratch.buffer,
          scale: scale ? gpuBuffer(scale) : ctx.empty,
          bias: bias ? gpuBuffer(bias) : ctx.empty,
          y: gpuBuffer(y),
        },
      );
    },
  };
}
