// The first 16 i32 fields of every conv kernel's parameter block: what paConvGeometry()
// (@pabnn/backend) writes, in this order, for PAConv2D and the float convs alike.
export const BATCH = 0;
export const IN_H = 1;
export const IN_W = 2;
export const CIN = 3;
export const GROUPS = 4;
export const COUT = 5;
export const KH = 6;
export const KW = 7;
export const SH = 8;
export const SW = 9;
export const DH = 10;
export const DW = 11;
export const PAD_TOP = 12;
export const PAD_LEFT = 13;
export const OUT_H = 14;
export const OUT_W = 15;
/** Index of a kernel's own first field. */
export const GEOMETRY_FIELDS = 16;

/** Field `i` of the i32 parameter block at `p`. */
@inline export function param(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/** First valid tap index along one axis: 0 <= pos0 + k * dilation < size. */
@inline export function firstTap(pos0: i32, dilation: i32, taps: i32): i32 {
  let k = 0;
  while (k < taps && pos0 + k * dilation < 0) k++;
  return k;
}

/** One past the last valid tap index along one axis. */
@inline export function endTap(pos0: i32, dilation: i32, taps: i32, size: i32): i32 {
  let k = taps;
  while (k > 0 && pos0 + (k - 1) * dilation >= size) k--;
  return k;
}
