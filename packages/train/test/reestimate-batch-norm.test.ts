import '@pabnn/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  batches,
  loadDataset,
  reestimateBatchNorm,
  TrainableModel,
  TrainError,
  useDevice,
} from '../src/index.js';

// Batch-norm re-estimation: running statistics become the plain average of K batches' statistics.
const data = loadDataset('fashion-mnist', 'train', { limit: 512 });
let first: tf.Tensor4D;
let second: tf.Tensor4D;

beforeAll(async () => {
  await useDevice('wasm');
  const taken: tf.Tensor4D[] = [];
  // batches() reuses one buffer: each batch becomes a tensor before the next is drawn
  for (const b of batches(data, { batchSize: 64, shuffle: false })) {
    taken.push(tf.tensor4d(b.x, [b.size, 28, 28, 1]));
    if (taken.length === 2) break;
  }
  [first, second] = taken;
});

/** Every running mean and variance of the model, by name. */
async function runningStats(model: TrainableModel) {
  const state = await model.state();
  return Object.fromEntries(
    Object.entries(state).filter(([name]) => /(mean|variance)$/.test(name)),
  );
}

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));

describe('reestimateBatchNorm', () => {
  it('after one batch, inference on it gives what training mode gives', async () => {
    const model = new TrainableModel('resnet8', { input: 'mnist' });
    await model.prepare(first);
    const train = tf.tidy(() => model.forward(first, true)).dataSync();
    const before = tf.tidy(() => model.forward(first, false)).dataSync();
    model.accumulateBatchNorm(first, 1);
    const after = tf.tidy(() => model.forward(first, false)).dataSync();
    const diff = (a: ArrayLike<number>) => maxAbs(Array.from(a, (v, i) => v - train[i]));
    // fresh running statistics (0, 1) are far from the batch's: the check can fail
    expect(diff(before)).toBeGreaterThan(1e-2 * maxAbs(train));
    // only the unbiased variance (m / (m - 1), m >= 64 * 7 * 7) separates the two
    expect(diff(after)).toBeLessThan(1e-3 * maxAbs(train));
    model.dispose();
  }, 60_000);

  it('over two batches, every running statistic is the average of the two', async () => {
    const model = new TrainableModel('resnet8', { input: 'mnist', scheme: 'xnor' });
    await model.prepare(first, { exact: true });
    model.accumulateBatchNorm(first, 1);
    const a = await runningStats(model);
    model.accumulateBatchNorm(second, 1);
    const b = await runningStats(model);
    model.accumulateBatchNorm(first, 1);
    model.accumulateBatchNorm(second, 2);
    const both = await runningStats(model);
    const names = Object.keys(both);
    expect(names.length).toBeGreaterThanOrEqual(14); // 7 batch norms, mean and variance each
    for (const name of names) {
      const want = Array.from(a[name], (v, i) => (v + b[name][i]) / 2);
      const err = maxAbs(Array.from(want, (v, i) => v - both[name][i]));
      expect(err, name).toBeLessThan(1e-5 * Math.max(1, maxAbs(want)));
      // the two batches do differ, or the average would prove nothing
      expect(maxAbs(Array.from(a[name], (v, i) => v - b[name][i])), name).toBeGreaterThan(0);
    }
    model.dispose();
  }, 60_000);

  it('reads the dataset in full batches and names bad options', async () => {
    const model = new TrainableModel('resnet8', { input: 'mnist' });
    expect(await reestimateBatchNorm(model, data, { batches: 3, batchSize: 64 })).toBe(192);
    expect(await reestimateBatchNorm(model, data, { batches: 100, batchSize: 128 })).toBe(512);
    await expect(reestimateBatchNorm(model, data, { batches: 0 })).rejects.toThrow(
      /batches must be an integer >= 1, got 0/,
    );
    await expect(reestimateBatchNorm(model, data, { batchSize: 1000 })).rejects.toThrow(TrainError);
    expect(() => model.accumulateBatchNorm(first, 0)).toThrow(/k must be an integer >= 1/);
    model.dispose();
  }, 60_000);
});
