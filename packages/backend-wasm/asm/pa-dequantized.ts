// The dequantized path of PAConv2D (src/pa-conv-dequantized.ts): where a layer's M x N popcount
// passes cost more than one float multiply-add per tap and channel, the same conv runs as
// act(scale * conv(zeroPad(Q_a(x)), Q_w) + bias) on float values, docs/PA-METHOD.md's
// definition itself: quantizeF32() maps the input to its staircase levels, conv2dF32
// (float-ops.ts) convolves them with the dequantized weights, paEpilogueF32() applies scale,
// bias and the activation. Same model, same result to float32 rounding.

import { activate, activate4 } from './activation';

/**
 * y[i] = Q_a(x[i]) = v_k, k = #{j : x[i] >= t_j}, for `count` values. The thresholds ascend
 * (@pabnn/ir validates a model's), so x >= t_j for the j below k only, and each compare in
 * turn selects v_{j + 1} over what the lower ones chose; a NaN passes no compare and takes v_0,
 * as binarize() (pa-conv.ts) reads it. thr holds each t_j four times (f32 [n][4]), levels each
 * v_k four times ([n + 1][4]): one v128 load each, no splat in the loop.
 */
export function quantizeF32(x: usize, count: i32, n: i32, thr: usize, levels: usize, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = v128.load(levels);
    for (; i + 4 <= count; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      let q = v0;
      for (let j = 0; j < n; j++) {
        const at = <usize>j << 4;
        q = v128.bitselect(v128.load(levels + at, 16), q, f32x4.ge(v, v128.load(thr + at)));
      }
      v128.store(y + (<usize>i << 2), q);
    }
  }
  for (; i < count; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    let k = 0;
    while (k < n && v >= load<f32>(thr + (<usize>k << 4))) k++;
    store<f32>(y + (<usize>i << 2), load<f32>(levels + (<usize>k << 4)));
  }
}

/**
 * y = act(scale * y + bias) in place over `pixels` rows of `c` channels; scale and bias are f32
 * [c] or 0 (absent). Four channels a step, the last c % 4 one at a time.
 */
export function paEpilogueF32(y: usize, pixels: i32, c: i32, scale: usize, bias: usize, act: i32): void {
  for (let p = 0; p < pixels; p++) {
    const row = y + (<usize>p * c << 2);
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      for (; i + 4 <= c; i += 4) {
        const off = <usize>i << 2;
        let v = v128.load(row + off);
        if (scale) v = f32x4.mul(v, v128.load(scale + off));
        if (bias) v = f32x4.add(v, v128.load(bias + off));
        v128.store(row + off, activate4(v, act));
      }
    }
    for (; i < c; i++) {
      const off = <usize>i << 2;
      let v = load<f32>(row + off);
      if (scale) v *= load<f32>(scale + off);
      if (bias) v += load<f32>(bias + off);
      store<f32>(row + off, activate(v, act));
    }
  }
}
