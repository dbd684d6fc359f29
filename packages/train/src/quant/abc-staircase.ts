import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from '../ops/custom-grad.js';
import { defaultFormulation, type StaircaseFormulation } from './pa-staircase.js';

/**
 * ABC-Net's activation staircase as a differentiable op: Q(x) = c + sum_n beta_n sign(x - t_n)
 * (sign(0) = +1), with ABC-Net's hard-clip straight-through estimator over a window of width 1
 * for each sign: dQ/dx = sum_n 2 beta_n [|x - t_n| <= 1/2], dQ/dt_n = -2 beta_n [|x - t_n| <=
 * 1/2], dQ/dbeta_n = sign(x - t_n). Two formulations of the same function (pa-staircase.ts):
 * 'gather' compares x with all N shifts in one broadcast kernel ([..., N]) and reduces over that
 * axis (~20 kernels forward and backward, for WebGPU); 'masks' takes one shift at a time
 * (~4N forward, ~12N backward: faster on wasm and cpu).
 */
export function abcStaircase(
  x: tf.Tensor,
  shifts: tf.Tensor,
  betas: tf.Tensor,
  constant: number,
  formulation: StaircaseFormulation = defaultFormulation(),
): tf.Tensor {
  return formulation === 'gather'
    ? broadcast(x, shifts, betas, constant)
    : perShift(x, shifts, betas, constant);
}

// A rank-0 element: TF.js wasm compares against a scalar ~20x faster than against shape [1].
const scalarAt = (t: tf.Tensor, i: number) => tf.reshape(tf.slice(t, [i], [1]), []);
const toFloat = (t: tf.Tensor) => tf.cast(t, 'float32');
/** sign(d) with sign(0) = +1, as 2 [d >= 0] - 1. */
const signOf = (d: tf.Tensor) => tf.sub(tf.mul(toFloat(tf.greaterEqual(d, 0)), 2), 1);

function broadcast(x: tf.Tensor, shifts: tf.Tensor, betas: tf.Tensor, c: number): tf.Tensor {
  const op = customGrad(([xi, t, b], save) => {
    save([xi, t, b]);
    const q = tf.tidy(() =>
      tf.add(tf.sum(tf.mul(signOf(tf.sub(tf.expandDims(xi, -1), t)), b), -1), c),
    );
    return {
      value: q,
      gradFunc: (dy, [sx, st, sb]) => {
        const n = st.shape[0];
        const diff = tf.sub(tf.expandDims(sx, -1), st); // [..., N]
        const slope = tf.mul(toFloat(tf.lessEqual(tf.abs(diff), 0.5)), tf.mul(sb, 2));
        const dyN = tf.expandDims(dy, -1);
        // sums over every axis but the last, in two stages: per image, then over the batch
        const batch = sx.shape[0] ?? 1;
        const total = (t: tf.Tensor) =>
          tf.sum(tf.sum(tf.reshape(t, [batch, -1, n]), 1), 0) as tf.Tensor1D;
        return [
          tf.mul(dy, tf.sum(slope, -1)),
          tf.neg(total(tf.mul(dyN, slope))),
          total(tf.mul(dyN, signOf(diff))),
        ];
      },
    };
  });
  return op(x, shifts, betas);
}

function perShift(x: tf.Tensor, shifts: tf.Tensor, betas: tf.Tensor, c: number): tf.Tensor {
  const n = shifts.shape[0];
  const op = customGrad(([xi, t, b], save) => {
    save([xi, t, b]);
    let q: tf.Tensor = tf.fill(xi.shape, c);
    for (let j = 0; j < n; j++) {
      const sign = tf.sub(tf.mul(toFloat(tf.greaterEqual(xi, scalarAt(t, j))), 2), 1);
      q = tf.add(q, tf.mul(sign, scalarAt(b, j)));
    }
    return {
      value: q,
      gradFunc: (dy, [sx, st, sb]) => {
        let dx: tf.Tensor = tf.zerosLike(sx);
        const dt: tf.Tensor[] = [];
        const db: tf.Tensor[] = [];
        for (let j = 0; j < n; j++) {
          const diff = tf.sub(sx, scalarAt(st, j));
          const near = toFloat(tf.lessEqual(tf.abs(diff), 0.5));
          const slope = tf.mul(near, tf.mul(scalarAt(sb, j), 2));
          dx = tf.add(dx, slope);
          dt.push(tf.neg(tf.sum(tf.mul(dy, slope))));
          db.push(tf.sum(tf.mul(dy, signOf(diff))));
        }
        return [tf.mul(dy, dx), tf.stack(dt), tf.stack(db)];
      },
    };
  });
  return op(x, shifts, betas);
}
