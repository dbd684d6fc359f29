import type { Tensor } from '@pabnn/ir';
import type { GpuContext } from './gpu-kernel.js';
import {
  type PixelsPerInvocation,
  stagedSteps,
  TILE_CHANNELS,
  tiledConvWgsl,
  tilePixels,
} from './pa-conv2d-tiled-wgsl.js';
import { grid3, KernelCall } from './recorder.js';

/** What the tiled conv needs of a prepared PAConv2D (weights as stored, staircase decomposed). */
export interface TiledConvParts {
  bits: Tensor; // [M, cout, kh, kw, cin] packed
  scales: ArrayLike<number>; // [cout][M]
  offset: ArrayLike<number>; // [cout]
  perTap: ArrayLike<number>; // sum of Q_w per [cout][tap]
  fullSums: ArrayLike<number>; // per cout, over all taps
  coefficients: ArrayLike<number>; // b_n
  constant: number; // c_a
}

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

/**
 * The tiled multi-base conv of one node (groups 1): weights re-laid out as
 * [r = (tap, word)][m][cout padded to 32] so a tile's 32 channels are 8 adjacent vec4s, and the
 * per-channel constants of the epilogue. The shader sums S = sum_{m,n} a_m b_n sum (1 - 2 xor)
 * over every staged bit; the staged bits that are no valid (tap, channel) pair are taken back
 * here, as in docs/PA-METHOD.md ("Zero padding"):
 * - padding channels of a word and steps past the last are 0 in planes and weights: +1 each,
 *   E = 32 RC chunks - taps C of them, so S has sab E too much (sab = sum_m a_m sum_n b_n);
 * - a tap outside the input is staged as 0 bits: its C channels add sab C - 2 sumB aw_{o,t}
 *   with aw_{o,t} = sum_m a_{o,m} popcount(B_{m,o,t}); the sum of Q_w over the valid taps is
 *   the window's minus tapSum_{o,t}. Per invalid tap the shader adds
 *   fix_{o,t} = 2 sumB aw_{o,t} - sab C - c_a tapSum_{o,t}.
 * So y = c_a sumQw_window - sab E + c_w (sum Q_a - c_a k C) + S + sum_{t invalid} fix_{o,t}.
 */
export function prepareTiledConv(
  ctx: GpuContext,
  parts: TiledConvParts,
  ppi: PixelsPerInvocation = 2,
) {
  const [m, cout, kh, kw, cin] = parts.bits.shape;
  const n = parts.coefficients.length;
  const taps = kh * kw;
  const w32 = Math.ceil(cin / 32);
  const coutPad = Math.ceil(cout / TILE_CHANNELS) * TILE_CHANNELS;
  const src = parts.bits.data as Uint32Array;
  const relaid = new Uint32Array(taps * w32 * m * coutPad);
  const aw = new Float64Array(taps * coutPad);
  for (let j = 0; j < m; j++)
    for (let o = 0; o < cout; o++)
      for (let t = 0; t < taps; t++)
        for (let w = 0; w < w32; w++) {
          const word = src[((j * cout + o) * taps + t) * w32 + w];
          relaid[((t * w32 + w) * m + j) * coutPad + o] = word;
          aw[t * coutPad + o] += parts.scales[o * m + j] * popcount(word);
        }
  const rc = stagedSteps(m, n, taps * w32, ppi);
  const staged = Math.ceil((taps * w32) / rc) * rc * 32;
  const extra = staged - taps * cin; // E above
  let sumB = 0;
  for (let i = 0; i < n; i++) sumB += parts.coefficients[i];
  const ca = parts.constant;
  const a = new Float32Array(m * coutPad);
  const cw = new Float32Array(coutPad);
  const full = new Float32Array(coutPad);
  const fix = new Float32Array(taps * coutPad);
  for (let o = 0; o < cout; o++) {
    let sumA = 0;
    for (let j = 0; j < m; j++) {
      a[j * coutPad + o] = parts.scales[o * m + j];
      sumA += parts.scales[o * m + j];
    }
    cw[o] = parts.offset[o];
    const sab = sumA * sumB;
    full[o] = ca * parts.fullSums[o] - sab * extra;
    for (let t = 0; t < taps; t++)
      fix[t * coutPad + o] =
        2 * sumB * aw[t * coutPad + o] - sab * cin - ca * parts.perTap[o * taps + t];
  }
  // per-channel arrays first (lengths multiples of 4: vec4-aligned), the scalars last
  const arrays = [a, cw, full, fix];
  const offsets: number[] = [];
  let at = 0;
  for (const part of arrays) {
    offsets.push(at);
    at += part.length;
  }
  const consts = new Float32Array(at + n + 1);
  arrays.forEach((part, i) => consts.set(part, offsets[i]));
  consts.set(Array.from(parts.coefficients), at);
  consts[at + n] = ca;
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
        w32,
        run.act,
        run.hasScale ? 1 : 0,
        run.hasBias ? 1 : 0,
        coutPad,
        ...offsets,
        at,
        at + n,
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

function popcount(v: number): number {
  let count = 0;
  for (let x = v >>> 0; x; x &= x - 1) count++;
  return count;
}
