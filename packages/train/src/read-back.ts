import type * as tf from '@tensorflow/tfjs-core';

/**
 * A tensor's values on the host, asynchronously (TF.js's WebGPU backend in Node has no
 * synchronous reads) and as an owned copy, so that values kept in states and checkpoints never
 * share memory with a backend.
 */
export async function readBack(t: tf.Tensor): Promise<Float32Array> {
  return ((await t.data()) as Float32Array).slice();
}
