// Float kernels for the ops around the binary convs (stem and downsampling convs, BatchNorm,
// ReLU, residual adds), so a model's layers stay in wasm memory instead of running on js.
// NHWC activations; every argument is a byte offset into memory owned by the JS side.

import { conv2dFewInputs } from './conv-few-inputs';
import { conv2dPatches } from './conv-patches';
import { conv2dTapRows } from './conv-tap-rows';
import { CONV_FEW_INPUTS, CONV_PATCHES, CONV_TAP_ROWS } from './generated/kernel-codes';
import { endTap, firstTap, param } from './conv-geometry';
// conv2dF32()'s parameter block (CONV_F32_PARAMS in src/param-blocks.ts); threads split a conv
// by output rows [ROW_BEGIN, ROW_END), each with its own block and patches
import {
  BATCH,
  BIAS,
  CIN,
  COUT,
  DH,
  DW,
  GROUPS,
  IN_H,
  IN_W,
  KH,
  KW,
  OUT_H,
  OUT_W,
  PAD_LEFT,
  PAD_TOP,
  PATCHES,
  PATH,
  ROW_BEGIN,
  ROW_END,
  SH,
  SW,
  WEIGHTS,
  X,
  Y,
} from './generated/conv-f32-params';
// poolF32()'s (POOL_F32_PARAMS)
import * as P from './generated/pool-f32-params';


/**
 * One output pixel of a conv with one input and one output channel per group (a depthwise
 * conv, multiplier 1): weights [tap][c] (src/kernels/conv2d.ts lays them out so), four channels an
 * f32x4 step over the pixel's valid taps, the channels past a multiple of 4 one at a time.
 * The valid taps are a rectangle [ky0, ky1) x [kx0, kx1), found once per pixel.
 */
@inline function depthwisePixel(x: usize, wt: usize, bias: usize, yRow: usize, c: i32, b: i32, oy: i32, ox: i32, inH: i32, inW: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32): void {
  const iy0 = oy * sh - padTop;
  const ix0 = ox * sw - padLeft;
  const ky0 = firstTap(iy0, dh, kh);
  const ky1 = endTap(iy0, dh, kh, inH);
  const kx0 = firstTap(ix0, dw, kw);
  const kx1 = endTap(ix0, dw, kw, inW);
  let ch = 0;
  if (ASC_FEATURE_SIMD) {
    for (; ch + 4 <= c; ch += 4) {
      let acc = f32x4.splat(0);
      for (let ky = ky0; ky < ky1; ky++) {
        const iy = iy0 + ky * dh;
        for (let kx = kx0; kx < kx1; kx++) {
          const xv = v128.load(x + ((<usize>(((b * inH + iy) * inW + ix0 + kx * dw) * c + ch)) << 2));
          const wv = v128.load(wt + ((<usize>((ky * kw + kx) * c + ch)) << 2));
          acc = f32x4.add(acc, f32x4.mul(xv, wv));
        }
      }
      if (bias) acc = f32x4.add(acc, v128.load(bias + (<usize>ch << 2)));
      v128.store(yRow + (<usize>ch << 2), acc);
    }
  }
  for (; ch < c; ch++) {
    let acc: f32 = 0;
    for (let ky = ky0; ky < ky1; ky++) {
      const iy = iy0 + ky * dh;
      for (let kx = kx0; kx < kx1; kx++) {
        acc += load<f32>(x + ((<usize>(((b * inH + iy) * inW + ix0 + kx * dw) * c + ch)) << 2)) * load<f32>(wt + ((<usize>((ky * kw + kx) * c + ch)) << 2));
      }
    }
    if (bias) acc += load<f32>(bias + (<usize>ch << 2));
    store<f32>(yRow + (<usize>ch << 2), acc);
  }
}

/**
 * Direct grouped conv: for each output pixel and block of 8 output channels, two f32x4
 * accumulators sweep the valid taps and input channels (padded taps contribute nothing).
 */
export function conv2dF32(p: usize): void {
  // the host picks the path (src/kernel-choice.ts): narrow stems read the input directly
  // (conv-few-inputs.ts), wider stems sweep the input's tap runs (conv-tap-rows.ts); other
  // one-group convs reuse each weight over the 4 pixels of the im2col path
  const path = param(p, PATH);
  if (ASC_FEATURE_SIMD && path == CONV_FEW_INPUTS) {
    conv2dFewInputs(p);
    return;
  }
  if (ASC_FEATURE_SIMD && path == CONV_TAP_ROWS) {
    conv2dTapRows(p);
    return;
  }
  const patches = <usize>param(p, PATCHES);
  if (ASC_FEATURE_SIMD && path == CONV_PATCHES) {
    conv2dPatches(p, patches);
    return;
  }
  const batch = param(p, BATCH);
  const inH = param(p, IN_H);
  const inW = param(p, IN_W);
  const cin = param(p, CIN);
  const groups = param(p, GROUPS);
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
  const cinG = cin / groups;
  const coutG = cout / groups;
  const tapStride = <usize>cinG * coutG * 4; // bytes of one (ky, kx) weight slice of a group
  const groupStride = tapStride * kh * kw;
  const depthwise = cinG == 1 && coutG == 1;
  const rowEnd = min(param(p, ROW_END), batch * outH);
  for (let row = param(p, ROW_BEGIN); row < rowEnd; row++) {
    const b = row / outH;
    const oy = row % outH;
    for (let ox = 0; ox < outW; ox++) {
      const yRow = y + ((<usize>(row * outW + ox) * cout) << 2);
      if (depthwise) {
        depthwisePixel(x, wt, bias, yRow, cin, b, oy, ox, inH, inW, kh, kw, sh, sw, dh, dw, padTop, padLeft);
        continue;
      }
      for (let g = 0; g < groups; g++) {
        const wg = wt + <usize>g * groupStride;
        let o = 0;
        if (ASC_FEATURE_SIMD) {
          for (; o + 8 <= coutG; o += 8) {
            let acc0 = f32x4.splat(0);
            let acc1 = f32x4.splat(0);
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * sh - padTop + ky * dh;
              if (iy < 0 || iy >= inH) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * sw - padLeft + kx * dw;
                if (ix < 0 || ix >= inW) continue;
                let xp = x + ((<usize>(((b * inH + iy) * inW + ix) * cin + g * cinG)) << 2);
                let wp = wg + <usize>(ky * kw + kx) * tapStride + (<usize>o << 2);
                for (let c = 0; c < cinG; c++) {
                  const xv = f32x4.splat(load<f32>(xp));
                  acc0 = f32x4.add(acc0, f32x4.mul(xv, v128.load(wp)));
                  acc1 = f32x4.add(acc1, f32x4.mul(xv, v128.load(wp + 16)));
                  xp += 4;
                  wp += <usize>coutG << 2;
                }
              }
            }
            const at = yRow + (<usize>(g * coutG + o) << 2);
            v128.store(at, acc0);
            v128.store(at + 16, acc1);
          }
        }
        for (; o < coutG; o++) {
          let acc: f32 = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - padTop + ky * dh;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - padLeft + kx * dw;
              if (ix < 0 || ix >= inW) continue;
              let xp = x + ((<usize>(((b * inH + iy) * inW + ix) * cin + g * cinG)) << 2);
              let wp = wg + <usize>(ky * kw + kx) * tapStride + (<usize>o << 2);
              for (let c = 0; c < cinG; c++) {
                acc += load<f32>(xp) * load<f32>(wp);
                xp += 4;
                wp += <usize>coutG << 2;
              }
            }
          }
          store<f32>(yRow + (<usize>(g * coutG + o) << 2), acc);
        }
      }
      if (bias) {
        for (let o = 0; o < cout; o++) {
          const at = yRow + (<usize>o << 2);
          store<f32>(at, load<f32>(at) + load<f32>(bias + (<usize>o << 2)));
        }
      }
    }
  }
}

/** y = x * scale[c] + shift[c] over `pixels` rows of `c` channels (BatchNorm in inference). */
export function affineF32(x: usize, scale: usize, shift: usize, pixels: i32, c: i32, y: usize): void {
  for (let p = 0; p < pixels; p++) {
    const row = <usize>p * c * 4;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      for (; i + 4 <= c; i += 4) {
        const off = <usize>i << 2;
        v128.store(y + row + off, f32x4.add(f32x4.mul(v128.load(x + row + off), v128.load(scale + off)), v128.load(shift + off)));
      }
    }
    for (; i < c; i++) {
      const off = <usize>i << 2;
      store<f32>(y + row + off, load<f32>(x + row + off) * load<f32>(scale + off) + load<f32>(shift + off));
    }
  }
}

/** y = max(x, 0); NaN stays NaN (as the reference: x > 0 ? x : 0 would turn it into 0). */
export function reluF32(x: usize, n: i32, y: usize): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v < 0 ? 0 : v);
  }
}

/** y = a + b, b repeating every `bLen` values (bLen = n: same shape; = channels: a channel vector). */
export function addF32(a: usize, b: usize, n: i32, bLen: i32, y: usize): void {
  for (let i = 0; i < n; i += bLen) {
    const row = <usize>i << 2;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= bLen; j += 4) {
        const off = <usize>j << 2;
        v128.store(y + row + off, f32x4.add(v128.load(a + row + off), v128.load(b + off)));
      }
    }
    for (; j < bLen; j++) {
      const off = <usize>j << 2;
      store<f32>(y + row + off, load<f32>(a + row + off) + load<f32>(b + off));
    }
  }
}

/** y = min(max(x, lo), hi); NaN stays NaN (f32.min/max propagate it). */
export function clipF32(x: usize, n: i32, lo: f32, hi: f32, y: usize): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, min<f32>(max<f32>(load<f32>(x + at), lo), hi));
  }
}


/**
 * Max or average pooling, NHWC: per output pixel, the first valid tap's channel row is copied
 * and every further tap folded in channel-wise (four channels a step with SIMD).
 */
export function poolF32(p: usize): void {
  const batch = param(p, P.BATCH);
  const inH = param(p, P.IN_H);
  const inW = param(p, P.IN_W);
  const c = param(p, P.C);
  const kh = param(p, P.KH);
  const kw = param(p, P.KW);
  const sh = param(p, P.SH);
  const sw = param(p, P.SW);
  const padTop = param(p, P.PAD_TOP);
  const padLeft = param(p, P.PAD_LEFT);
  const outH = param(p, P.OUT_H);
  const outW = param(p, P.OUT_W);
  const mode = param(p, P.MODE);
  const x = <usize>param(p, P.X);
  const y = <usize>param(p, P.Y);
  const rowBytes = <usize>c << 2;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const yRow = y + <usize>((b * outH + oy) * outW + ox) * rowBytes;
        let count = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padTop + ky;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - padLeft + kx;
            if (ix < 0 || ix >= inW) continue;
            const xRow = x + <usize>((b * inH + iy) * inW + ix) * rowBytes;
            if (count++ == 0) {
              memory.copy(yRow, xRow, rowBytes);
              continue;
            }
            let ch = 0;
            if (ASC_FEATURE_SIMD) {
              for (; ch + 4 <= c; ch += 4) {
                const off = <usize>ch << 2;
                const a = v128.load(yRow + off);
                const v = v128.load(xRow + off);
                v128.store(yRow + off, mode == 0 ? f32x4.max(a, v) : f32x4.add(a, v));
              }
            }
            for (; ch < c; ch++) {
              const off = <usize>ch << 2;
              const a = load<f32>(yRow + off);
              const v = load<f32>(xRow + off);
              store<f32>(yRow + off, mode == 0 ? max<f32>(a, v) : a + v);
            }
          }
        }
        // no tap inside: -Infinity for max, 0 / 0 for the average over valid taps
        if (count == 0) {
          for (let ch = 0; ch < c; ch++) store<f32>(yRow + (<usize>ch << 2), mode == 0 ? -Infinity : 0);
        }
        if (mode != 0) {
          const inv: f32 = mode == 1 ? <f32>1 / <f32>count : <f32>1 / <f32>(kh * kw);
          for (let ch = 0; ch < c; ch++) {
            const at = yRow + (<usize>ch << 2);
            store<f32>(at, load<f32>(at) * inv);
          }
        }
      }
    }
  }
}

/** Mean over the `pixels` rows of each batch item: [batch, pixels, c] -> [batch, c]. */
export function globalAvgPoolF32(x: usize, batch: i32, pixels: i32, c: i32, y: usize): void {
  for (let b = 0; b < batch; b++) {
    const out = y + ((<usize>b * c) << 2);
    memory.fill(out, 0, <usize>c << 2);
    for (let p = 0; p < pixels; p++) {
      const row = x + ((<usize>(b * pixels + p) * c) << 2);
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        for (; i + 4 <= c; i += 4) {
          const off = <usize>i << 2;
          v128.store(out + off, f32x4.add(v128.load(out + off), v128.load(row + off)));
        }
      }
      for (; i < c; i++) {
        const off = <usize>i << 2;
        store<f32>(out + off, load<f32>(out + off) + load<f32>(row + off));
      }
    }
    const inv: f32 = 1 / <f32>pixels;
    for (let i = 0; i < c; i++) {
      const off = <usize>i << 2;
      store<f32>(out + off, load<f32>(out + off) * inv);
    }
  }
}

/** y = x W^T + bias with W re-laid as [in][out] (outputs innermost, 4 per f32x4). */
export function denseF32(x: usize, wt: usize, bias: usize, batch: i32, inF: i32, outF: i32, y: usize): void {
  for (let b = 0; b < batch; b++) {
    const out = y + ((<usize>b * outF) << 2);
    if (bias) memory.copy(out, bias, <usize>outF << 2);
    else memory.fill(out, 0, <usize>outF << 2);
    const xr = x + ((<usize>b * inF) << 2);
    for (let i = 0; i < inF; i++) {
      const xv = load<f32>(xr + (<usize>i << 2));
      const wr = wt + ((<usize>i * outF) << 2);
      let o = 0;
      if (ASC_FEATURE_SIMD) {
        const xs = f32x4.splat(xv);
        for (; o + 4 <= outF; o += 4) {
          const off = <usize>o << 2;
          v128.store(out + off, f32x4.add(v128.load(out + off), f32x4.mul(xs, v128.load(wr + off))));
        }
      }
      for (; o < outF; o++) {
        const off = <usize>o << 2;
        store<f32>(out + off, load<f32>(out + off) + xv * load<f32>(wr + off));
      }
    }
  }
}
