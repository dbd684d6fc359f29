import type { GpuContext } from './gpu-kernel.js';
import { BINARIZE_WORDS, binarizeWordsWgsl } from './pa-conv2d-binarize-words-wgsl.js';
import { type HaloGeometry, haloConvWgsl, TILE_H, TILE_W } from './pa-conv2d-halo-wgsl.js';
import { popcountConvConstants, type TiledConvParts } from './pa-conv2d-popcount-consts.js';
import type { TiledRun } from './pa-conv2d-tiled.js';
import { grid3, KernelCall } from './recorder.js';

/** Channel lanes of a workgroup: 8 (64 channels) unless the layer has fewer channels. */
const channelLanes = (cout: number) => Math.min(8, Math.ceil(cout / 8));

/**
 * The halo conv of one node (groups 1) and its binarize (binarizeWordsWgsl: all N planes of a
 * word per invocation), or with `fused` the conv alone, binarizing its halo itself. Weights [r = (tap, word)][m][cout padded to the workgroup's 8 lanes
 * channels]; the epilogue constants are popcountConvConstants' for the taps x cin valid bits
 * every output counts (taps outside the input staged as 0 and corrected there).
 * `geometry` is compiled into the shader (the node's attributes: the same every run).
 */
export function prepareHaloConv(
  ctx: GpuContext,
  parts: TiledConvParts,
  geometry: HaloGeometry,
  binarizeConsts: { buffer: GPUBuffer; offThr: number; offLvl: number },
  fused = false,
) {
  const [, cout, kh, kw, cin] = parts.bits.shape;
  const lanes = channelLanes(cout);
  const block = 8 * lanes;
  const coutPad = Math.ceil(cout / block) * block;
  // the shader counts the valid bits only (taps x cin): no padding bits to take back
  const staged = kh * kw * cin;
  const { relaid, consts, offsets, offB, offCa } = popcountConvConstants(parts, coutPad, staged);
  const constBuffer = ctx.storage(consts);
  const weights = ctx.storage(relaid);
  const conv = new KernelCall(
    ctx.device,
    ctx.recorder,
    ctx.pipeline(haloConvWgsl(geometry, lanes, cout % 4 === 0, fused, cin % 32 === 0)),
  );
  const binarize = fused
    ? undefined
    : new KernelCall(
        ctx.device,
        ctx.recorder,
        ctx.pipeline(binarizeWordsWgsl(geometry.n, cin % 32 === 0)),
      );

  return {
    /** Records the binarize of x into planes and qsum, then the conv into y. */
    record(
      run: TiledRun,
      buffers: {
        x: GPUBuffer;
        planes: GPUBuffer;
        qsum: GPUBuffer;
        scale: GPUBuffer;
        bias: GPUBuffer;
        y: GPUBuffer;
      },
    ) {
      const g = run.geometry;
      if (binarize) {
        const words = g.batch * g.inH * g.inW * geometry.w32;
        const wordGroups = grid3(Math.ceil(words / BINARIZE_WORDS), 1);
        binarize.recordGroups(
          wordGroups,
          [words, g.cin, geometry.w32, wordGroups.x, binarizeConsts.offThr, binarizeConsts.offLvl],
          [binarizeConsts.buffer, buffers.x, buffers.planes, buffers.qsum],
        );
      }
      const tilesH = Math.ceil(g.outH / TILE_H);
      const tilesW = Math.ceil(g.outW / TILE_W);
      const groups = grid3(g.batch * tilesH * tilesW, coutPad / block);
      conv.recordGroups(
        groups,
        [
          g.batch,
          g.inH,
          g.inW,
          g.cin,
          g.cout,
          g.padTop,
          g.padLeft,
          g.outH,
          g.outW,
          run.act,
          run.hasScale ? 1 : 0,
          run.hasBias ? 1 : 0,
          coutPad,
          ...offsets,
          offB,
          offCa,
          groups.x,
          tilesW,
          tilesH,
          binarizeConsts.offThr,
          binarizeConsts.offLvl,
        ],
        [
          constBuffer,
          constBuffer,
          binarize ? buffers.planes : buffers.x,
          binarize ? buffers.qsum : binarizeConsts.buffer,
          weights,
          buffers.scale,
          buffers.bias,
          buffers.y,
        ],
      );
    },
  };
}
