import type * as tf from '@tensorflow/tfjs-core';

/**
 * A tensor's values on the host, as an owned copy: TF.js's WebGPU backend in Node can hand out
 * views of mapped memory that a later read-back reuses, so values kept past the next read
 * (states, checkpoints) would silently change.
 */
export async function readBack(t: tf.Tensor): Promise<Float32Array> {
  return ((await t.data()) as Float32Array).slice();
}
