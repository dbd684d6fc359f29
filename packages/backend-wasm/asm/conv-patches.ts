// The float conv for one-group convs past the stems (ResNet's 3x3 and 1x1 layers, and the
// dequantized path of PAConv2D, src/pa-conv-dequantized.ts): the im2col patches of four output
// pixels are gathered (zeros outside the input), then each block of 8 output channels is a
// sweep over the patch length with 4 pixels x 8 channels in eight f32x4 accumulators: per patch
// value, two weight vectors and four broadcasts feed eight multiply-adds, and no tap bound is
// tested inside the sweep.
//
// Layouts, so that every load of the sweep sits at a constant offset from one of two pointers
// that step by constants (a wasm load takes only a constant offset: a pixel's patch at a
// run-time distance cost an address add per broadcast):
//   patches [k][4 pixels] f32: value k of the four pixels side by side (the gather transposes
//     4 x 4 blocks of the pixels' channels);
//   weights [block of 8][k][8] f32, then the channels past the last whole block as [k][rest]
//     (src/float-conv.ts lays them out for this path).
// Against the former layouts ([pixel][k] patches, [k][cout] weights, the broadcasts at a
// run-time patch distance), both builds interleaved in one process, 1 thread
// (apps/bench/scripts/wasm-ab.mjs): Fashion-MNIST ResNet-8 float 1.10-1.13x faster, PA 4x5 (every
// layer on this kernel) 1.11-1.12x, PA 3x3 1.10-1.12x, same outputs bit for bit.
// The one path of conv2dF32 that applies the block's `act` (PAConv2D's dequantized path fuses
// its activation here; Conv2D passes 0).

import { activate, activate4 } from './activation';
import { param } from './conv-geometry';
import {
  ACT,
  BATCH,
  BIAS,
  CIN,
  COUT,
  DH,
  DW,
  IN_H,
  IN_W,
  KH,
  KW,
  OUT_H,
  OUT_W,
  PAD_LEFT,
  PAD_TOP,
  ROW_BEGIN,
  ROW_END,
  SH,
  SW,
  WEIGHTS,
  X,
  Y,
} from './generated/conv-f32-params';

/** The input pixel's channels, or 0 for a tap outside the input (zero padding). */
@inline function tapAt(x: usize, b: i32, iy: i32, ix: i32, inH: i32, inW: i32, cin: i32): usize {
  return iy < 0 || iy >= inH || ix < 0 || ix >= inW ? 0 : x + ((<usize>((b * inH + iy) * inW + ix) * cin) << 2);
}

@inline function load4(src: usize, off: usize): v128 {
  return src ? v128.load(src + off) : f32x4.splat(0);
}

@inline function load1(src: usize, off: usize): f32 {
  return src ? load<f32>(src + off) : 0;
}

/**
 * Writes one tap's channels of the four pixels (s0..s3, 0 outside the input) into the patches
 * at `dst` as [c][4], four channels at a time through a 4 x 4 transpose; returns the end.
 */
@inline function gatherTap(dst: usize, s0: usize, s1: usize, s2: usize, s3: usize, cin: i32): usize {
  let c = 0;
  for (; c + 4 <= cin; c += 4) {
    const off = <usize>c << 2;
    const r0 = load4(s0, off), r1 = load4(s1, off), r2 = load4(s2, off), r3 = load4(s3, off);
    const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
    const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
    const lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    v128.store(dst, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
    v128.store(dst, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7), 16);
    v128.store(dst, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5), 32);
    v128.store(dst, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7), 48);
    dst += 64;
  }
  for (; c < cin; c++) {
    const off = <usize>c << 2;
    store<f32>(dst, load1(s0, off));
    store<f32>(dst, load1(s1, off), 4);
    store<f32>(dst, load1(s2, off), 8);
    store<f32>(dst, load1(s3, off), 12);
    dst += 16;
  }
  return dst;
}

/** y = act(acc + bias) for four channels of one pixel. */
@inline function store4(at: usize, acc: v128, bias: v128, act: i32): void {
  v128.store(at, activate4(f32x4.add(acc, bias), act));
}

export function conv2dPatches(p: usize, patches: usize): void {
  const inH = param(p, IN_H);
  const inW = param(p, IN_W);
  const cin = param(p, CIN);
  const cout = param(p, COUT);
  const kh = param(p, KH);
  const kw = param(p, KW);
  const sh = param(p, SH);
  const sw = param(p, SW);
  const dh = param(p, DH);
  const dw = param(p, DW);
  const padTop = param(p, PAD_TOP);
  const padLeft = param(p, PAD_LEFT);
  const outH = param(p, OUT_H);
  const outW = param(p, OUT_W);
  const x = <usize>param(p, X);
  const wt = <usize>param(p, WEIGHTS);
  const bias = <usize>param(p, BIAS);
  const act = param(p, ACT);
  const y = <usize>param(p, Y);
  const k = kh * kw * cin; // patch length
  const end = patches + (<usize>k << 4);
  const blockBytes = <usize>k << 5; // one block's weights: k x 8 floats
  const cout8 = cout & ~7;
  const rest = cout - cout8;
  const restWeights = wt + <usize>(cout8 >> 3) * blockBytes;
  const pixelBytes = <usize>cout << 2;
  const rowEnd = min(param(p, ROW_END), param(p, BATCH) * outH);
  for (let row = param(p, ROW_BEGIN); row < rowEnd; row++) {
    const b = row / outH;
    const oy = row % outH;
    for (let ox = 0; ox < outW; ox += 4) {
      // pixels past the row's end repeat its last one and are not stored
      const x0 = ox * sw - padLeft;
      const x1 = min(ox + 1, outW - 1) * sw - padLeft;
      const x2 = min(ox + 2, outW - 1) * sw - padLeft;
      const x3 = min(ox + 3, outW - 1) * sw - padLeft;
      let dst = patches;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - padTop + ky * dh;
        for (let kx = 0; kx < kw; kx++) {
          const dx = kx * dw;
          dst = gatherTap(dst, tapAt(x, b, iy, x0 + dx, inH, inW, cin), tapAt(x, b, iy, x1 + dx, inH, inW, cin), tapAt(x, b, iy, x2 + dx, inH, inW, cin), tapAt(x, b, iy, x3 + dx, inH, inW, cin), cin);
        }
      }
      const live = min(4, outW - ox);
      const yRow = y + ((<usize>(row * outW + ox) * cout) << 2);
      let wp = wt;
      for (let o = 0; o < cout8; o += 8) {
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        let b0 = f32x4.splat(0);
        let b1 = f32x4.splat(0);
        let c0 = f32x4.splat(0);
        let c1 = f32x4.splat(0);
        let d0 = f32x4.splat(0);
        let d1 = f32x4.splat(0);
        // one patch value a step: unrolled by two, V8 spilled (0.67x, both builds interleaved)
        for (let xp = patches; xp < end; xp += 16) {
          const w0 = v128.load(wp);
          const w1 = v128.load(wp, 16);
          let v = v128.load32_splat(xp);
          a0 = f32x4.add(a0, f32x4.mul(v, w0));
          a1 = f32x4.add(a1, f32x4.mul(v, w1));
          v = v128.load32_splat(xp, 4);
          b0 = f32x4.add(b0, f32x4.mul(v, w0));
          b1 = f32x4.add(b1, f32x4.mul(v, w1));
          v = v128.load32_splat(xp, 8);
          c0 = f32x4.add(c0, f32x4.mul(v, w0));
          c1 = f32x4.add(c1, f32x4.mul(v, w1));
          v = v128.load32_splat(xp, 12);
          d0 = f32x4.add(d0, f32x4.mul(v, w0));
          d1 = f32x4.add(d1, f32x4.mul(v, w1));
          wp += 32;
        }
        const bv0 = bias ? v128.load(bias + (<usize>o << 2)) : f32x4.splat(0);
        const bv1 = bias ? v128.load(bias + (<usize>o << 2), 16) : f32x4.splat(0);
        const at = yRow + (<usize>o << 2);
        store4(at, a0, bv0, act);
        store4(at + 16, a1, bv1, act);
        if (live > 1) {
          store4(at + pixelBytes, b0, bv0, act);
          store4(at + pixelBytes + 16, b1, bv1, act);
        }
        if (live > 2) {
          store4(at + 2 * pixelBytes, c0, bv0, act);
          store4(at + 2 * pixelBytes + 16, c1, bv1, act);
        }
        if (live > 3) {
          store4(at + 3 * pixelBytes, d0, bv0, act);
          store4(at + 3 * pixelBytes + 16, d1, bv1, act);
        }
      }
      // the channels past the last block of 8, one at a time (weights [k][rest])
      for (let r = 0; r < rest; r++) {
        const o = cout8 + r;
        for (let q = 0; q < live; q++) {
          let acc: f32 = bias ? load<f32>(bias + (<usize>o << 2)) : 0;
          for (let i = 0; i < k; i++) acc += load<f32>(patches + ((<usize>i << 4) + (<usize>q << 2))) * load<f32>(restWeights + ((<usize>i * rest + r) << 2));
          store<f32>(yRow + ((<usize>q * cout + o) << 2), activate(acc, act));
        }
      }
    }
  }
}
