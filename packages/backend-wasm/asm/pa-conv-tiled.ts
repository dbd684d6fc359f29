// The one-group PAConv2D kernel (every ResNet-style binary conv): a binary GEMM over an
// im2col row gathered per output pixel, two pixels x eight output channels per popcount sweep
// (the micro-kernels: pa-tiled-block.ts).
//
// Layouts (prepared by src/pa-conv2d.ts):
//   activation planes [pixel][n][w64] (binarize()), gathered per pixel pair into
//     rows [n][rowWords][2 pixels]: tap t's channels at bits [t tapBits, t tapBits + cin) of a
//     pixel's row, the rest 0. tapBits is cin rounded up to 8, 16 or 32 bits, or to whole
//     64-bit words: small channel counts are packed densely (16 channels: 9 taps in 3 words
//     instead of 9), so no popcount is spent on padding;
//   weights [channel block of 8][m][rowWords][WORD_BYTES], packed the same way, channels 4-7
//     of a word twice each (pa-tiled-block.ts): one block's sweep reads memory in order;
//   ab [block][m][n][8] f32 = a_{o,m} b_n, 0 for the padding channels of the last block.
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
import { MICRO_ONE_WORD, MICRO_ONE_WORD_TAIL16, MICRO_SHORT, MICRO_SHORT_TAIL16, MICRO_SHORT_TAIL32 } from './generated/kernel-codes';
import { blockOnePixel } from './pa-one-pixel';
import { blockSimdShort } from './pa-short-rows';
import { blockOneWordTail, blockSimdShortTail, TAIL_BYTES } from './pa-short-tail';
import { blockScalar, blockSimd, blockSimdOneWord, WORD_BYTES } from './pa-tiled-block';
// convTiled()'s parameter block (PA_TILED_PARAMS in src/param-blocks.ts, which documents each field)
import {
  AB,
  ACT,
  BATCH,
  BIAS,
  BLOCK_BEGIN,
  BLOCK_END,
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
  MICRO,
  ROW_WORDS,
  SCALE,
  SCRATCH,
  SH,
  SW,
  TAIL_WEIGHTS,
  TAP_BITS,
  WEIGHTS,
} from './generated/pa-tiled-params';

/**
 * Where the pixel's E sits: its (row, column) class's entry, computed on first use for the
 * channels [oBegin, oEnd) this thread computes.
 */
@inline function classE(state: usize, keys: usize, table: usize, colKey: i32, ky0: i32, ky1: i32, kx0: i32, kx1: i32, kc: f32, oBegin: i32, oEnd: i32, coutPadded: i32, taps: i32, kw: i32, g0: usize, gTap: usize, cwPtr: usize, ca: f64): usize {
  const classes = load<i32>(state);
  let cls = 0;
  while (cls < classes && load<i32>(keys + (<usize>cls << 2)) != colKey) cls++;
  const e = table + (<usize>cls * coutPadded << 2);
  if (cls == classes) {
    store<i32>(keys + (<usize>cls << 2), colKey);
    store<i32>(state, classes + 1);
    for (let o = oBegin; o < oEnd; o++) {
      let v = load<f64>(g0 + (<usize>o << 3)) - <f64>load<f32>(cwPtr + (<usize>o << 2)) * ca * <f64>kc;
      for (let ky = ky0; ky < ky1; ky++) {
        for (let kx = kx0; kx < kx1; kx++) v += load<f64>(gTap + ((<usize>o * taps + ky * kw + kx) << 3));
      }
      store<f32>(e + (<usize>o << 2), <f32>v);
    }
  }
  return e;
}

/** Sum of qsum over the valid taps [ky0, ky1) x [kx0, kx1) of the window at pix0. */
@inline function windowQsum(qsum: usize, pix0: i32, inW: i32, dh: i32, dw: i32, ky0: i32, ky1: i32, kx0: i32, kx1: i32): f32 {
  let bq: f64 = 0;
  for (let ky = ky0; ky < ky1; ky++) {
    for (let kx = kx0; kx < kx1; kx++) bq += load<f64>(qsum + (<usize>(pix0 + ky * dh * inW + kx * dw) << 3));
  }
  return <f32>bq;
}

/** Word w of both pixels' rows, stored as one v128 in the SIMD build (see gatherPair()). */
@inline function storePair(at: usize, a: u64, b: u64): void {
  if (ASC_FEATURE_SIMD) {
    v128.store(at, i64x2.replace_lane(i64x2.splat(a), 1, b));
  } else {
    store<u64>(at, a);
    store<u64>(at, b, 8);
  }
}

/**
 * gather() for both pixels of a pair when a pixel's channels fit one plane word (cin <= 64,
 * tapBits <= 64; binarize() leaves the bits past cin 0): each row word of both pixels is built
 * in registers from 64 / tapBits taps and stored once, as one v128 in the SIMD build. The
 * sweep (pa-tiled-block.ts) reads word w of both pixels with one v128 load right after, and a
 * load that spans two narrower stores cannot be forwarded from them: it waits for them to
 * reach the cache, which on these short rows cost as much as the whole gather.
 */
@inline function gatherPair(dst: usize, planes: usize, pixA: i32, pixB: i32, inW: i32, kh: i32, kw: i32, dh: i32, dw: i32, ky0: i32, ky1: i32, ax0: i32, ax1: i32, bx0: i32, bx1: i32, n: i32, tapBits: i32, planeBytes: usize): void {
  const pixelBytes = <usize>n << 3;
  for (let nn = 0; nn < n; nn++) {
    let at = dst + <usize>nn * planeBytes;
    const src = planes + (<usize>nn << 3);
    let a: u64 = 0;
    let b: u64 = 0;
    let fill = 0;
    for (let ky = 0; ky < kh; ky++) {
      const rowInside = ky >= ky0 && ky < ky1;
      const rowA = pixA + ky * dh * inW;
      const rowB = pixB + ky * dh * inW;
      for (let kx = 0; kx < kw; kx++) {
        // a tap outside the input gathers zeros (docs/PA-METHOD.md, "Zero padding")
        if (rowInside && kx >= ax0 && kx < ax1) a |= load<u64>(src + <usize>(rowA + kx * dw) * pixelBytes) << (<u64>fill);
        if (rowInside && kx >= bx0 && kx < bx1) b |= load<u64>(src + <usize>(rowB + kx * dw) * pixelBytes) << (<u64>fill);
        fill += tapBits;
        if (fill == 64) {
          storePair(at, a, b);
          at += 16;
          a = 0;
          b = 0;
          fill = 0;
        }
      }
    }
    // the last, partly filled word: its bits past the last tap are 0
    if (fill) storePair(at, a, b);
  }
}

/**
 * gatherPair() for a pair whose windows lie wholly inside the input (most pairs): no tap is
 * tested, and each kernel row's taps are walked by pointer steps.
 */
@inline function gatherPairInside(dst: usize, planes: usize, pixA: i32, pixB: i32, inW: i32, kh: i32, kw: i32, dh: i32, dw: i32, n: i32, tapBits: i32, planeBytes: usize): void {
  const pixelBytes = <usize>n << 3;
  const rowStep = <usize>(dh * inW) * pixelBytes;
  const tapStep = <usize>dw * pixelBytes;
  const toB = <usize>(pixB - pixA) * pixelBytes;
  for (let nn = 0; nn < n; nn++) {
    let at = dst + <usize>nn * planeBytes;
    let row = planes + (<usize>nn << 3) + <usize>pixA * pixelBytes;
    let a: u64 = 0;
    let b: u64 = 0;
    let fill: u64 = 0;
    for (let ky = 0; ky < kh; ky++) {
      let src = row;
      for (let kx = 0; kx < kw; kx++) {
        a |= load<u64>(src) << fill;
        b |= load<u64>(src + toB) << fill;
        src += tapStep;
        fill += <u64>tapBits;
        if (fill == 64) {
          storePair(at, a, b);
          at += 16;
          a = 0;
          b = 0;
          fill = 0;
        }
      }
      row += rowStep;
    }
    // the last, partly filled word: its bits past the last tap are 0
    if (fill) storePair(at, a, b);
  }
}

/**
 * Gathers one pixel's im2col row for every plane into its lane of the pair's rows (`dst` =
 * rows + 8 * lane; word w of plane nn at dst + (nn * rowWords + w) * 16; zeros outside the
 * input) and returns the sum
 * of its valid taps' qsum: for more than 64 channels (tapBits a multiple of 64, whole words a
 * tap); gatherPair() serves the rest.
 */
@inline function gather(dst: usize, planes: usize, qsum: usize, pix0: i32, inW: i32, kh: i32, kw: i32, dh: i32, dw: i32, ky0: i32, ky1: i32, kx0: i32, kx1: i32, n: i32, w64: i32, planeBytes: usize): f32 {
  const pixelBytes = <usize>n * w64 * 8;
  let bq: f64 = 0;
  if (n == 1 && dw == 1 && ky0 == 0 && ky1 == kh && kx0 == 0 && kx1 == kw) {
    // an interior pixel of a single-plane input: each kernel row's taps are kw neighbouring
    // pixels, contiguous in the planes and in the row, so one word loop per kernel row
    const words = <usize>kw * w64;
    for (let ky = 0; ky < kh; ky++) {
      const pix = pix0 + ky * dh * inW;
      const src = planes + <usize>pix * pixelBytes;
      const at = dst + (<usize>ky * words << 4);
      for (let i: usize = 0; i < words; i++) store<u64>(at + (i << 4), load<u64>(src + (i << 3)));
      const q = qsum + (<usize>pix << 3);
      for (let kx = 0; kx < kw; kx++) bq += load<f64>(q + (<usize>kx << 3));
    }
    return <f32>bq;
  }
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const at = dst + ((<usize>(ky * kw + kx) * w64) << 4); // the tap's first word
      const inside = ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1;
      const pix = pix0 + ky * dh * inW + kx * dw;
      if (inside) bq += load<f64>(qsum + (<usize>pix << 3));
      const src = planes + <usize>pix * pixelBytes;
      for (let nn = 0; nn < n; nn++) {
        const to = at + <usize>nn * planeBytes;
        const from = src + <usize>nn * w64 * 8;
        for (let i = 0; i < w64; i++) store<u64>(to + (<usize>i << 4), inside ? load<u64>(from + (<usize>i << 3)) : 0);
      }
    }
  }
  return <f32>bq;
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
  const micro = param(p, MICRO);
  const w64 = (cin + 63) >> 6; // u64 words of one pixel's plane
  const act = param(p, ACT);
  const planes = <usize>param(p, PLANES);
  const qsum = <usize>param(p, QSUM);
  const wTiled = <usize>param(p, WEIGHTS);
  const wTail = <usize>param(p, TAIL_WEIGHTS);
  const tailMicro = micro == MICRO_SHORT_TAIL16 || micro == MICRO_SHORT_TAIL32;
  const wideTail = micro == MICRO_SHORT_TAIL32;
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
  const blocks = (cout + 7) >> 3;
  const cout8 = blocks << 3;
  // a thread computes its rows' output channels of blocks [blockBegin, blockEnd) (threads
  // split a conv of few output rows by channel blocks: src/pa-conv2d.ts)
  const blockBegin = param(p, BLOCK_BEGIN);
  const blockEnd = min(param(p, BLOCK_END), blocks);
  const oBegin = blockBegin << 3;
  const oEnd = min(blockEnd << 3, cout);
  const planeBytes = <usize>rowWords << 4; // one plane's row of a pixel pair
  const baseBytes = <usize>rowWords * WORD_BYTES; // one (block, base) weight row of 8 channels
  // scratch (workBytes in src/pa-conv2d.ts): the pixel pair's gathered rows [n][rowWords][2]
  // u64, a class count (8 bytes), then the column classes of the current row class: keys i32
  // [2 kw + 1] (8-aligned) and E f32 [2 kw + 1][cout8]
  const rows = scratch;
  const state = rows + <usize>n * planeBytes;
  const classKeys = state + 8;
  const maxClasses = 2 * kw + 1;
  const classTable = classKeys + ((<usize>maxClasses * 4 + 7) & ~(<usize>7));
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
      const e0 = classE(state, classKeys, classTable, kx0 << 16 | kx1, ky0, ky1, kx0, kx1, <f32>kc0, oBegin, oEnd, cout8, taps, kw, g0, gTap, cwPtr, ca);
      const second = ox + 1 < outW;
      const ix1 = second ? ix0 + sw : ix0;
      const jx0 = firstTap(ix1, dw, kw);
      const jx1 = max(jx0, endTap(ix1, dw, kw, inW));
      const kc1 = (ky1 - ky0) * (jx1 - jx0) * cin;
      const e1 = classE(state, classKeys, classTable, jx0 << 16 | jx1, ky0, ky1, jx0, jx1, <f32>kc1, oBegin, oEnd, cout8, taps, kw, g0, gTap, cwPtr, ca);
      let bq0: f32, bq1: f32;
      if (tapBits <= 64) {
        if (ky0 == 0 && ky1 == kh && kx0 == 0 && kx1 == kw && jx0 == 0 && jx1 == kw) gatherPairInside(rows, planes, rowPix + ix0, rowPix + ix1, inW, kh, kw, dh, dw, n, tapBits, planeBytes);
        else gatherPair(rows, planes, rowPix + ix0, rowPix + ix1, inW, kh, kw, dh, dw, ky0, ky1, kx0, kx1, jx0, jx1, n, tapBits, planeBytes);
        bq0 = windowQsum(qsum, rowPix + ix0, inW, dh, dw, ky0, ky1, kx0, kx1);
        bq1 = windowQsum(qsum, rowPix + ix1, inW, dh, dw, ky0, ky1, jx0, jx1);
      } else {
        bq0 = gather(rows, planes, qsum, rowPix + ix0, inW, kh, kw, dh, dw, ky0, ky1, kx0, kx1, n, w64, planeBytes);
        bq1 = gather(rows + 8, planes, qsum, rowPix + ix1, inW, kh, kw, dh, dw, ky0, ky1, jx0, jx1, n, w64, planeBytes);
      }
      const y0 = out + ((<usize>row * outW + ox) * cout << 2);
      const y1 = y0 + (<usize>cout << 2);
      for (let blk = blockBegin; blk < blockEnd; blk++) {
        const w0 = wTiled + <usize>blk * m * baseBytes;
        const ab0 = abPtr + (<usize>(blk * m * n) << 5);
        if (ASC_FEATURE_SIMD && micro == MICRO_ONE_WORD_TAIL16) blockOneWordTail(rows, m, n, wTail + <usize>blk * m * TAIL_BYTES, ab0, kc0, kc1, blk << 3, cout, e0, e1, bq0, bq1, cwPtr, scale, bias, y0, y1, second, act);
        else if (ASC_FEATURE_SIMD && !second && micro != MICRO_ONE_WORD) blockOnePixel(rows, rowWords, m, n, w0, ab0, kc0, blk << 3, cout, e0, bq0, cwPtr, scale, bias, y0, act);
        else if (ASC_FEATURE_SIMD && micro == MICRO_ONE_WORD) blockSimdOneWord(rows, m, n, w0, ab0, kc0, kc1, blk << 3, cout, e0, e1, bq0, bq1, cwPtr, scale, bias, y0, y1, second, act);
        else if (ASC_FEATURE_SIMD && tailMicro) blockSimdShortTail(rows, rowWords, m, n, w0, wTail + <usize>blk * m * TAIL_BYTES, wideTail, ab0, kc0, kc1, blk << 3, cout, e0, e1, bq0, bq1, cwPtr, scale, bias, y0, y1, second, act);
        else if (ASC_FEATURE_SIMD && micro == MICRO_SHORT) blockSimdShort(rows, rowWords, m, n, w0, ab0, kc0, kc1, blk << 3, cout, e0, e1, bq0, bq1, cwPtr, scale, bias, y0, y1, second, act);
        else if (ASC_FEATURE_SIMD) blockSimd(rows, rowWords, m, n, w0, ab0, kc0, kc1, blk << 3, cout, e0, e1, bq0, bq1, cwPtr, scale, bias, y0, y1, second, act);
        else blockScalar(rows, rowWords, m, n, w0, ab0, kc0, kc1, blk << 3, cout, e0, e1, bq0, bq1, cwPtr, scale, bias, y0, y1, second, act);
      }
    }
  }
}
