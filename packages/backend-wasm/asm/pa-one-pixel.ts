// The last pixel of an odd-width output row (pa-conv-tiled.ts pairs pixels): the SIMD
// micro-kernels' v128 half covers both pixels of a pair, so a lone pixel run as a pair would do
// its v128 work twice. Here it runs alone on i64 XOR + POPCNT, half a pair's work: 10 % faster
// on ResNet-8's 7x7 layers (measured as in src/kernel-choice.ts).

import { store4, term, WORD_BYTES } from './pa-tiled-block';

/**
 * The block's 8 channels for pixel 0 of a pair alone, all on i64 POPCNT (two counts packed per
 * register, as in blockSimd): blockSimd's contract when `second` is false.
 */
@inline export function blockOnePixel(rows: usize, rowWords: i32, m: i32, n: i32, w0: usize, ab0: usize, kc: i32, o0: i32, cout: i32, e: usize, bq: f32, cw: usize, scale: usize, bias: usize, y: usize, act: i32): void {
  const planeBytes = <usize>rowWords << 4;
  const baseBytes = <usize>rowWords * WORD_BYTES;
  const half = f32x4.splat(<f32>kc * 0.5);
  let lo = f32x4.splat(0), hi = f32x4.splat(0);
  let ab = ab0;
  for (let mm = 0; mm < m; mm++) {
    const wRow = w0 + <usize>mm * baseBytes;
    for (let nn = 0; nn < n; nn++) {
      let hp = rows + <usize>nn * planeBytes;
      const end = hp + planeBytes;
      let wp = wRow;
      let q01: i64 = 0, q23: i64 = 0, q45: i64 = 0, q67: i64 = 0;
      for (; hp < end; hp += 16) {
        const h = load<i64>(hp);
        q01 += popcnt<i64>(h ^ load<i64>(wp)) | (popcnt<i64>(h ^ load<i64>(wp, 8)) << 32);
        q23 += popcnt<i64>(h ^ load<i64>(wp, 16)) | (popcnt<i64>(h ^ load<i64>(wp, 24)) << 32);
        q45 += popcnt<i64>(h ^ load<i64>(wp, 32)) | (popcnt<i64>(h ^ load<i64>(wp, 48)) << 32);
        q67 += popcnt<i64>(h ^ load<i64>(wp, 64)) | (popcnt<i64>(h ^ load<i64>(wp, 80)) << 32);
        wp += WORD_BYTES;
      }
      lo = f32x4.add(lo, term(v128.load(ab), half, i64x2.replace_lane(i64x2.splat(q01), 1, q23)));
      hi = f32x4.add(hi, term(v128.load(ab, 16), half, i64x2.replace_lane(i64x2.splat(q45), 1, q67)));
      ab += 32;
    }
  }
  store4(y, lo, e, cw, bq, scale, bias, o0, cout, act);
  store4(y, hi, e, cw, bq, scale, bias, o0 + 4, cout, act);
}
