// PA binary convolution kernels in AssemblyScript, compiled twice (scripts/build-wasm.mjs):
// with SIMD (v128 XOR + i8x16.popcnt when a row has several 64-bit words) and without.
// Memory is owned by the JS side (src/wasm-memory.ts): every argument is a byte offset.
//
// Bit layout inside the kernel: channels packed 64 to a u64, bit 1 = -1.
// Activation planes: [pixel][group][n][w64]. binarize() serves every PAConv2D; conv() runs the
// grouped ones (one-group convs run pa-conv-tiled.ts). Its weights (re-laid out in prepare):
// [o][m][tap][w64], so one (output channel, base) is a contiguous row over all taps.

import { param } from './conv-geometry';
// conv()'s parameter block (PA_GROUPED_PARAMS in src/param-blocks.ts, which documents each field)
import {
  A,
  ACT,
  B,
  BATCH,
  BIAS,
  CA,
  CIN,
  COUT,
  CW,
  DH,
  DW,
  FULL_TAP_SUM,
  GROUPS,
  IN_H,
  IN_W,
  KH,
  KW,
  M,
  N,
  OUT,
  OUT_H,
  OUT_W,
  PAD_LEFT,
  PAD_TOP,
  PLANES,
  QSUM,
  ROW_BEGIN,
  ROW_END,
  SCALE,
  SCRATCH,
  SH,
  SW,
  TAP_SUM,
  W64,
  WEIGHTS,
} from './generated/pa-grouped-params';

/**
 * Thermometer code of x (NHWC float32): plane j has bit 1 where NOT x >= t_j (NaN: every bit),
 * and qsum[pixel][group] = sum over the group's channels of Q_a(x). Q_a(x) = c + sum_j b_j s_j
 * with s_j = 1 - 2 bit_j (staircase.ts, decompose), so the sum comes from the plane popcounts:
 * qsum = C c + sum_j b_j (C - 2 popcount(plane_j)); coef = f64 [c, b_0 .. b_{n-1}].
 */
export function binarize(x: usize, pixels: i32, cin: i32, groups: i32, n: i32, thr: usize, coef: usize, planes: usize, qsum: usize): void {
  const cinG = cin / groups;
  const w64 = (cinG + 63) >> 6;
  const ca = load<f64>(coef);
  for (let pix = 0; pix < pixels; pix++) {
    const row = x + ((<usize>pix * cin) << 2);
    for (let g = 0; g < groups; g++) {
      const base = planes + (<usize>pix * groups + g) * n * w64 * 8;
      let qs = <f64>cinG * ca;
      for (let j = 0; j < n; j++) {
        const t = load<f32>(thr + (<usize>j << 2));
        let ones = 0;
        // each plane word is built in a register over its (up to) 64 channels and stored once
        for (let word = 0; word < w64; word++) {
          const c0 = row + (<usize>(g * cinG + (word << 6)) << 2);
          const count = min(64, cinG - (word << 6));
          let bits: u64 = 0;
          let b = 0;
          if (ASC_FEATURE_SIMD) {
            // the sign bits of (x >= t), inverted below: sixteen channels a bitmask (four
            // compares narrowed to one i8x16: saturating narrows keep -1 and 0), then four
            const tv = f32x4.splat(t);
            let ge: u64 = 0;
            for (; b + 16 <= count; b += 16) {
              const at = c0 + (<usize>b << 2);
              const lo = i16x8.narrow_i32x4_s(f32x4.ge(v128.load(at), tv), f32x4.ge(v128.load(at, 16), tv));
              const hi = i16x8.narrow_i32x4_s(f32x4.ge(v128.load(at, 32), tv), f32x4.ge(v128.load(at, 48), tv));
              ge |= (<u64>i8x16.bitmask(i8x16.narrow_i16x8_s(lo, hi))) << (<u64>b);
            }
            for (; b + 4 <= count; b += 4) {
              ge |= (<u64>i32x4.bitmask(f32x4.ge(v128.load(c0 + (<usize>b << 2)), tv))) << (<u64>b);
            }
            bits = b == 64 ? ~ge : ~ge & ((<u64>1 << (<u64>b)) - 1);
          }
          for (; b < count; b++) {
            // NOT (x >= t): also 1 for NaN
            const below = !(load<f32>(c0 + (<usize>b << 2)) >= t);
            bits |= (<u64>below) << (<u64>b);
          }
          ones += <i32>popcnt<u64>(bits);
          store<u64>(base + (<usize>j * w64 + word) * 8, bits);
        }
        qs += load<f64>(coef + (<usize>(j + 1) << 3)) * <f64>(cinG - 2 * ones);
      }
      store<f64>(qsum + ((<usize>pix * groups + g) << 3), qs);
    }
  }
}

/** Copies `words` u64 words (w64 is small: a call to memory.copy costs more than the copy). */
@inline function copyWords(dst: usize, src: usize, words: i32): void {
  for (let i = 0; i < words; i++) store<u64>(dst + (<usize>i << 3), load<u64>(src + (<usize>i << 3)));
}

@inline function popcountRow(h: usize, w: usize, words: i32): i32 {
  let pop = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD && words >= 32) {
    // byte counts accumulate in one vector (at most 8 per byte per step: 31 steps fit in a u8)
    let bytes = i8x16.splat(0);
    let steps = 0;
    for (; i + 2 <= words; i += 2) {
      bytes = i8x16.add(bytes, i8x16.popcnt(v128.xor(v128.load(h + (<usize>i << 3)), v128.load(w + (<usize>i << 3)))));
      if (++steps == 31) {
        pop += reduce(bytes);
        bytes = i8x16.splat(0);
        steps = 0;
      }
    }
    pop += reduce(bytes);
  }
  for (; i < words; i++) pop += <i32>popcnt<u64>(load<u64>(h + (<usize>i << 3)) ^ load<u64>(w + (<usize>i << 3)));
  return pop;
}

@inline function reduce(bytes: v128): i32 {
  const quads = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(bytes));
  return i32x4.extract_lane(quads, 0) + i32x4.extract_lane(quads, 1) + i32x4.extract_lane(quads, 2) + i32x4.extract_lane(quads, 3);
}

@inline function activate(v: f64, act: i32): f64 {
  if (act == 1) return v > 0 ? v : 0;
  if (act == 2) return v < -1 ? -1 : v > 1 ? 1 : v;
  return v;
}

/**
 * y = act(scale * conv(zeroPad(Q_a(x)), Q_w) + bias) from the activation planes: for each output
 * pixel the valid taps are listed once, and over them
 *   y = c_a sum Q_w + c_w (sum Q_a - c_a K C) + sum_{m,n} a_m b_n (K C - 2 popcount(H_n xor B_m)).
 */
export function conv(p: usize): void {
  const batch = param(p, BATCH);
  const inH = param(p, IN_H);
  const inW = param(p, IN_W);
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
  const m = param(p, M);
  const n = param(p, N);
  const w64 = param(p, W64);
  const act = param(p, ACT);
  const planes = <usize>param(p, PLANES);
  const qsum = <usize>param(p, QSUM);
  const wbits = <usize>param(p, WEIGHTS);
  const aPtr = <usize>param(p, A);
  const cwPtr = <usize>param(p, CW);
  const tapSum = <usize>param(p, TAP_SUM);
  const bPtr = <usize>param(p, B);
  const ca = load<f64>(<usize>param(p, CA));
  const scale = <usize>param(p, SCALE);
  const bias = <usize>param(p, BIAS);
  const out = <usize>param(p, OUT);
  const scratch = <usize>param(p, SCRATCH);
  const taps = kh * kw;
  const cinG = param(p, CIN) / groups;
  const coutG = cout / groups;
  const tapIdx = scratch; // i32 [taps]
  const pixIdx = scratch + (<usize>taps << 2); // i32 [taps]
  const boxQa = scratch + (<usize>taps << 3); // f64 [groups]
  const pops = boxQa + (<usize>groups << 3); // i32 [m * n]
  const hRow = (pops + (<usize>m * n * 4) + 15) & ~(<usize>15); // u64 [n][taps][w64], gathered
  const fullTapSum = <usize>param(p, FULL_TAP_SUM);
  const planeStride = <usize>n * w64 * 8; // one pixel+group in the planes
  const rowWords = taps * w64; // one (o, m) weight row / one gathered activation row
  const rowBytes = <usize>rowWords * 8;
  const rowEnd = min(param(p, ROW_END), batch * outH);
  for (let row = param(p, ROW_BEGIN); row < rowEnd; row++) {
    const bi = row / outH;
    const oy = row % outH;
    for (let ox = 0; ox < outW; ox++) {
      let k = 0;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - padTop + ky * dh;
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - padLeft + kx * dw;
          if (ix < 0 || ix >= inW) continue;
          store<i32>(tapIdx + (<usize>k << 2), ky * kw + kx);
          store<i32>(pixIdx + (<usize>k << 2), (bi * inH + iy) * inW + ix);
          k++;
        }
      }
      const interior = k == taps;
      const kc = <f64>(k * cinG);
      for (let g = 0; g < groups; g++) {
        let s = 0.0;
        for (let t = 0; t < k; t++) s += load<f64>(qsum + ((<usize>load<i32>(pixIdx + (<usize>t << 2)) * groups + g) << 3));
        store<f64>(boxQa + (<usize>g << 3), s);
      }
      const yBase = out + ((<usize>((bi * outH + oy) * outW + ox) * cout) << 2);
      let gathered = -1; // the group whose activation rows sit in hRow
      for (let o = 0; o < cout; o++) {
        const g = o / coutG;
        const cwo = load<f64>(cwPtr + (<usize>o << 3));
        const bq = load<f64>(boxQa + (<usize>g << 3));
        const wRow = wbits + <usize>o * m * rowBytes;
        let acc: f64;
        if (interior) {
          // every tap is inside: gather the pixel's activation rows once per group, then each
          // (o, m, n) is one contiguous popcount over taps * w64 words
          if (g != gathered) {
            for (let t = 0; t < taps; t++) {
              const src = planes + (<usize>load<i32>(pixIdx + (<usize>t << 2)) * groups + g) * planeStride;
              for (let nn = 0; nn < n; nn++) {
                copyWords(hRow + (<usize>nn * rowWords + <usize>t * w64) * 8, src + <usize>nn * w64 * 8, w64);
              }
            }
            gathered = g;
          }
          acc = ca * load<f64>(fullTapSum + (<usize>o << 3)) + cwo * (bq - ca * kc);
          for (let mm = 0; mm < m; mm++) {
            const am = load<f64>(aPtr + ((<usize>o * m + mm) << 3));
            for (let nn = 0; nn < n; nn++) {
              const pop = popcountRow(hRow + <usize>nn * rowBytes, wRow + <usize>mm * rowBytes, rowWords);
              acc += am * load<f64>(bPtr + (<usize>nn << 3)) * (kc - 2 * <f64>pop);
            }
          }
        } else {
          let sumQw = 0.0;
          for (let t = 0; t < k; t++) sumQw += load<f64>(tapSum + ((<usize>o * taps + load<i32>(tapIdx + (<usize>t << 2))) << 3));
          acc = ca * sumQw + cwo * (bq - ca * kc);
          memory.fill(pops, 0, <usize>m * n * 4);
          for (let t = 0; t < k; t++) {
            const h = planes + (<usize>load<i32>(pixIdx + (<usize>t << 2)) * groups + g) * planeStride;
            const tapOffset = <usize>load<i32>(tapIdx + (<usize>t << 2)) * w64 * 8;
            for (let mm = 0; mm < m; mm++) {
              for (let nn = 0; nn < n; nn++) {
                const at = pops + ((<usize>mm * n + nn) << 2);
                store<i32>(at, load<i32>(at) + popcountRow(h + <usize>nn * w64 * 8, wRow + <usize>mm * rowBytes + tapOffset, w64));
              }
            }
          }
          for (let mm = 0; mm < m; mm++) {
            const am = load<f64>(aPtr + ((<usize>o * m + mm) << 3));
            for (let nn = 0; nn < n; nn++) {
              acc += am * load<f64>(bPtr + (<usize>nn << 3)) * (kc - 2 * <f64>load<i32>(pops + ((<usize>mm * n + nn) << 2)));
            }
          }
        }
        let v = acc;
        if (scale) v *= <f64>load<f32>(scale + (<usize>o << 2));
        if (bias) v += <f64>load<f32>(bias + (<usize>o << 2));
        store<f32>(yBase + (<usize>o << 2), <f32>activate(v, act));
      }
    }
  }
}
