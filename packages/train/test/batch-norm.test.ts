import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { batchNormTrain, useDevice } from '../src/index.js';

beforeAll(async () => {
  await useDevice('cpu');
});

it('closed-form batch-norm backward equals autodiff through moments', () => {
  const x = tf.randomNormal([3, 5, 4, 6], 1, 2, 'float32', 3) as tf.Tensor4D;
  const gamma = tf.randomNormal([6], 1, 0.3, 'float32', 4) as tf.Tensor1D;
  const beta = tf.randomNormal([6], 0, 0.3, 'float32', 5) as tf.Tensor1D;
  const target = tf.randomNormal([3, 5, 4, 6], 0, 1, 'float32', 6);
  const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, target));
  let stats: number[] = [];
  const ours = tf.grads((a, g, b) =>
    loss(
      batchNormTrain(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, (m) => {
        stats = Array.from(m.dataSync());
      }),
    ),
  )([x, gamma, beta]);
  const reference = tf.grads((a, g, b) => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    return loss(tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b));
  })([x, gamma, beta]);
  for (let i = 0; i < 3; i++) {
    const a = ours[i].dataSync();
    const b = reference[i].dataSync();
    const scale = Math.max(...Array.from(b, Math.abs));
    const diff = Math.max(...Array.from(a, (v, j) => Math.abs(v - b[j])));
    expect(diff / scale).toBeLessThan(1e-4);
  }
  expect(stats).toEqual(Array.from(tf.moments(x, [0, 1, 2]).mean.dataSync()));
});
