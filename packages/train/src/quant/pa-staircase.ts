import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from '../ops/custom-grad.js';
import { pieceSums } from './piece-sums.js';

/**
 * PA's activation staircase as a differentiable op, in two formulations of the same function:
 * Q(x) = v_k with k = #{j : x >= t_j}, thresholds t_j = (v_{j-1} + v_j) / 2 at the levels'
 * midpoints; dQ/dx = 1 inside [v_0, v_N], 0 outside; dQ/dv_k = the indicator of piece k
 * (docs/PA-METHOD.md, Training). They agree while the levels are ascending (as calibrated, and
 * as staircase() exports them).
 *
 * - 'gather': N thresholds compared in one broadcast kernel, one gather of the levels, and the
 *   level gradients as per-piece sums of dy (piece-sums.ts): ~10 kernels forward and ~15
 *   backward whatever N is. For WebGPU, where every dispatch costs host time.
 * - 'masks': one comparison with a scalar per threshold, Q = v_0 + sum_j [x >= t_j] (v_j -
 *   v_{j-1}), the level gradients as differences of masked sums: ~6N+3 kernels forward, more
 *   backward, each over the tensor as it is. For wasm and cpu: there a kernel is a cheap call,
 *   while broadcast comparisons and gathers run ~5-10x slower than same-shape or scalar ones.
 */
export type StaircaseFormulation = 'gather' | 'masks';

/** 'masks' on TF.js's wasm and cpu backends, 'gather' elsewhere (webgpu, webgl). */
export function defaultFormulation(backend = tf.getBackend()): StaircaseFormulation {
  return backend === 'wasm' || backend === 'cpu' ? 'masks' : 'gather';
}

// A rank-0 element: TF.js wasm compares against a scalar ~20x faster than against shape [1].
const scalarAt = (t: tf.Tensor, i: number) => tf.reshape(tf.slice(t, [i], [1]), []);
const toFloat = (t: tf.Tensor) => tf.cast(t, 'float32');

/** [v_0 <= x <= v_N]: where the straight-through gradient passes. */
const inside = (x: tf.Tensor, levels: tf.Tensor, n: number) =>
  toFloat(
    tf.logicalAnd(tf.greaterEqual(x, scalarAt(levels, 0)), tf.lessEqual(x, scalarAt(levels, n))),
  );

/** Q(x) of the staircase whose N+1 levels are `levels` (a [N+1] variable), in `formulation`. */
export function paStaircase(
  x: tf.Tensor,
  levels: tf.Tensor,
  formulation: StaircaseFormulation = defaultFormulation(),
): tf.Tensor {
  const n = levels.shape[0] - 1;
  return formulation === 'gather' ? byGather(x, levels, n) : byMasks(x, levels, n);
}

function byGather(x: tf.Tensor, levels: tf.Tensor, n: number): tf.Tensor {
  const op = customGrad(([xi, l], save) => {
    const piece = tf.tidy(() => {
      const t = tf.mul(tf.add(tf.slice(l, 0, n), tf.slice(l, 1, n)), 0.5);
      return tf.sum(tf.cast(tf.greaterEqual(tf.expandDims(xi, -1), t), 'int32'), -1);
    });
    save([xi, l, piece]);
    return {
      value: tf.gather(l, piece),
      gradFunc: (dy, [sx, sl, sp]) => [tf.mul(dy, inside(sx, sl, n)), pieceSums(dy, sp, n + 1)],
    };
  });
  return op(x, levels);
}

/** [x >= t_j] for j = 1..N. */
function thresholdMasks(x: tf.Tensor, levels: tf.Tensor, n: number): tf.Tensor[] {
  const masks: tf.Tensor[] = [];
  for (let j = 1; j <= n; j++) {
    const t = tf.mul(tf.add(scalarAt(levels, j - 1), scalarAt(levels, j)), 0.5);
    masks.push(toFloat(tf.greaterEqual(x, t)));
  }
  return masks;
}

function byMasks(x: tf.Tensor, levels: tf.Tensor, n: number): tf.Tensor {
  const op = customGrad(([xi, l], save) => {
    save([xi, l]);
    const masks = thresholdMasks(xi, l, n);
    let q: tf.Tensor = tf.add(tf.zerosLike(xi), scalarAt(l, 0));
    for (let j = 1; j <= n; j++) {
      q = tf.add(q, tf.mul(masks[j - 1], tf.sub(scalarAt(l, j), scalarAt(l, j - 1))));
    }
    return {
      value: q,
      gradFunc: (dy, [sx, sl]) => {
        const ms = thresholdMasks(sx, sl, n);
        // S_j = sum(dy * [x >= t_j]) with S_0 = sum(dy), S_{N+1} = 0; dv_k = S_k - S_{k+1}
        const sums = [tf.sum(dy), ...ms.map((m) => tf.sum(tf.mul(dy, m))), tf.scalar(0)];
        const dl = tf.stack(sums.slice(0, n + 1).map((s, k) => tf.sub(s, sums[k + 1])));
        return [tf.mul(dy, inside(sx, sl, n)), dl];
      },
    };
  });
  return op(x, levels);
}
