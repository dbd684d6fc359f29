import * as tf from '@tensorflow/tfjs-core';

/**
 * Q(w) computed where the latent weights live (no read-back): the weight's elements as
 * [inner, outChannels], the output channel last (depthwise filters [kh, kw, C, 1] included).
 */
const perChannel = (w: tf.Tensor, outChannels: number) =>
  tf.reshape(w, [w.size / outChannels, outChannels]) as tf.Tensor2D;

/** The smallest float32 >= t: for every float32 w, w >= t exactly when w >= ceilFloat32(t). */
export function ceilFloat32(t: number): number {
  const f = Math.fround(t);
  if (f >= t || !Number.isFinite(f)) return f;
  const bits = new Float32Array([f]);
  const int = new Int32Array(bits.buffer);
  // the next float32 up: one more ulp away from 0 when positive, one less when negative
  if (f > 0) int[0]++;
  else if (f < 0) int[0]--;
  else bits[0] = 1.4e-45; // f is -0 or 0 and t > 0: the smallest subnormal
  return bits[0];
}

/**
 * Each channel's thresholds, as a [M, outChannels] float32 tensor that compares with float32
 * weights exactly as the float64 thresholds do (ceilFloat32).
 */
export function thresholdTensor(thresholds: readonly Float64Array[]): tf.Tensor2D {
  const m = thresholds[0].length;
  const out = thresholds.length;
  const values = new Float32Array(m * out);
  thresholds.forEach((t, o) => {
    for (let j = 0; j < m; j++) values[j * out + o] = ceilFloat32(t[j]);
  });
  return tf.tensor2d(values, [m, out]);
}

/**
 * PA's levels-only step on the device: each weight's piece is the number of its channel's
 * thresholds at or below it (pieceIndex of @pabnn/quantizer), each piece's level the mean of
 * its weights (the least-squares level for those thresholds, docs/PA-METHOD.md), gathered back
 * as one-hot sums: a fixed ~15 kernels per layer whatever M is.
 */
export function levelsOnlyOnDevice(w: tf.Tensor, thresholds: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const [m, out] = thresholds.shape;
    const w2 = perChannel(w, out);
    // [inner, 1, out] >= [M, out] -> [inner, M, out], summed over M
    const piece = tf.sum(tf.cast(tf.greaterEqual(tf.expandDims(w2, 1), thresholds), 'int32'), 1);
    // int32 one-hot cast after: TF.js wasm's OneHot writes int32 whatever dtype it is given
    const onehot = tf.cast(tf.oneHot(piece as tf.Tensor2D, m + 1), 'float32'); // [inner, out, M+1]
    const sums = tf.sum(tf.mul(onehot, tf.expandDims(w2, 2)), 0);
    const counts = tf.sum(onehot, 0);
    // an empty piece has no weight to give its level to: any finite value will do
    const means = tf.div(sums, tf.maximum(counts, 1));
    return tf.reshape(tf.sum(tf.mul(onehot, means), 2), w.shape);
  });
}

/** XNOR-Net on the device: sign(w) (+ at 0, as pieceIndex) times each channel's mean |w|. */
export function xnorOnDevice(w: tf.Tensor, outChannels: number): tf.Tensor {
  return tf.tidy(() => {
    const w2 = perChannel(w, outChannels);
    const alpha = tf.mean(tf.abs(w2), 0);
    const sign = tf.sub(tf.mul(tf.cast(tf.greaterEqual(w2, 0), 'float32'), 2), 1);
    return tf.reshape(tf.mul(sign, alpha), w.shape);
  });
}
