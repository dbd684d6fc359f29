import type { GpuContext } from './gpu-kernel.js';
import { popcountConvConstants, type TiledConvParts } from './pa-conv2d-popcount-consts.js';
import {
  type PixelsPerInvocation,
  stagedSteps,
  TILE_CHANNELS,
  tiledConvWgsl,
  tilePixels,
} from './pa-conv2d-tiled-wgsl.js';
import { grid3, KernelCall } from './recorder.js';

/** The geometry and epilogue flags of one run, in the order of the shader's Params. */
export interface TiledRun {
  geometry: {
    batch: number;
    inH: number;
    inW: number;
    cin: number;
    cout: number;
    kh: number;
    kw: number;
    sh: number;
    sw: number;
    dh: number;
    dw: number;
    padTop: number;
    padLeft: number;
    outH: number;
    outW: number;
  };
  act: number;
  hasScale: boolean;
  hasBias: boolean;
}

export type { TiledConvParts };

/** A run's geometry in the order the tiled shaders' Params start with (batch ... outW). */
export const geometryWords = (g: TiledRun['geometry']): number[] => [
  g.batch,
  g.inH,
  g.inW,
  g.cin,
  g.cout,
  g.kh,
  g.kw,
  g.sh,
  g.sw,
  g.dh,
  g.dw,
  g.padTop,
  g.padLeft,
  g.outH,
  g.outW,
];

/**
 * The tiled multi-base conv of one node (groups 1): weights re-laid out as
 * [r = (tap, word)][m][cout padded to 32] so a tile's 32 channels are 8 adjacent vec4s, and the
 * per-channel constants of the epilogue (popcountConvConstants, whose comment has the border
 * correction; the shader counts the taps x cin valid bits, no padding: see signedSum).
 */
export function prepareTiledConv(
  ctx: GpuContext,
  parts: TiledConvParts,
  ppi: PixelsPerInvocation = 2,
) {
  const [m, cout, kh, kw, cin] = parts.bits.shape;
  const n = parts.coefficients.length;
  const w32 = Math.ceil(cin / 32);
  const coutPad = Math.ceil(cout / TILE_CHANNELS) * TILE_CHANNELS;
  const rc = stagedSteps(m, n, kh * kw * w32, ppi);
  // the shader counts the valid bits only (taps x cin, signedSum): no padding bits to take back
  const staged = kh * kw * cin;
  const { relaid, consts, offsets, offB, offCa } = popcountConvConstants(parts, coutPad, staged);
  const constBuffer = ctx.storage(consts);
  const weights = ctx.storage(relaid);
  const call = new KernelCall(ctx.device, ctx.recorder, ctx.pipeline(tiledConvWgsl(m, n, rc, ppi)));

  return {
    /** Records the conv from the binarized planes and qsum into y. */
    record(
      run: TiledRun,
      buffers: {
        planes: GPUBuffer;
        qsum: GPUBuffer;
        scale: GPUBuffer;
        bias: GPUBuffer;
        y: GPUBuffer;
      },
    ) {
      const g = run.geometry;
      const tiles = Math.ceil((g.batch * g.outH * g.outW) / tilePixels(ppi));
      const groups = grid3(tiles, coutPad / TILE_CHANNELS);
      const params = [
        ...geometryWords(g),
        w32,
        run.act,
        run.hasScale ? 1 : 0,
        run.hasBias ? 1 : 0,
        coutPad,
        ...offsets,
        offB,
        offCa,
        groups.x,
      ];
      call.recordGroups(groups, params, [
        constBuffer,
        constBuffer,
        buffers.planes,
        buffers.qsum,
        weights,
        buffers.scale,
        buffers.bias,
        buffers.y,
      ]);
    },
  };
}
