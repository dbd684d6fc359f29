import { createQuantizer, pieceIndex } from '@pabnn/quantizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LatentWeightQuantizer, quantizeLatent, TrainableModel, useDevice } from '../src/index.js';

beforeAll(async () => {
  await useDevice('cpu');
});

// 2 output channels (the last axis), 50 weights each
const OUT = 2;
const latent = (shift: number) =>
  Float32Array.from(
    { length: 100 },
    (_, i) => Math.sin(i * 1.7) + (i % OUT) * 0.3 + shift * i * 1e-3,
  );

async function read(t: tf.Tensor) {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

describe('LatentWeightQuantizer: Q(w) per step', () => {
  it('refits every refitEvery steps; in between keeps thresholds and moves levels to piece means', async () => {
    const pa = createQuantizer({ name: 'pa', bases: 3 });
    const q = new LatentWeightQuantizer(pa, OUT, 3);
    const w0 = tf.variable(tf.tensor(latent(0), [5, 5, 2, OUT]));
    expect(Array.from(await read(await q.apply(w0)))).toEqual(
      Array.from(quantizeLatent(latent(0), OUT, pa)),
    );

    // step 2: the weights moved; thresholds are those fitted to latent(0)
    const w1 = latent(40);
    w0.assign(tf.tensor(w1, w0.shape));
    const stale = await read(await q.apply(w0));
    const thresholds: Float64Array[] = [];
    quantizeLatent(latent(0), OUT, pa, thresholds);
    for (let o = 0; o < OUT; o++) {
      const sums = [0, 0, 0, 0];
      const counts = [0, 0, 0, 0];
      for (let i = o; i < w1.length; i += OUT) {
        const k = pieceIndex(thresholds[o], w1[i]);
        sums[k] += w1[i];
        counts[k]++;
      }
      for (let i = o; i < w1.length; i += OUT) {
        const k = pieceIndex(thresholds[o], w1[i]);
        expect(stale[i]).toBeCloseTo(sums[k] / counts[k], 5);
      }
    }
    const refitted = Array.from(quantizeLatent(w1, OUT, pa));
    expect(Array.from(stale)).not.toEqual(refitted);
    // exact (evaluation, export) refits at once; step 3 (= refitEvery) refits by itself
    expect(Array.from(await read(await q.apply(w0, true)))).toEqual(refitted);
    const q2 = new LatentWeightQuantizer(pa, OUT, 2);
    await read(await q2.apply(w0));
    await read(await q2.apply(w0));
    expect(Array.from(await read(await q2.apply(w0)))).toEqual(refitted);
    w0.dispose();
  });

  it('ABC fits its constrained staircase every step', async () => {
    const abc = createQuantizer({ name: 'abc', bases: 2 });
    const q = new LatentWeightQuantizer(abc, OUT, 10);
    const w = tf.variable(tf.tensor(latent(0), [50, OUT]));
    await read(await q.apply(w));
    w.assign(tf.tensor(latent(40), w.shape));
    expect(Array.from(await read(await q.apply(w)))).toEqual(
      Array.from(quantizeLatent(latent(40), OUT, abc)),
    );
    w.dispose();
  });

  it('rejects a bad weightRefitEvery by name', () => {
    expect(
      () => new TrainableModel('resnet8', { input: 'mnist', scheme: 'pa', weightRefitEvery: 0 }),
    ).toThrow(/weightRefitEvery must be a positive integer, got 0/);
  });
});
