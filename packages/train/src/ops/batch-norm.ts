import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.js';

/**
 * Training-mode batch norm over N, H, W with its backward pass in closed form (TF.js's
 * autodiff through moments() is several times slower):
 *   dx = gamma / sigma / m * (m * dy - sum(dy) - xhat * sum(dy * xhat)).
 * `onStats` receives the batch mean and variance, to update running statistics.
 */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onStats: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const op = customGrad(([xi, g, b], save) => {
    const { mean, variance } = tf.moments(xi, [0, 1, 2]);
    onStats(mean as tf.Tensor1D, variance as tf.Tensor1D);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(xi, mean), invStd);
    save([xhat, invStd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy, saved) => {
        const [sxhat, sinv, sg] = saved;
        const m = sxhat.size / (sxhat.shape[3] as number);
        const sumDy = tf.sum(dy, [0, 1, 2]);
        const sumDyXhat = tf.sum(tf.mul(dy, sxhat), [0, 1, 2]);
        const dx = tf.mul(
          tf.div(tf.mul(sg, sinv), m),
          tf.sub(tf.sub(tf.mul(dy, m), sumDy), tf.mul(sxhat, sumDyXhat)),
        );
        return [dx, sumDyXhat, sumDy];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/** Inference-mode batch norm with running statistics. */
export function batchNormInfer(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  epsilon: number,
): tf.Tensor4D {
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)));
  return tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(mean, scale)));
}
