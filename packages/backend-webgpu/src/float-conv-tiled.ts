import {
  FLOAT_TILE_CHANNELS,
  type FloatPixelsPerInvocation,
  floatTilePixels,
  tiledFloatConvWgsl,
} from './float-conv-tiled-wgsl.js';
import type { GpuContext } from './gpu-kernel.js';
import { geometryWords, type TiledRun } from './pa-conv2d-tiled.js';
import { grid3, KernelCall } from './recorder.js';

/**
 * Pixels an invocation computes: 8 where the layer has enough output pixels to fill the GPU
 * with 128-pixel tiles (each staged weight then feeds twice the multiply-adds), else 4.
 */
const pixelsPerInvocation = (pixels: number): FloatPixelsPerInvocation => (pixels >= 8192 ? 8 : 4);

/**
 * The tiled float conv of one node (groups 1): OHWI weights [cout][kh][kw][cin] re-laid as
 * [k = (ky, kx, c)][cout padded to 64], so a tile's 64 channels of one k are 16 adjacent vec4s.
 * Returns a recorder of runs; the shader (one per pixels-per-invocation, compiled on first use)
 * is float-conv-tiled-wgsl.ts's.
 */
export function prepareTiledFloatConv(
  ctx: GpuContext,
  weights: Float32Array,
  shape: { cout: number; kh: number; kw: number; cin: number },
) {
  const { cout, kh, kw, cin } = shape;
  const k = kh * kw * cin;
  const coutPad = Math.ceil(cout / FLOAT_TILE_CHANNELS) * FLOAT_TILE_CHANNELS;
  const relaid = new Float32Array(k * coutPad);
  for (let o = 0; o < cout; o++)
    for (let r = 0; r < k; r++) relaid[r * coutPad + o] = weights[o * k + r];
  const wBuffer = ctx.storage(relaid);
  const calls = new Map<FloatPixelsPerInvocation, KernelCall>();
  const callFor = (tm: FloatPixelsPerInvocation) => {
    let call = calls.get(tm);
    if (!call) {
      const code = tiledFloatConvWgsl({ tm, vec4Input: cin % 4 === 0 });
      call = new KernelCall(ctx.device, ctx.recorder, ctx.pipeline(code));
      calls.set(tm, call);
    }
    return call;
  };

  return {
    /** Records y = act(scale * conv(x) + bias). */
    record(
      run: TiledRun,
      buffers: { x: GPUBuffer; scale: GPUBuffer; bias: GPUBuffer; y: GPUBuffer },
    ) {
      const g = run.geometry;
      const pixels = g.batch * g.outH * g.outW;
      const tm = pixelsPerInvocation(pixels);
      const groups = grid3(Math.ceil(pixels / floatTilePixels(tm)), coutPad / FLOAT_TILE_CHANNELS);
      const params = [
        ...geometryWords(g),
        k,
        coutPad,
        run.act,
        run.hasScale ? 1 : 0,
        run.hasBias ? 1 : 0,
        groups.x,
      ];
      callFor(tm).recordGroups(groups, params, [
        buffers.x,
        wBuffer,
        buffers.scale,
        buffers.bias,
        buffers.y,
      ]);
    },
  };
}
