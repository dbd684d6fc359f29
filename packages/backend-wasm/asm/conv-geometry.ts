// Helpers of every conv kernel. The field indices of the parameter blocks come from
// asm/generated/ (made by the build from src/param-blocks.ts); every conv block starts with the
// conv geometry (@pabnn/backend CONV_GEOMETRY_FIELDS).

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
