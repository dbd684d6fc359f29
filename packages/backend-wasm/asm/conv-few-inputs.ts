// The float conv for narrow stems: one group, at most FEW_INPUTS input channels (a grayscale
// or RGB image) and FEW_OUTPUTS output channels, a multiple of 4 but not of 8, which take
// conv-tap-rows.ts (src/kernel-choice.ts, which sends these shapes here, says what measured the
// cutoffs). conv2dF32's im2col path (float-ops.ts) copies a patch of kh * kw * cin floats per
// pixel, which for cin = 1 is one tap-bounds test and one copy per multiply-add: on ResNet-8's
// 28x28 stem it cost more than the convolution. Here one output pixel's channels sit in four f32x4 accumulators and the
// valid taps (a rectangle, found once per pixel) are read straight from the input.

import { endTap, firstTap, param } from './conv-geometry';
import {
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

/** acc += x * w for the four vectors of weights at wp (16 channels). */
@inline function madd(acc: v128, x: v128, wp: usize, at: usize): v128 {
  return f32x4.add(acc, f32x4.mul(x, v128.load(wp + at)));
}

/**
 * Weights [ky][kx][cin][cout] (src/kernels/conv2d.ts, one group), bias f32 [cout] or 0; the
 * conv geometry and output rows from the block at p (CONV_F32_PARAMS).
 */
export function conv2dFewInputs(p: usize): void {
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
  const y = <usize>param(p, Y);
  const tapBytes = <usize>(cin * cout) << 2; // one (ky, kx) slice of the weights
  const coutBytes = <usize>cout << 2;
  const rowEnd = min(param(p, ROW_END), param(p, BATCH) * outH);
  for (let row = param(p, ROW_BEGIN); row < rowEnd; row++) {
    const b = row / outH;
    const iy0 = (row % outH) * sh - padTop;
    // taps outside the input add nothing (zero padding): only [ky0, ky1) x [kx0, kx1) is read
    const ky0 = firstTap(iy0, dh, kh);
    const ky1 = max(ky0, endTap(iy0, dh, kh, inH));
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * sw - padLeft;
      const kx0 = firstTap(ix0, dw, kw);
      const kx1 = max(kx0, endTap(ix0, dw, kw, inW));
      const yPix = y + <usize>(row * outW + ox) * coutBytes;
      let o = 0;
      for (; o < cout; o += 16) {
        // a block of 4, 8 or 12 channels leaves the accumulators past them unused
        const lanes = min(16, cout - o);
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        let a2 = f32x4.splat(0);
        let a3 = f32x4.splat(0);
        for (let ky = ky0; ky < ky1; ky++) {
          const iy = iy0 + ky * dh;
          for (let kx = kx0; kx < kx1; kx++) {
            const xp = x + ((<usize>((b * inH + iy) * inW + ix0 + kx * dw) * cin) << 2);
            let wp = wt + <usize>(ky * kw + kx) * tapBytes + (<usize>o << 2);
            for (let c = 0; c < cin; c++) {
              const v = v128.load32_splat(xp + (<usize>c << 2));
              a0 = madd(a0, v, wp, 0);
              if (lanes > 4) a1 = madd(a1, v, wp, 16);
              if (lanes > 8) a2 = madd(a2, v, wp, 32);
              if (lanes > 12) a3 = madd(a3, v, wp, 48);
              wp += coutBytes;
            }
          }
        }
        const at = yPix + (<usize>o << 2);
        const bp = bias + (<usize>o << 2);
        v128.store(at, bias ? f32x4.add(a0, v128.load(bp)) : a0);
        if (lanes > 4) v128.store(at, bias ? f32x4.add(a1, v128.load(bp, 16)) : a1, 16);
        if (lanes > 8) v128.store(at, bias ? f32x4.add(a2, v128.load(bp, 32)) : a2, 32);
        if (lanes > 12) v128.store(at, bias ? f32x4.add(a3, v128.load(bp, 48)) : a3, 48);
      }
    }
  }
}
