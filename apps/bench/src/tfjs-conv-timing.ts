import * as tf from '@tensorflow/tfjs-core';
import { medianQueuedMs, type TimingOptions } from './timing.js';

/** Deterministic layer data, the same for ours and TF.js's conv. */
export const wave = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.01 + seed));

/**
 * The input and 3x3 weights of a ResNet 3x3 layer [batch, size, size, c] -> c (weights scaled
 * by 0.1, in TF.js's HWIO) and TF.js's float conv time on them (stride 1, 'same') on the
 * current TF.js backend. TF.js has no public "wait for the queue": reading one element of the
 * last output waits for every conv queued before it (its submitQueue() broke its own encoder
 * state when we tried).
 */
export async function tfjsConv3x3Ms(
  [batch, size, c]: [number, number, number],
  timing: TimingOptions & { repeat?: number },
): Promise<{ x: Float32Array; w: Float32Array; ms: number }> {
  const x = wave(batch * size * size * c, 1);
  const w = wave(c * c * 9, 2).map((v) => v * 0.1);
  const tx = tf.tensor4d(x, [batch, size, size, c]);
  const tw = tf.tensor4d(w, [3, 3, c, c]);
  let last: tf.Tensor | undefined;
  const ms = await medianQueuedMs(
    () => {
      last?.dispose();
      last = tf.conv2d(tx, tw, 1, 'same');
    },
    async () => {
      const one = tf.slice(last!, [0, 0, 0, 0], [1, 1, 1, 1]);
      await one.data();
      one.dispose();
    },
    timing,
  );
  last?.dispose();
  tx.dispose();
  tw.dispose();
  return { x, w, ms };
}
