// blockSimd (pa-tiled-block.ts) for rows of at most BYTE_WORDS words (every 3x3 conv up to 64
// channels, ResNet-8's and the first layers of most nets): one byte-counter chunk covers the
// whole row, so there is no chunk loop and no i16 counters. Those four i16x8 counters and the
// chunk bookkeeping made V8 spill the f32 accumulators to the stack on every (m, n) pass; here
// the byte counts go straight to i32 (i32x4.dot_i16x8_s with ones: one instruction where the
// unsigned pairwise add takes three; the i16 sums are at most 16 x 31 < 2^15). Which rows take
// this micro-kernel is measured (src/kernel-choice.ts).

import { BYTE_WORDS, storeBlock, term, WORD_BYTES } from './pa-tiled-block';

/** Sums of four bytes of each pixel half of v (bytes at most 8 x BYTE_WORDS) as i32x4. */
@inline function quads(v: v128): v128 {
  return i32x4.dot_i16x8_s(i16x8.extadd_pairwise_i8x16_u(v), i16x8.splat(1));
}

/** blockSimd's contract, for rowWords <= BYTE_WORDS. */
@inline export function blockSimdShort(rows: usize, rowWords: i32, m: i32, n: i32, w0: usize, ab0: usize, kc0: i32, kc1: i32, o0: i32, cout: i32, e0: usize, e1: usize, bq0: f32, bq1: f32, cw: usize, scale: usize, bias: usize, y0: usize, y1: usize, second: bool, act: i32): void {
  const planeBytes = <usize>rowWords << 4;
  const baseBytes = <usize>rowWords * WORD_BYTES;
  let x0lo = f32x4.splat(0), x0hi = f32x4.splat(0), x1lo = f32x4.splat(0), x1hi = f32x4.splat(0);
  let ab = ab0;
  for (let mm = 0; mm < m; mm++) {
    const wRow = w0 + <usize>mm * baseBytes;
    for (let nn = 0; nn < n; nn++) {
      let hp = rows + <usize>nn * planeBytes;
      const end = hp + planeBytes;
      let wp = wRow;
      // two channels' counts share an i64, as in blockSimd
      let q01: i64 = 0, q23: i64 = 0, r01: i64 = 0, r23: i64 = 0;
      let v4 = i8x16.splat(0), v5 = i8x16.splat(0), v6 = i8x16.splat(0), v7 = i8x16.splat(0);
      for (; hp < end; hp += 16) {
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
      const c4 = quads(v4), c5 = quads(v5), c6 = quads(v6), c7 = quads(v7);
      // (channel 4 pixel 0, channel 4 pixel 1, channel 5 pixel 0, channel 5 pixel 1), then 6, 7
      const s45 = i32x4.add(v128.shuffle<i32>(c4, c5, 0, 2, 4, 6), v128.shuffle<i32>(c4, c5, 1, 3, 5, 7));
      const s67 = i32x4.add(v128.shuffle<i32>(c6, c7, 0, 2, 4, 6), v128.shuffle<i32>(c6, c7, 1, 3, 5, 7));
      const abLo = v128.load(ab);
      const abHi = v128.load(ab, 16);
      const half0 = f32x4.splat(<f32>kc0 * 0.5);
      const half1 = f32x4.splat(<f32>kc1 * 0.5);
      x0lo = f32x4.add(x0lo, term(abLo, half0, i64x2.replace_lane(i64x2.splat(q01), 1, q23)));
      x1lo = f32x4.add(x1lo, term(abLo, half1, i64x2.replace_lane(i64x2.splat(r01), 1, r23)));
      x0hi = f32x4.add(x0hi, term(abHi, half0, v128.shuffle<i32>(s45, s67, 0, 2, 4, 6)));
      x1hi = f32x4.add(x1hi, term(abHi, half1, v128.shuffle<i32>(s45, s67, 1, 3, 5, 7)));
      ab += 32;
    }
  }
  storeBlock(x0lo, x0hi, x1lo, x1hi, e0, e1, bq0, bq1, cw, scale, bias, y0, y1, second, o0, cout, act);
}
