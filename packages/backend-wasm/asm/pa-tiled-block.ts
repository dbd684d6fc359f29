// The micro-kernels of convTiled() (pa-conv-tiled.ts): one block of 8 output channels for two
// output pixels, summed over every (weight base m, activation plane n) pair and turned into
//   acc_o = sum_{m,n} ab_{o,m,n} (kc - 2 P_mn),   P_mn = popcount(H_n xor W_{m,o}),
// then stored through the epilogue (E, c_w, scale, bias, activation).
//
// Layouts: a pixel pair's gathered rows interleave the two pixels word by word,
// [n][rowWords][2] u64, so one v128 load holds word w of both; weights are
// [block][m][rowWords][WORD_BYTES], a word of the 8 channels as channels 0-3 (one u64 each)
// then channels 4-7 twice each (one v128 each: the word for both pixels, so the v128 half loads
// it with a plain v128.load at a fixed offset: V8 kept a base register per v128.load64_splat
// offset, spilled them to the stack and reloaded four per word; with the duplicated words
// PA ResNet-18's PAConv2D nodes took 1-2 % less time at 2x2, 3x3 and 4x5, both builds
// interleaved in one process, apps/bench/scripts/resnet18-ab.mjs: a small gain, near this VM's
// noise, one run of 1x1 in a slow phase 3 % slower); ab is [block][m][n][8] f32 holding
// -2 a_{o,m} b_n (term()).
//
// The SIMD build splits each sweep between the CPU's integer and vector units, which work in
// parallel: channels 0-3 on i64 XOR + POPCNT (two pixels x four channels, two channels'
// counts packed in one i64: 4 registers, which keeps V8 from spilling counters in the word
// loop), channels 4-7 on v128 (one XOR + i8x16.popcnt per channel covers both pixels: each
// weight word is splatted to both halves). The byte counters of the vector half take at most 8
// a word, so every 31 words they are added into i16 counters, and those into i32 after the
// row: a row may have at most MAX_TILED_ROW_WORDS words (src/kernel-choice.ts sends longer
// ones to the grouped kernel). Rows of at most 31 words take blockSimdShort
// (pa-short-rows.ts), rows of one word blockSimdOneWord: the parameter block's `micro` field
// names the micro-kernel, chosen in src/kernel-choice.ts.

import { activate, activate4 } from './activation';

/** Words a u8 lane may accumulate before it could overflow (8 a word: 31 * 8 = 248). */
export const BYTE_WORDS = 31;

/**
 * Bytes of one word of a (block, base) weight row: channels 0-3 at 0, 8, 16, 24; channel
 * 4 + k twice at 32 + 16 k (src/pa-conv2d.ts tiledLayout() writes it).
 */
export const WORD_BYTES: usize = 96;

/** y = act(scale * (acc + E + cw * bq) + bias) for channels [o0, o0 + 4) of one pixel. */
@inline export function store4(y: usize, acc: v128, e: usize, cw: usize, bq: f32, scale: usize, bias: usize, o0: i32, cout: i32, act: i32): void {
  if (o0 >= cout) return;
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

/**
 * The block's 8 channels of both pixels through the epilogue (store4): pixel 0 at y0, pixel 1
 * at y1 when `second` (the last pixel of an odd row has no second).
 */
@inline export function storeBlock(x0lo: v128, x0hi: v128, x1lo: v128, x1hi: v128, e0: usize, e1: usize, bq0: f32, bq1: f32, cw: usize, scale: usize, bias: usize, y0: usize, y1: usize, second: bool, o0: i32, cout: i32, act: i32): void {
  store4(y0, x0lo, e0, cw, bq0, scale, bias, o0, cout, act);
  store4(y0, x0hi, e0, cw, bq0, scale, bias, o0 + 4, cout, act);
  if (second) {
    store4(y1, x1lo, e1, cw, bq1, scale, bias, o0, cout, act);
    store4(y1, x1hi, e1, cw, bq1, scale, bias, o0 + 4, cout, act);
  }
}

/**
 * Four counts below 2^32 as the i32x4 (a, b, c, d): packed two to an i64, two lane inserts
 * instead of four.
 */
@inline function pairs(a: i64, b: i64, c: i64, d: i64): v128 {
  return i64x2.replace_lane(i64x2.splat(a | (b << 32)), 1, c | (d << 32));
}

/**
 * a b (kc - 2 P) for four channels, as (-2 a b) (P - kc / 2) with ab holding -2 a b and
 * `half` kc / 2 splatted: P and kc / 2 are exact in f32 (below 2^22, halves included), so is
 * their difference, and -2 a b is a b scaled by a power of two; the product is the same real
 * number, rounded once, as a b (kc - 2 P), in one operation fewer.
 */
@inline export function term(ab: v128, half: v128, pop: v128): v128 {
  return f32x4.mul(ab, f32x4.sub(f32x4.convert_i32x4_s(pop), half));
}

/**
 * SIMD build: the block's 8 channels for both pixels (rows at `rows`, weights of base 0 at
 * `w0`, ab at `ab0`), stored at y0 / y1 (y1 only when `second`).
 */
@inline export function blockSimd(rows: usize, rowWords: i32, m: i32, n: i32, w0: usize, ab0: usize, kc0: i32, kc1: i32, o0: i32, cout: i32, e0: usize, e1: usize, bq0: f32, bq1: f32, cw: usize, scale: usize, bias: usize, y0: usize, y1: usize, second: bool, act: i32): void {
  const planeBytes = <usize>rowWords << 4;
  const baseBytes = <usize>rowWords * WORD_BYTES;
  let x0lo = f32x4.splat(0), x0hi = f32x4.splat(0), x1lo = f32x4.splat(0), x1hi = f32x4.splat(0);
  const kcv0 = f32x4.splat(<f32>kc0 * 0.5);
  const kcv1 = f32x4.splat(<f32>kc1 * 0.5);
  let ab = ab0;
  for (let mm = 0; mm < m; mm++) {
    const wRow = w0 + <usize>mm * baseBytes;
    for (let nn = 0; nn < n; nn++) {
      let hp = rows + <usize>nn * planeBytes;
      let wp = wRow;
      // two channels' counts share an i64 (a count is far below 2^32): 4 registers, not 8,
      // for the i64 half, which keeps V8 from spilling counters inside the word loop
      let q01: i64 = 0, q23: i64 = 0, r01: i64 = 0, r23: i64 = 0;
      let c4 = i32x4.splat(0), c5 = i32x4.splat(0), c6 = i32x4.splat(0), c7 = i32x4.splat(0);
      for (let w = 0; w < rowWords; ) {
        const end = min(rowWords, w + BYTE_WORDS);
        let v4 = i8x16.splat(0), v5 = i8x16.splat(0), v6 = i8x16.splat(0), v7 = i8x16.splat(0);
        for (; w < end; w++) {
          const h0 = load<i64>(hp);
          const h1 = load<i64>(hp, 8);
          const hv = v128.load(hp);
          const wa = load<i64>(wp);
          const wb = load<i64>(wp, 8);
          const wc = load<i64>(wp, 16);
          const wd = load<i64>(wp, 24);
          q01 += popcnt<i64>(h0 ^ wa) | (popcnt<i64>(h0 ^ wb) << 32);
          q23 += popcnt<i64>(h0 ^ wc) | (popcnt<i64>(h0 ^ wd) << 32);
          r01 += popcnt<i64>(h1 ^ wa) | (popcnt<i64>(h1 ^ wb) << 32);
          r23 += popcnt<i64>(h1 ^ wc) | (popcnt<i64>(h1 ^ wd) << 32);
          v4 = i8x16.add(v4, i8x16.popcnt(v128.xor(hv, v128.load(wp, 32))));
          v5 = i8x16.add(v5, i8x16.popcnt(v128.xor(hv, v128.load(wp, 48))));
          v6 = i8x16.add(v6, i8x16.popcnt(v128.xor(hv, v128.load(wp, 64))));
          v7 = i8x16.add(v7, i8x16.popcnt(v128.xor(hv, v128.load(wp, 80))));
          hp += 16;
          wp += WORD_BYTES;
        }
        // the byte counters as i16 (at most 8 x 31 a byte: two bytes' sum fits), a chunk at a
        // time; the first chunk (the only one of rows up to 31 words) needs no add
        if (w <= BYTE_WORDS) {
          c4 = i16x8.extadd_pairwise_i8x16_u(v4);
          c5 = i16x8.extadd_pairwise_i8x16_u(v5);
          c6 = i16x8.extadd_pairwise_i8x16_u(v6);
          c7 = i16x8.extadd_pairwise_i8x16_u(v7);
        } else {
          c4 = i16x8.add(c4, i16x8.extadd_pairwise_i8x16_u(v4));
          c5 = i16x8.add(c5, i16x8.extadd_pairwise_i8x16_u(v5));
          c6 = i16x8.add(c6, i16x8.extadd_pairwise_i8x16_u(v6));
          c7 = i16x8.add(c7, i16x8.extadd_pairwise_i8x16_u(v7));
        }
      }
      c4 = i32x4.extadd_pairwise_i16x8_u(c4);
      c5 = i32x4.extadd_pairwise_i16x8_u(c5);
      c6 = i32x4.extadd_pairwise_i16x8_u(c6);
      c7 = i32x4.extadd_pairwise_i16x8_u(c7);
      // (channel 4 pixel 0, channel 4 pixel 1, channel 5 pixel 0, channel 5 pixel 1), then 6, 7
      const s45 = i32x4.add(v128.shuffle<i32>(c4, c5, 0, 2, 4, 6), v128.shuffle<i32>(c4, c5, 1, 3, 5, 7));
      const s67 = i32x4.add(v128.shuffle<i32>(c6, c7, 0, 2, 4, 6), v128.shuffle<i32>(c6, c7, 1, 3, 5, 7));
      const abLo = v128.load(ab);
      const abHi = v128.load(ab, 16);
      // kc - 2 P is an exact integer; f32 keeps 24 bits of it
      x0lo = f32x4.add(x0lo, term(abLo, kcv0, i64x2.replace_lane(i64x2.splat(q01), 1, q23)));
      x1lo = f32x4.add(x1lo, term(abLo, kcv1, i64x2.replace_lane(i64x2.splat(r01), 1, r23)));
      x0hi = f32x4.add(x0hi, term(abHi, kcv0, v128.shuffle<i32>(s45, s67, 0, 2, 4, 6)));
      x1hi = f32x4.add(x1hi, term(abHi, kcv1, v128.shuffle<i32>(s45, s67, 1, 3, 5, 7)));
      ab += 32;
    }
  }
  storeBlock(x0lo, x0hi, x1lo, x1hi, e0, e1, bq0, bq1, cw, scale, bias, y0, y1, second, o0, cout, act);
}

/**
 * SIMD build, rows of one word (1x1 convs up to 64 channels): blockSimd's result with all 8
 * channels on i64 POPCNT. With a single word there is nothing to accumulate, and the v128
 * half's byte counts would cost more to reduce to lanes than the popcounts themselves; each
 * base's 8 weight words are loaded once for its N planes.
 */
@inline export function blockSimdOneWord(rows: usize, m: i32, n: i32, w0: usize, ab0: usize, kc0: i32, kc1: i32, o0: i32, cout: i32, e0: usize, e1: usize, bq0: f32, bq1: f32, cw: usize, scale: usize, bias: usize, y0: usize, y1: usize, second: bool, act: i32): void {
  let x0lo = f32x4.splat(0), x0hi = f32x4.splat(0), x1lo = f32x4.splat(0), x1hi = f32x4.splat(0);
  const half0 = f32x4.splat(<f32>kc0 * 0.5);
  const half1 = f32x4.splat(<f32>kc1 * 0.5);
  let ab = ab0;
  for (let mm = 0; mm < m; mm++) {
    // weights [block][m][1 word][WORD_BYTES]: one base's word
    const wp = w0 + <usize>mm * WORD_BYTES;
    const wa = load<i64>(wp);
    const wb = load<i64>(wp, 8);
    const wc = load<i64>(wp, 16);
    const wd = load<i64>(wp, 24);
    const we = load<i64>(wp, 32);
    const wf = load<i64>(wp, 48);
    const wg = load<i64>(wp, 64);
    const wh = load<i64>(wp, 80);
    for (let nn = 0; nn < n; nn++) {
      // rows [n][1 word][2 pixels]
      const hp = rows + (<usize>nn << 4);
      const h0 = load<i64>(hp);
      const h1 = load<i64>(hp, 8);
      const abLo = v128.load(ab);
      const abHi = v128.load(ab, 16);
      x0lo = f32x4.add(x0lo, term(abLo, half0, pairs(popcnt<i64>(h0 ^ wa), popcnt<i64>(h0 ^ wb), popcnt<i64>(h0 ^ wc), popcnt<i64>(h0 ^ wd))));
      x0hi = f32x4.add(x0hi, term(abHi, half0, pairs(popcnt<i64>(h0 ^ we), popcnt<i64>(h0 ^ wf), popcnt<i64>(h0 ^ wg), popcnt<i64>(h0 ^ wh))));
      x1lo = f32x4.add(x1lo, term(abLo, half1, pairs(popcnt<i64>(h1 ^ wa), popcnt<i64>(h1 ^ wb), popcnt<i64>(h1 ^ wc), popcnt<i64>(h1 ^ wd))));
      x1hi = f32x4.add(x1hi, term(abHi, half1, pairs(popcnt<i64>(h1 ^ we), popcnt<i64>(h1 ^ wf), popcnt<i64>(h1 ^ wg), popcnt<i64>(h1 ^ wh))));
      ab += 32;
    }
  }
  storeBlock(x0lo, x0hi, x1lo, x1hi, e0, e1, bq0, bq1, cw, scale, bias, y0, y1, second, o0, cout, act);
}

/** The scalar build's epilogue for one channel of one pixel. */
@inline function storeChannel(y: usize, acc: f32, e: usize, cw: usize, bq: f32, scale: usize, bias: usize, o: i32, cout: i32, act: i32): void {
  if (o >= cout) return;
  let v = acc + load<f32>(e + (<usize>o << 2)) + load<f32>(cw + (<usize>o << 2)) * bq;
  if (scale) v *= load<f32>(scale + (<usize>o << 2));
  if (bias) v += load<f32>(bias + (<usize>o << 2));
  store<f32>(y + (<usize>o << 2), activate(v, act));
}

/** Scalar build: blockSimd's result, the block as two halves of four channels on i64 popcounts. */
@inline export function blockScalar(rows: usize, rowWords: i32, m: i32, n: i32, w0: usize, ab0: usize, kc0: i32, kc1: i32, o0: i32, cout: i32, e0: usize, e1: usize, bq0: f32, bq1: f32, cw: usize, scale: usize, bias: usize, y0: usize, y1: usize, second: bool, act: i32): void {
  const planeBytes = <usize>rowWords << 4;
  const baseBytes = <usize>rowWords * WORD_BYTES;
  const half0 = <f32>kc0 * 0.5;
  const half1 = <f32>kc1 * 0.5;
  for (let half = 0; half < 2; half++) {
    let a00: f32 = 0, a01: f32 = 0, a02: f32 = 0, a03: f32 = 0;
    let a10: f32 = 0, a11: f32 = 0, a12: f32 = 0, a13: f32 = 0;
    let ab = ab0 + (<usize>half << 4);
    for (let mm = 0; mm < m; mm++) {
      for (let nn = 0; nn < n; nn++) {
        let hp = rows + <usize>nn * planeBytes;
        const end = hp + planeBytes;
        // channels 0-3 one u64 apart from byte 0, channels 4-7 16 bytes apart from byte 32
        let wp = w0 + <usize>mm * baseBytes + (<usize>half << 5);
        const step: usize = half ? 16 : 8;
        let q0: i64 = 0, q1: i64 = 0, q2: i64 = 0, q3: i64 = 0;
        let r0: i64 = 0, r1: i64 = 0, r2: i64 = 0, r3: i64 = 0;
        for (; hp < end; hp += 16) {
          const h0 = load<i64>(hp);
          const h1 = load<i64>(hp, 8);
          const wa = load<i64>(wp);
          const wb = load<i64>(wp + step);
          const wc = load<i64>(wp + 2 * step);
          const wd = load<i64>(wp + 3 * step);
          q0 += popcnt<i64>(h0 ^ wa);
          q1 += popcnt<i64>(h0 ^ wb);
          q2 += popcnt<i64>(h0 ^ wc);
          q3 += popcnt<i64>(h0 ^ wd);
          r0 += popcnt<i64>(h1 ^ wa);
          r1 += popcnt<i64>(h1 ^ wb);
          r2 += popcnt<i64>(h1 ^ wc);
          r3 += popcnt<i64>(h1 ^ wd);
          wp += WORD_BYTES;
        }
        const b0 = load<f32>(ab);
        const b1 = load<f32>(ab, 4);
        const b2 = load<f32>(ab, 8);
        const b3 = load<f32>(ab, 12);
        // ab holds -2 a b: (-2 a b) (P - kc / 2) is a b (kc - 2 P) exactly (term())
        a00 += b0 * (<f32><i32>q0 - half0);
        a01 += b1 * (<f32><i32>q1 - half0);
        a02 += b2 * (<f32><i32>q2 - half0);
        a03 += b3 * (<f32><i32>q3 - half0);
        a10 += b0 * (<f32><i32>r0 - half1);
        a11 += b1 * (<f32><i32>r1 - half1);
        a12 += b2 * (<f32><i32>r2 - half1);
        a13 += b3 * (<f32><i32>r3 - half1);
        ab += 32;
      }
    }
    const o = o0 + (half << 2);
    storeChannel(y0, a00, e0, cw, bq0, scale, bias, o, cout, act);
    storeChannel(y0, a01, e0, cw, bq0, scale, bias, o + 1, cout, act);
    storeChannel(y0, a02, e0, cw, bq0, scale, bias, o + 2, cout, act);
    storeChannel(y0, a03, e0, cw, bq0, scale, bias, o + 3, cout, act);
    if (second) {
      storeChannel(y1, a10, e1, cw, bq1, scale, bias, o, cout, act);
      storeChannel(y1, a11, e1, cw, bq1, scale, bias, o + 1, cout, act);
      storeChannel(y1, a12, e1, cw, bq1, scale, bias, o + 2, cout, act);
      storeChannel(y1, a13, e1, cw, bq1, scale, bias, o + 3, cout, act);
    }
  }
}
