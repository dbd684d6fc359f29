// The one-group PAConv2D kernel (every ResNet-style binary conv): a binary GEMM over an
// im2col row gathered per output pixel, four output channels per popcount sweep.
//
// Layouts (prepared by src/pa-conv2d.ts):
//   activation planes [pixel][n][w64] (binarize()), gathered per pixel into hRow [n][rowWords]:
//     tap t's channels at bits [t tapBits, t tapBits + cin) of the row, the rest 0. tapBits is
//     cin rounded up to 8, 16 or 32 bits, or to whole 64-bit words: small channel counts are
//     packed densely (16 channels: 9 taps in 3 words instead of 9), so no popcount is spent
//     on padding; a tap outside the input gathers all-zero bits;
//   weights [channel block of 4][m][rowWords][4 channels], packed the same way: one block's
//     sweep reads memory in order;
//   ab [block][m][n][4] f32 = a_{o,m} b_n, 0 for the padding channels of the last block.
// A tap outside the input gathers zeros, which is the activation +1 on every channel, so its
// popcount is popcount(W) instead of nothing; the per-class constant E (below) takes that back,
// which keeps border pixels on the same fast path (exact zero-padding semantics).
//
// For output channel o and an output pixel whose valid taps are V (k = |V|, kc = k * C):
//   y = scale * (sum_{m,n} ab (kc - 2 P_mn) + E_o(V) + cw_o * sum_V qsum) + bias
//   E_o(V) = g0_o + sum_{t in V} g_{o,t} - cw_o * ca * kc
// with P_mn the popcount over all taps, g_{o,t} = ca * tapSum_{o,t} - 2 (sum b) aw_{o,t},
// aw_{o,t} = sum_m a_{o,m} popcount(W_{m,o,t}) and g0_o = 2 (sum b) sum_t aw_{o,t}
// (docs/PA-METHOD.md, "Zero padding").

import { endTap, firstTap, param } from './conv-geometry';
// convTiled()'s parameter block (PA_TILED_PARAMS in src/param-blocks.ts, which documents each field)
import {
  AB,
  ACT,
  BATCH,
  BIAS,
  CA,
  CIN,
  COUT,
  CW,
  DH,
  DW,
  G0,
  G_TAP,
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
  ROW_WORDS,
  SCALE,
  SCRATCH,
  SH,
  SW,
  TAP_BITS,
  WEIGHTS,
} from './generated/pa-tiled-params';

/** Where the pixel's E sits: its (row, column) class's entry, computed on first use. */
@inline function classE(state: usize, keys: usize, table: usize, colKey: i32, ky0: i32, ky1: i32, kx0: i32, kx1: i32, kc: f32, cout: i32, cout4: i32, taps: i32, kw: i32, g0: usize, gTap: usize, cwPtr: usize, ca: f64): usize {
  const classes = load<i32>(state);
  let cls = 0;
  while (cls < classes && load<i32>(keys + (<usize>cls << 2)) != colKey) cls++;
  const e = table + (<usize>cls * cout4 << 2);
  if (cls == classes) {
    store<i32>(keys + (<usize>cls << 2), colKey);
    store<i32>(state, classes + 1);
    for (let o = 0; o < cout; o++) {
      let v = load<f64>(g0 + (<usize>o << 3)) - <f64>load<f32>(cwPtr + (<usize>o << 2)) * ca * <f64>kc;
      for (let ky = ky0; ky < ky1; ky++) {
        for (let kx = kx0; kx < kx1; kx++) v += load<f64>(gTap + ((<usize>o * taps + ky * kw + kx) << 3));
      }
      store<f32>(e + (<usize>o << 2), <f32>v);
    }
  }
  return e;
}

/**
 * Gathers a pixel's im2col row for every plane into dst [n][rowWords] (zeros outside the
 * input; the row's tail bits past the last tap stay as convTiled() zeroed them) and returns
 * the sum of its valid taps' qsum. Taps of tapBits < 64 are copied as one u8/u16/u32 each.
 */
@inline function gather(dst: usize, planes: usize, qsum: usize, pix0: i32, inW: i32, kh: i32, kw: i32, dh: i32, dw: i32, ky0: i32, ky1: i32, kx0: i32, kx1: i32, n: i32, w64: i32, tapBits: i32, rowBytes: usize): f32 {
  const pixelBytes = <usize>n * w64 * 8;
  let bq: f64 = 0;
  if (tapBits >= 64 && n == 1 && dw == 1 && ky0 == 0 && ky1 == kh && kx0 == 0 && kx1 == kw) {
    // an interior pixel of a single-plane input: each kernel row's taps are kw neighbouring
    // pixels, contiguous in the planes and in the row, so one word loop per kernel row
    const words = <usize>kw * w64;
    for (let ky = 0; ky < kh; ky++) {
      const pix = pix0 + ky * dh * inW;
      const src = planes + <usize>pix * pixelBytes;
      const at = dst + (<usize>ky * words << 3);
      for (let i: usize = 0; i < words; i++) store<u64>(at + (i << 3), load<u64>(src + (i << 3)));
      const q = qsum + (<usize>pix << 3);
      for (let kx = 0; kx < kw; kx++) bq += load<f64>(q + (<usize>kx << 3));
    }
    return <f32>bq;
  }
  const tapBytes = <usize>tapBits >> 3;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const at = dst + <usize>(ky * kw + kx) * tapBytes;
      const inside = ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1;
      const pix = pix0 + ky * dh * inW + kx * dw;
      if (inside) bq += load<f64>(qsum + (<usize>pix << 3));
      const src = planes + <usize>pix * pixelBytes;
      for (let nn = 0; nn < n; nn++) {
        const to = at + <usize>nn * rowBytes;
        const from = src + <usize>nn * w64 * 8;
        if (tapBits == 8) store<u8>(to, inside ? load<u8>(from) : 0);
        else if (tapBits == 16) store<u16>(to, inside ? load<u16>(from) : 0);
        else if (tapBits == 32) store<u32>(to, inside ? load<u32>(from) : 0);
        else for (let i = 0; i < w64; i++) store<u64>(to + (<usize>i << 3), inside ? load<u64>(from + (<usize>i << 3)) : 0);
      }
    }
  }
  return <f32>bq;
}

@inline function activate(v: f32, act: i32): f32 {
  if (act == 1) return v > 0 ? v : 0;
  if (act == 2) return v < -1 ? -1 : v > 1 ? 1 : v;
  return v;
}

@inline function activate4(v: v128, act: i32): v128 {
  if (act == 1) return f32x4.pmax(v, f32x4.splat(0));
  if (act == 2) return f32x4.pmin(f32x4.pmax(v, f32x4.splat(-1)), f32x4.splat(1));
  return v;
}

/** y = act(scale * (acc + E + cw * bq) + bias) for channels [o0, o0 + 4) of one pixel. */
@inline function storeBlock4(y: usize, acc: v128, e: usize, cw: usize, bq: f32, scale: usize, bias: usize, o0: i32, cout: i32, act: i32): void {
  let v = f32x4.add(f32x4.add(acc, v128.load(e + (<usize>o0 << 2))), f32x4.mul(v128.load(cw + (<usize>o0 << 2)), f32x4.splat(bq)));
  // scale and bias hold cout floats in 64-byte blocks (WasmMemory), so a last partial block's
  // lanes can be read; only the valid ones are stored
  if (scale) v = f32x4.mul(v, v128.load(scale + (<usize>o0 << 2)));
  if (bias) v = f32x4.add(v, v128.load(bias + (<usize>o0 << 2)));
  v = activate4(v, act);
  const at = y + (<usize>o0 << 2);
  if (o0 + 4 <= cout) {
    v128.store(at, v);
  } else {
    store<f32>(at, f32x4.extract_lane(v, 0));
    if (o0 + 1 < cout) store<f32>(at, f32x4.extract_lane(v, 1), 4);
    if (o0 + 2 < cout) store<f32>(at, f32x4.extract_lane(v, 2), 8);
  }
}

/** The scalar build's storeBlock4: one channel. */
@inline function storeChannel(y: usize, acc: f32, e: usize, cw: usize, bq: f32, scale: usize, bias: usize, o: i32, cout: i32, act: i32): void {
  if (o >= cout) return;
  let v = acc + load<f32>(e + (<usize>o << 2)) + load<f32>(cw + (<usize>o << 2)) * bq;
  if (scale) v *= load<f32>(scale + (<usize>o << 2));
  if (bias) v += load<f32>(bias + (<usize>o << 2));
  store<f32>(y + (<usize>o << 2), activate(v, act));
}

export function convTiled(p: usize): void {
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
  const m = param(p, M);
  const n = param(p, N);
  const tapBits = param(p, TAP_BITS);
  const rowWords = param(p, ROW_WORDS);
  const w64 = (cin + 63) >> 6; // u64 words of one pixel's plane
  const act = param(p, ACT);
  const planes = <usize>param(p, PLANES);
  const qsum = <usize>param(p, QSUM);
  const wTiled = <usize>param(p, WEIGHTS);
  const abPtr = <usize>param(p, AB);
  const cwPtr = <usize>param(p, CW);
  const gTap = <usize>param(p, G_TAP);
  const g0 = <usize>param(p, G0);
  const ca = load<f64>(<usize>param(p, CA));
  const scale = <usize>param(p, SCALE);
  const bias = <usize>param(p, BIAS);
  const out = <usize>param(p, OUT);
  const scratch = <usize>param(p, SCRATCH);
  const taps = kh * kw;
  const blocks = (cout + 3) >> 2;
  const cout4 = blocks << 2;
  const rowBytes = <usize>rowWords << 3;
  // scratch (workBytes in src/pa-conv2d.ts): the two pixels' gathered rows [n][rowWords]
  // u64, a class count (8 bytes), then the column classes of the current row class: keys i32
  // [2 kw + 1] (8-aligned) and E f32 [2 kw + 1][cout4]
  const hRow0 = scratch;
  const hRow1 = hRow0 + <usize>n * rowBytes;
  const state = hRow1 + <usize>n * rowBytes;
  const classKeys = state + 8;
  const maxClasses = 2 * kw + 1;
  const classTable = classKeys + ((<usize>maxClasses * 4 + 7) & ~(<usize>7));
  // the SIMD build's two pixels' f32x4 channel accumulators, after the E table
  const acc = classTable + (<usize>maxClasses * cout4 << 2);
  // the rows' tail words, past the last tap, are read by every sweep: zero them (a gather
  // writes taps only)
  const lastWord = (<usize>rowWords - 1) << 3;
  for (let nn = 0; nn < n; nn++) {
    store<u64>(hRow0 + <usize>nn * rowBytes + lastWord, 0);
    store<u64>(hRow1 + <usize>nn * rowBytes + lastWord, 0);
  }
  let rowKey = -1;
  const rowEnd = min(param(p, ROW_END), param(p, BATCH) * outH);
  for (let row = param(p, ROW_BEGIN); row < rowEnd; row++) {
    const bi = row / outH;
    const oy = row % outH;
    const iy0 = oy * sh - padTop;
    const ky0 = firstTap(iy0, dh, kh);
    const ky1 = max(ky0, endTap(iy0, dh, kh, inH));
    // valid taps are a rectangle [ky0, ky1) x [kx0, kx1): its row part changes at most 2 kh + 1
    // times down the image, its column part at most 2 kw + 1 times along a row, so each
    // (row, column) class's E is computed once while its row class lasts
    if ((ky0 << 16 | ky1) != rowKey) {
      rowKey = ky0 << 16 | ky1;
      store<i32>(state, 0);
    }
    const rowPix = (bi * inH + iy0) * inW; // pixel (iy0, 0) of the input, maybe outside
    // two output pixels at a time (the last one of an odd row twice, stored once)
    for (let ox = 0; ox < outW; ox += 2) {
      const ix0 = ox * sw - padLeft;
      const kx0 = firstTap(ix0, dw, kw);
      const kx1 = max(kx0, endTap(ix0, dw, kw, inW));
      const kc0 = (ky1 - ky0) * (kx1 - kx0) * cin;
      const e0 = classE(state, classKeys, classTable, kx0 << 16 | kx1, ky0, ky1, kx0, kx1, <f32>kc0, cout, cout4, taps, kw, g0, gTap, cwPtr, ca);
      const bq0 = gather(hRow0, planes, qsum, rowPix + ix0, inW, kh, kw, dh, dw, ky0, ky1, kx0, kx1, n, w64, tapBits, rowBytes);
      const second = ox + 1 < outW;
      const ix1 = second ? ix0 + sw : ix0;
      const jx0 = firstTap(ix1, dw, kw);
      const jx1 = max(jx0, endTap(ix1, dw, kw, inW));
      const kc1 = (ky1 - ky0) * (jx1 - jx0) * cin;
      const e1 = classE(state, classKeys, classTable, jx0 << 16 | jx1, ky0, ky1, jx0, jx1, <f32>kc1, cout, cout4, taps, kw, g0, gTap, cwPtr, ca);
      const bq1 = gather(hRow1, planes, qsum, rowPix + ix1, inW, kh, kw, dh, dw, ky0, ky1, jx0, jx1, n, w64, tapBits, rowBytes);
      const y0 = out + ((<usize>row * outW + ox) * cout << 2);
      const y1 = y0 + (<usize>cout << 2);
      // weight rows and ab entries are read in (block, m, n) order: running pointers
      let wRow = wTiled;
      let ab = abPtr;
      for (let blk = 0; blk < blocks; blk++) {
        let a00: f32 = 0, a01: f32 = 0, a02: f32 = 0, a03: f32 = 0;
        let a10: f32 = 0, a11: f32 = 0, a12: f32 = 0, a13: f32 = 0;
        for (let mm = 0; mm < m; mm++) {
          for (let nn = 0; nn < n; nn++) {
            // the micro-kernel: two pixels x four channels; each activation word is loaded
            // once for four channels, each weight word once for both pixels
            let q0: i64 = 0, q1: i64 = 0, q2: i64 = 0, q3: i64 = 0;
            let r0: i64 = 0, r1: i64 = 0, r2: i64 = 0, r3: i64 = 0;
            let hp = hRow0 + <usize>nn * rowBytes;
            const end = hp + rowBytes;
            const apart = hRow1 - hRow0;
            let wp = wRow;
            // three words a trip when the row allows it (every 3x3 kernel at 64 channels or more, and at 16):
            // a third of the loop's branches and pointer steps, ~2-3 % of a (1,1) layer here
            if (rowWords % 3 == 0) {
              for (; hp < end; hp += 24) {
                const h0 = load<i64>(hp, 0);
                const gg0 = load<i64>(hp + apart, 0);
                const w00 = load<i64>(wp, 0);
                const w01 = load<i64>(wp, 8);
                const w02 = load<i64>(wp, 16);
                const w03 = load<i64>(wp, 24);
                q0 += popcnt<i64>(h0 ^ w00);
                q1 += popcnt<i64>(h0 ^ w01);
                q2 += popcnt<i64>(h0 ^ w02);
                q3 += popcnt<i64>(h0 ^ w03);
                r0 += popcnt<i64>(gg0 ^ w00);
                r1 += popcnt<i64>(gg0 ^ w01);
                r2 += popcnt<i64>(gg0 ^ w02);
                r3 += popcnt<i64>(gg0 ^ w03);
                const h1 = load<i64>(hp, 8);
                const gg1 = load<i64>(hp + apart, 8);
                const w10 = load<i64>(wp, 32);
                const w11 = load<i64>(wp, 40);
                const w12 = load<i64>(wp, 48);
                const w13 = load<i64>(wp, 56);
                q0 += popcnt<i64>(h1 ^ w10);
                q1 += popcnt<i64>(h1 ^ w11);
                q2 += popcnt<i64>(h1 ^ w12);
                q3 += popcnt<i64>(h1 ^ w13);
                r0 += popcnt<i64>(gg1 ^ w10);
                r1 += popcnt<i64>(gg1 ^ w11);
                r2 += popcnt<i64>(gg1 ^ w12);
                r3 += popcnt<i64>(gg1 ^ w13);
                const h2 = load<i64>(hp, 16);
                const gg2 = load<i64>(hp + apart, 16);
                const w20 = load<i64>(wp, 64);
                const w21 = load<i64>(wp, 72);
                const w22 = load<i64>(wp, 80);
                const w23 = load<i64>(wp, 88);
                q0 += popcnt<i64>(h2 ^ w20);
                q1 += popcnt<i64>(h2 ^ w21);
                q2 += popcnt<i64>(h2 ^ w22);
                q3 += popcnt<i64>(h2 ^ w23);
                r0 += popcnt<i64>(gg2 ^ w20);
                r1 += popcnt<i64>(gg2 ^ w21);
                r2 += popcnt<i64>(gg2 ^ w22);
                r3 += popcnt<i64>(gg2 ^ w23);
                wp += 96;
              }
            } else {
              for (; hp < end; hp += 8) {
                const h = load<i64>(hp);
                const g = load<i64>(hp + apart);
                const w0 = load<i64>(wp);
                const w1 = load<i64>(wp, 8);
                const w2 = load<i64>(wp, 16);
                const w3 = load<i64>(wp, 24);
                q0 += popcnt<i64>(h ^ w0);
                q1 += popcnt<i64>(h ^ w1);
                q2 += popcnt<i64>(h ^ w2);
                q3 += popcnt<i64>(h ^ w3);
                r0 += popcnt<i64>(g ^ w0);
                r1 += popcnt<i64>(g ^ w1);
                r2 += popcnt<i64>(g ^ w2);
                r3 += popcnt<i64>(g ^ w3);
                wp += 32;
              }
            }
            // kc - 2 P is an exact integer; f32 keeps 24 bits of it
            if (ASC_FEATURE_SIMD) {
              // four channels at once: acc = sum over (m, n) of ab * (kc - 2 P), kept in scratch
              // (a v128 local cannot span the scalar build's code)
              const b = v128.load(ab);
              const p0 = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>q0), 1, <i32>q1), 2, <i32>q2), 3, <i32>q3);
              const p1 = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>r0), 1, <i32>r1), 2, <i32>r2), 3, <i32>r3);
              let v0 = f32x4.mul(b, f32x4.convert_i32x4_s(i32x4.sub(i32x4.splat(kc0), i32x4.shl(p0, 1))));
              let v1 = f32x4.mul(b, f32x4.convert_i32x4_s(i32x4.sub(i32x4.splat(kc1), i32x4.shl(p1, 1))));
              if (mm + nn > 0) {
                v0 = f32x4.add(v0, v128.load(acc));
                v1 = f32x4.add(v1, v128.load(acc, 16));
              }
              v128.store(acc, v0);
              v128.store(acc, v1, 16);
              ab += 16;
              continue;
            }
            const b0 = load<f32>(ab);
            const b1 = load<f32>(ab, 4);
            const b2 = load<f32>(ab, 8);
            const b3 = load<f32>(ab, 12);
            a00 += b0 * <f32>(kc0 - (<i32>q0 << 1));
            a01 += b1 * <f32>(kc0 - (<i32>q1 << 1));
            a02 += b2 * <f32>(kc0 - (<i32>q2 << 1));
            a03 += b3 * <f32>(kc0 - (<i32>q3 << 1));
            a10 += b0 * <f32>(kc1 - (<i32>r0 << 1));
            a11 += b1 * <f32>(kc1 - (<i32>r1 << 1));
            a12 += b2 * <f32>(kc1 - (<i32>r2 << 1));
            a13 += b3 * <f32>(kc1 - (<i32>r3 << 1));
            ab += 16;
          }
          wRow += rowBytes * 4;
        }
        const o0 = blk << 2;
        if (ASC_FEATURE_SIMD) {
          storeBlock4(y0, v128.load(acc), e0, cwPtr, bq0, scale, bias, o0, cout, act);
          if (second) storeBlock4(y1, v128.load(acc, 16), e1, cwPtr, bq1, scale, bias, o0, cout, act);
        } else {
          storeChannel(y0, a00, e0, cwPtr, bq0, scale, bias, o0, cout, act);
          storeChannel(y0, a01, e0, cwPtr, bq0, scale, bias, o0 + 1, cout, act);
          storeChannel(y0, a02, e0, cwPtr, bq0, scale, bias, o0 + 2, cout, act);
          storeChannel(y0, a03, e0, cwPtr, bq0, scale, bias, o0 + 3, cout, act);
          if (second) {
            storeChannel(y1, a10, e1, cwPtr, bq1, scale, bias, o0, cout, act);
            storeChannel(y1, a11, e1, cwPtr, bq1, scale, bias, o0 + 1, cout, act);
            storeChannel(y1, a12, e1, cwPtr, bq1, scale, bias, o0 + 2, cout, act);
            storeChannel(y1, a13, e1, cwPtr, bq1, scale, bias, o0 + 3, cout, act);
          }
        }
      }
    }
  }
}
