import * as tf from '@tensorflow/tfjs-core';

/**
 * s_k = sum of `values` over the elements whose `piece` is k, for k = 0..pieces-1 (`piece`:
 * int32, the values' shape, first axis the batch). Computed as a [pieces, batch, rest] mask
 * times the values, reduced over its last axis and then the batch: plain reductions, with
 * pieces x batch independent rows, and the same order of additions on every run. (TF.js
 * WebGPU's UnsortedSegmentSum adds floats by compare-and-swap loops, all threads of a piece
 * on one address; wasm has no such kernel.)
 */
export function pieceSums(values: tf.Tensor, piece: tf.Tensor, pieces: number): tf.Tensor1D {
  return tf.tidy(() => {
    const batch = values.shape[0] ?? 1;
    const rows = [1, batch, values.size / batch];
    const k = tf.reshape(tf.range(0, pieces, 1, 'int32'), [pieces, 1, 1]);
    const mask = tf.cast(tf.equal(tf.reshape(piece, rows), k), 'float32');
    return tf.sum(tf.sum(tf.mul(mask, tf.reshape(values, rows)), 2), 1) as tf.Tensor1D;
  });
}
