// blockSimdShort (pa-short-rows.ts) for rows whose last word is only partly used: with taps of
// 8, 16 or 32 bits (src/tap-packing.ts) an odd kernel area leaves 8, 16 or 32 bits in the last
// word (ResNet-8's 3x3 convs: 16 channels, 144 bits = 2 words + 16; 32 channels, 288 bits =
// 4 words + 32). A whole word of the sweep costs 8 i64 POPCNTs and 4 v128 popcounts for those
// few bits. Here the full words run as in blockSimdShort and the tail of all 8 channels sits in
// lanes of one or two v128s (8 x 16 or 8 x 32 bits, src/pa-conv2d.ts tailWeights()): the
// pixel's tail is splatted to every lane, XORed, byte-counted and summed per lane, which counts
// each channel's tail apart in 2 (16-bit lanes) or 4 (32-bit lanes) vector popcounts for both
// pixels. The bits past the tail are 0 in both the rows and the weights, so they count nothing.
// The word loop is blockSimdShort's (pa-short-rows.ts) with the tail added after it: one
// function for both, the tail under a constant flag, measured 3-6 % slower on the 14x14x32
// layer (V8 allocated its registers differently), so the sweep is written out in each.
// Measured against blockSimdShort, both builds interleaved in one process, 1 thread: the 3x3
// layer at 28x28x16 1.12x (3x3) and 1.14x (4x5) faster, at 14x14x32 1.02-1.03x
// (apps/bench/scripts/pa-layer-ab.mjs --net resnet8), identical outputs.

import { storeBlock, term, WORD_BYTES } from './pa-tiled-block';

/** Bytes of one (block, base) tail entry: 8 channels x 32 bits (16-bit tails use the first 16). */
export const TAIL_BYTES: usize = 32;

/** Sums of four bytes of each pixel half of v (bytes at most 8 x BYTE_WORDS) as i32x4. */
@inline function quads(v: v128): v128 {
  return i32x4.dot_i16x8_s(i16x8.extadd_pairwise_i8x16_u(v), i16x8.splat(1));
}

/** Per-lane bit counts of x xor w for 8 lanes of 16 bits: (channels 0-3, channels 4-7) as i32x4. */
@inline function tail16(x: i32, w: v128): v128 {
  return i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(v128.xor(i16x8.splat(<i16>x), w)));
}

/** Per-lane bit counts of x xor w for 4 lanes of 32 bits, as i32x4. */
@inline function tail32(x: i32, w: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(v128.xor(i32x4.splat(x), w))));
}

/**
 * blockSimdShort's contract for rows of 2 to BYTE_WORDS words whose last word holds at most 32
 * bits (`wide`: 17 to 32; else at most 16), tails of base 0 at `wt0` (TAIL_BYTES a base).
 */
@inline export function blockSimdShortTail(rows: usize, rowWords: i32, m: i32, n: i32, w0: usize, wt0: usize, wide: bool, ab0: usize, kc0: i32, kc1: i32, o0: i32, cout: i32, e0: usize, e1: usize, bq0: f32, bq1: f32, cw: usize, scale: usize, bias: usize, y0: usize, y1: usize, second: bool, act: i32): void {
  const planeBytes = <usize>rowWords << 4;
  const baseBytes = <usize>rowWords * WORD_BYTES;
  let x0lo = f32x4.splat(0), x0hi = f32x4.splat(0), x1lo = f32x4.splat(0), x1hi = f32x4.splat(0);
  let ab = ab0;
  for (let mm = 0; mm < m; mm++) {
    const wRow = w0 + <usize>mm * baseBytes;
    const wt = wt0 + <usize>mm * TAIL_BYTES;
    const wtLo = v128.load(wt);
    const wtHi = v128.load(wt, 16);
    for (let nn = 0; nn < n; nn++) {
      let hp = rows + <usize>nn * planeBytes;
      const last = hp + planeBytes - 16; // the tail word of both pixels
      let wp = wRow;
      let q01: i64 = 0, q23: i64 = 0, r01: i64 = 0, r23: i64 = 0;
      let v4 = i8x16.splat(0), v5 = i8x16.splat(0), v6 = i8x16.splat(0), v7 = i8x16.splat(0);
      for (; hp < last; hp += 16) {
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
        wp += WORD_BYTES;
      }
      const t0 = load<i32>(last);
      const t1 = load<i32>(last, 8);
      let lo0: v128, hi0: v128, lo1: v128, hi1: v128;
      if (wide) {
        lo0 = tail32(t0, wtLo);
        hi0 = tail32(t0, wtHi);
        lo1 = tail32(t1, wtLo);
        hi1 = tail32(t1, wtHi);
      } else {
        const c0 = tail16(t0, wtLo);
        const c1 = tail16(t1, wtLo);
        lo0 = i32x4.extend_low_i16x8_u(c0);
        hi0 = i32x4.extend_high_i16x8_u(c0);
        lo1 = i32x4.extend_low_i16x8_u(c1);
        hi1 = i32x4.extend_high_i16x8_u(c1);
      }
      const c4 = quads(v4), c5 = quads(v5), c6 = quads(v6), c7 = quads(v7);
      // (channel 4 pixel 0, channel 4 pixel 1, channel 5 pixel 0, channel 5 pixel 1), then 6, 7
      const s45 = i32x4.add(v128.shuffle<i32>(c4, c5, 0, 2, 4, 6), v128.shuffle<i32>(c4, c5, 1, 3, 5, 7));
      const s67 = i32x4.add(v128.shuffle<i32>(c6, c7, 0, 2, 4, 6), v128.shuffle<i32>(c6, c7, 1, 3, 5, 7));
      const abLo = v128.load(ab);
      const abHi = v128.load(ab, 16);
      const half0 = f32x4.splat(<f32>kc0 * 0.5);
      const half1 = f32x4.splat(<f32>kc1 * 0.5);
      x0lo = f32x4.add(x0lo, term(abLo, half0, i32x4.add(i64x2.replace_lane(i64x2.splat(q01), 1, q23), lo0)));
      x1lo = f32x4.add(x1lo, term(abLo, half1, i32x4.add(i64x2.replace_lane(i64x2.splat(r01), 1, r23), lo1)));
      x0hi = f32x4.add(x0hi, term(abHi, half0, i32x4.add(v128.shuffle<i32>(s45, s67, 0, 2, 4, 6), hi0)));
      x1hi = f32x4.add(x1hi, term(abHi, half1, i32x4.add(v128.shuffle<i32>(s45, s67, 1, 3, 5, 7), hi1)));
      ab += 32;
    }
  }
  storeBlock(x0lo, x0hi, x1lo, x1hi, e0, e1, bq0, bq1, cw, scale, bias, y0, y1, second, o0, cout, act);
}

/**
 * blockSimdOneWord's contract (rows of one word) when that word holds at most 16 bits (1x1
 * convs up to 16 channels: ResNet-8's first downsampling): the whole row is a tail, 2 vector
 * popcounts for both pixels where blockSimdOneWord takes 16 i64 POPCNTs (1.22x faster on
 * ResNet-8's 16 -> 32 downsampling at 4x5 and 3x3; with 32-bit lanes, at 32 channels, it was
 * no faster than blockSimdOneWord: Session#profile of both builds interleaved).
 */
@inline export function blockOneWordTail(rows: usize, m: i32, n: i32, wt0: usize, ab0: usize, kc0: i32, kc1: i32, o0: i32, cout: i32, e0: usize, e1: usize, bq0: f32, bq1: f32, cw: usize, scale: usize, bias: usize, y0: usize, y1: usize, second: bool, act: i32): void {
  let x0lo = f32x4.splat(0), x0hi = f32x4.splat(0), x1lo = f32x4.splat(0), x1hi = f32x4.splat(0);
  const half0 = f32x4.splat(<f32>kc0 * 0.5);
  const half1 = f32x4.splat(<f32>kc1 * 0.5);
  let ab = ab0;
  for (let mm = 0; mm < m; mm++) {
    const wt = wt0 + <usize>mm * TAIL_BYTES;
    const wtLo = v128.load(wt);
    for (let nn = 0; nn < n; nn++) {
      // rows [n][1 word][2 pixels]
      const hp = rows + (<usize>nn << 4);
      const t0 = load<i32>(hp);
      const t1 = load<i32>(hp, 8);
      const c0 = tail16(t0, wtLo);
      const c1 = tail16(t1, wtLo);
      const abLo = v128.load(ab);
      const abHi = v128.load(ab, 16);
      x0lo = f32x4.add(x0lo, term(abLo, half0, i32x4.extend_low_i16x8_u(c0)));
      x0hi = f32x4.add(x0hi, term(abHi, half0, i32x4.extend_high_i16x8_u(c0)));
      x1lo = f32x4.add(x1lo, term(abLo, half1, i32x4.extend_low_i16x8_u(c1)));
      x1hi = f32x4.add(x1hi, term(abHi, half1, i32x4.extend_high_i16x8_u(c1)));
      ab += 32;
    }
  }
  storeBlock(x0lo, x0hi, x1lo, x1hi, e0, e1, bq0, bq1, cw, scale, bias, y0, y1, second, o0, cout, act);
}
