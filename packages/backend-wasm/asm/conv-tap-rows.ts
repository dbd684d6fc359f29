// The float conv for image stems (ResNet-18's 7x7 stride-2 3 -> 64 conv, ResNet-8's 3x3 1 -> 16):
// one group, at most FEW_INPUTS inputs, a multiple of 8 outputs, dilation 1 along the width
// (src/kernel-choice.ts sends these shapes here and says what measured them). With dilation 1,
// the taps (kx, c) of one kernel row are one run of kw * cin consecutive floats of the NHWC
// input, and the run of the next output pixel starts sw * cin floats later. So no im2col patch
// is gathered (conv2dPatches in conv-patches.ts copies every tap's few floats into a patch first):
// the register tile of 4 output pixels x 8 channels (eight f32x4 accumulators) sweeps the runs
// straight from the input, per tap value two weight vectors and four broadcasts for eight
// multiply-adds. Only the pixels whose window crosses the left or right edge take the one-pixel
// loop with the taps cut to the input; rows are cut to the input once per output row.

import { endTap, firstTap, param } from './conv-geometry';
import {
  BATCH,
  BIAS,
  CIN,
  COUT,
  DH,
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

/** acc + v * w */
@inline function madd(acc: v128, v: v128, w: v128): v128 {
  return f32x4.add(acc, f32x4.mul(v, w));
}

/** The bias of 4 channels at bp (0: none). */
@inline function biasAt(bp: usize, at: usize): v128 {
  return bp ? v128.load(bp + at) : f32x4.splat(0);
}

/**
 * One output pixel, 8 channels at o: its kernel rows [ky0, ky1) and columns [kx0, kx1), the
 * window cut to the input (zero padding adds nothing).
 */
@inline function onePixel(xRow0: usize, rowStride: usize, wt: usize, coutBytes: usize, kwCinCout: usize, bias: usize, yPix: usize, o: i32, ix0: i32, cin: i32, kw: i32, inW: i32, ky0: i32, ky1: i32): void {
  const kx0 = firstTap(ix0, 1, kw);
  const kx1 = max(kx0, endTap(ix0, 1, kw, inW));
  const ob = <usize>o << 2;
  const n = <usize>((kx1 - kx0) * cin) << 2;
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  for (let ky = ky0; ky < ky1; ky++) {
    let xp = xRow0 + <usize>(ky - ky0) * rowStride + ((<usize>((ix0 + kx0) * cin)) << 2);
    let wp = wt + <usize>ky * kwCinCout + <usize>(kx0 * cin) * coutBytes + ob;
    const end = xp + n;
    for (; xp < end; xp += 4) {
      const v = v128.load32_splat(xp);
      a0 = madd(a0, v, v128.load(wp));
      a1 = madd(a1, v, v128.load(wp, 16));
      wp += coutBytes;
    }
  }
  v128.store(yPix + ob, f32x4.add(a0, biasAt(bias, ob)));
  v128.store(yPix + ob, f32x4.add(a1, biasAt(bias, ob + 16)), 16);
}

/**
 * Weights [ky][kx][cin][cout] (src/kernels/conv2d.ts, one group), bias f32 [cout] or 0; the
 * conv geometry and output rows from the block at p (CONV_F32_PARAMS). cout % 8 == 0, dw == 1.
 */
export function conv2dTapRows(p: usize): void {
  const inH = param(p, IN_H);
  const inW = param(p, IN_W);
  const cin = param(p, CIN);
  const cout = param(p, COUT);
  const kh = param(p, KH);
  const kw = param(p, KW);
  const sh = param(p, SH);
  const sw = param(p, SW);
  const dh = param(p, DH);
  const padTop = param(p, PAD_TOP);
  const padLeft = param(p, PAD_LEFT);
  const outH = param(p, OUT_H);
  const outW = param(p, OUT_W);
  const x = <usize>param(p, X);
  const wt = <usize>param(p, WEIGHTS);
  const bias = <usize>param(p, BIAS);
  const y = <usize>param(p, Y);
  const coutBytes = <usize>cout << 2;
  const runBytes = <usize>(kw * cin) << 2; // one kernel row's taps in the input
  const kwCinCout = <usize>(kw * cin) * coutBytes; // one kernel row's weights
  const step = <usize>(sw * cin) << 2; // from one output pixel's run to the next one's
  const rowStride = (<usize>(dh * inW * cin)) << 2; // from one kernel row's run to the next
  // output columns whose whole window lies inside the input: [oxLo, oxHi)
  let oxLo = 0;
  while (oxLo < outW && oxLo * sw - padLeft < 0) oxLo++;
  let oxHi = outW;
  while (oxHi > oxLo && (oxHi - 1) * sw - padLeft + kw > inW) oxHi--;
  const rowEnd = min(param(p, ROW_END), param(p, BATCH) * outH);
  for (let row = param(p, ROW_BEGIN); row < rowEnd; row++) {
    const b = row / outH;
    const iy0 = (row % outH) * sh - padTop;
    const ky0 = firstTap(iy0, dh, kh);
    const ky1 = max(ky0, endTap(iy0, dh, kh, inH));
    // the input row of kernel row ky0 at column 0
    const xRow0 = x + ((<usize>((b * inH + iy0 + ky0 * dh) * inW * cin)) << 2);
    const yRow = y + <usize>(row * outW) * coutBytes;
    for (let o = 0; o < cout; o += 8) {
      const ob = <usize>o << 2;
      const wo = wt + <usize>ky0 * kwCinCout + ob;
      let ox = 0;
      for (; ox < oxLo; ox++) {
        onePixel(xRow0, rowStride, wt, coutBytes, kwCinCout, bias, yRow + <usize>ox * coutBytes, o, ox * sw - padLeft, cin, kw, inW, ky0, ky1);
      }
      for (; ox + 4 <= oxHi; ox += 4) {
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        let b0 = f32x4.splat(0);
        let b1 = f32x4.splat(0);
        let c0 = f32x4.splat(0);
        let c1 = f32x4.splat(0);
        let d0 = f32x4.splat(0);
        let d1 = f32x4.splat(0);
        let xk = xRow0 + ((<usize>((ox * sw - padLeft) * cin)) << 2);
        let wk = wo;
        for (let ky = ky0; ky < ky1; ky++) {
          let wp = wk;
          const end = xk + runBytes;
          for (let xp = xk; xp < end; xp += 4) {
            const w0 = v128.load(wp);
            const w1 = v128.load(wp, 16);
            let v = v128.load32_splat(xp);
            a0 = madd(a0, v, w0);
            a1 = madd(a1, v, w1);
            v = v128.load32_splat(xp + step);
            b0 = madd(b0, v, w0);
            b1 = madd(b1, v, w1);
            v = v128.load32_splat(xp + 2 * step);
            c0 = madd(c0, v, w0);
            c1 = madd(c1, v, w1);
            v = v128.load32_splat(xp + 3 * step);
            d0 = madd(d0, v, w0);
            d1 = madd(d1, v, w1);
            wp += coutBytes;
          }
          xk += rowStride;
          wk += kwCinCout;
        }
        const bv0 = biasAt(bias, ob);
        const bv1 = biasAt(bias, ob + 16);
        const at = yRow + <usize>ox * coutBytes + ob;
        v128.store(at, f32x4.add(a0, bv0));
        v128.store(at, f32x4.add(a1, bv1), 16);
        v128.store(at + coutBytes, f32x4.add(b0, bv0));
        v128.store(at + coutBytes, f32x4.add(b1, bv1), 16);
        v128.store(at + 2 * coutBytes, f32x4.add(c0, bv0));
        v128.store(at + 2 * coutBytes, f32x4.add(c1, bv1), 16);
        v128.store(at + 3 * coutBytes, f32x4.add(d0, bv0));
        v128.store(at + 3 * coutBytes, f32x4.add(d1, bv1), 16);
      }
      for (; ox < outW; ox++) {
        onePixel(xRow0, rowStride, wt, coutBytes, kwCinCout, bias, yRow + <usize>ox * coutBytes, o, ox * sw - padLeft, cin, kw, inW, ky0, ky1);
      }
    }
  }
}
