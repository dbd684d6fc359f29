import '@pabnn/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Batch,
  batches,
  fit,
  loadDataset,
  TrainableModel,
  TrainError,
  useDevice,
} from '../src/index.js';
import { type StepResult, shareSizes, trainStep } from '../src/loop/train-step.js';

// Micro-batches: a batch run as shares must give the batch's loss, hits and gradients. BatchNorm
// normalises each share by its own statistics, so the exact check uses a batch made of one share
// repeated: then every share's statistics are the batch's, and nothing may differ.
const data = loadDataset('fashion-mnist', 'train', { limit: 256 });
const SHARE = 16;
const COPIES = 4;
let repeated: Batch;
let mixed: Batch;

/** Share k (images k * SHARE onwards) of a batch, as a batch of its own (copied). */
function share(b: Batch, k: number): Batch {
  const pixels = b.x.length / b.size;
  return {
    x: b.x.slice(k * SHARE * pixels, (k + 1) * SHARE * pixels),
    labels: b.labels.slice(k * SHARE, (k + 1) * SHARE),
    size: SHARE,
  };
}

beforeAll(async () => {
  await useDevice('wasm');
  // batches() reuses one buffer: copy what is kept
  const first = batches(data, { batchSize: SHARE * COPIES, shuffle: false }).next().value as Batch;
  mixed = { x: first.x.slice(), labels: first.labels.slice(), size: first.size };
  const one = share(mixed, 0);
  const x = new Float32Array(mixed.x.length);
  const labels = new Uint8Array(mixed.size);
  for (let c = 0; c < COPIES; c++) {
    x.set(one.x, c * one.x.length);
    labels.set(one.labels, c * SHARE);
  }
  repeated = { x, labels, size: mixed.size };
});

/**
 * A seeded ResNet-8 (same init every call) prepared on `calibration` (weights quantized, and
 * staircases fitted when binarized), then one trainStep on `batch`. The exact comparisons use
 * the float net: a staircase turns float32 rounding differences of the share vs batch
 * statistics into whole steps (binarized, the loss moved by ~5e-4).
 */
async function stepped(
  calibration: Batch,
  binarized: boolean,
  batch: Batch,
  microBatchSize?: number,
): Promise<{ model: TrainableModel; vars: tf.Variable[]; step: StepResult }> {
  const model = new TrainableModel('resnet8', {
    input: 'mnist',
    ...(binarized ? { scheme: 'pa', weightBases: 3, activationBases: 3 } : { scheme: 'float' }),
  });
  const x = tf.tensor4d(calibration.x, [calibration.size, 28, 28, 1]);
  await model.prepare(x);
  x.dispose();
  const vars = model.trainableVariables();
  return { model, vars, step: await trainStep(model, vars, batch, [28, 28, 1], microBatchSize) };
}

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));

/** Largest difference of two arrays relative to the larger magnitude of the first. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d / Math.max(maxAbs(a), 1e-12);
}

describe('shareSizes', () => {
  it('splits into near-equal shares of at most the given size', () => {
    expect(shareSizes(128, 32)).toEqual([32, 32, 32, 32]);
    expect(shareSizes(128, 128)).toEqual([128]);
    expect(shareSizes(100, 32)).toEqual([25, 25, 25, 25]);
    expect(shareSizes(10, 4)).toEqual([4, 3, 3]);
  });

  it('rejects a share size below 2 or not an integer', () => {
    expect(() => shareSizes(128, 1)).toThrow(/microBatchSize must be an integer >= 2, got 1/);
    expect(() => shareSizes(128, 2.5)).toThrow(TrainError);
  });
});

describe('trainStep with micro-batches', () => {
  // Compared: the same ops on the same values (a share alone vs as one of several shares), so
  // only the weighting and summing of shares can make a difference. (Against the whole batch of
  // 64 run at once, float32 sums over 4x more values already move first-layer gradients by ~1 %
  // through 8 BatchNorms' backward: not a check of the weighting.)
  it('a batch of copies of one share, run as shares, steps as that share alone', async () => {
    const {
      model: alone,
      vars: aVars,
      step: a,
    } = await stepped(repeated, false, share(repeated, 0));
    const { model: shared, vars: sVars, step: b } = await stepped(repeated, false, repeated, SHARE);
    expect(b.hits).toBe(COPIES * a.hits);
    expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-6 * Math.abs(a.loss));
    for (let i = 0; i < aVars.length; i++) {
      const ga = a.grads[aVars[i].name].dataSync() as Float32Array;
      const gb = b.grads[sVars[i].name].dataSync() as Float32Array;
      expect(relativeError(ga, gb), aVars[i].name).toBeLessThan(1e-5);
    }
    // 4 moves of 1 - 0.9^(1/4) each add up to the one move of 0.1 that the share alone made
    const sa = await alone.state();
    const sb = await shared.state();
    const stats = Object.keys(sa).filter((n) => /(mean|variance)$/.test(n));
    expect(stats.length).toBeGreaterThan(0);
    for (const name of stats) {
      // variances: the unbiased factor m / (m - 1) counts a share's values vs the batch's
      const limit = name.endsWith('mean') ? 1e-5 : 2e-3;
      expect(relativeError(sa[name], sb[name]), name).toBeLessThan(limit);
    }
    tf.dispose([...Object.values(a.grads), ...Object.values(b.grads)]);
    alone.dispose();
    shared.dispose();
  }, 120_000);

  it("a mixed batch run as shares gets the mean of its shares' gradients", async () => {
    const { model: shared, vars: sVars, step: b } = await stepped(mixed, false, mixed, SHARE);
    const expected = sVars.map((v) => new Float32Array(v.size));
    let loss = 0;
    let hits = 0;
    for (let k = 0; k < COPIES; k++) {
      const { model: alone, vars: aVars, step: a } = await stepped(mixed, false, share(mixed, k));
      loss += a.loss / COPIES;
      hits += a.hits;
      aVars.forEach((v, i) => {
        const g = a.grads[v.name].dataSync();
        for (let j = 0; j < g.length; j++) expected[i][j] += g[j] / COPIES;
      });
      tf.dispose(Object.values(a.grads));
      alone.dispose();
    }
    expect(b.hits).toBe(hits);
    expect(Math.abs(b.loss - loss)).toBeLessThan(1e-5 * Math.abs(loss));
    sVars.forEach((v, i) => {
      const got = b.grads[v.name].dataSync() as Float32Array;
      expect(relativeError(expected[i], got), v.name).toBeLessThan(1e-5);
    });
    tf.dispose(Object.values(b.grads));
    shared.dispose();
  }, 120_000);

  it('on a mixed batch still trains (each share normalised on its own), and fit checks the option', async () => {
    const { model, vars, step } = await stepped(mixed, true, mixed, SHARE);
    expect(Number.isFinite(step.loss)).toBe(true);
    expect(Object.keys(step.grads).length).toBe(vars.length);
    tf.dispose(Object.values(step.grads));
    await expect(fit(model, data, { epochs: 1, batchSize: 64, microBatchSize: 1 })).rejects.toThrow(
      /microBatchSize must be an integer >= 2/,
    );
    const run = await fit(model, data, {
      epochs: 1,
      batchSize: 64,
      microBatchSize: SHARE,
      maxSteps: 3,
    });
    expect(run.steps).toBe(3);
    expect(Number.isFinite(run.lastLoss)).toBe(true);
    model.dispose();
  }, 120_000);

  it('gradients that overflow on the way back stop fit with a TrainError, weights untouched', async () => {
    // real, not staged: a DenseNet-121 binarized with XNOR from random weights, its staircases
    // calibrated with the stored (running) BN statistics, grows its gradients about 10x per
    // layer on the way back (measured: 6e-2 at the classifier, 1e32 forty convs deeper), past
    // float32 within one step while the loss is still ~2.6. (Calibrating with the batch's own
    // statistics, the default since, keeps this net's gradients finite.)
    const model = new TrainableModel('densenet121', {
      input: 'mnist',
      scheme: 'xnor',
      weightBases: 1,
      activationBases: 1,
      calibrationStatistics: 'running',
    });
    const small = loadDataset('fashion-mnist', 'train', { limit: 32 });
    const before = await model.state();
    const run = fit(model, small, { epochs: 1, batchSize: 16 });
    await expect(run).rejects.toThrow(TrainError);
    await expect(run).rejects.toHaveProperty('code', 'nan');
    await expect(run).rejects.toThrow(
      /gradients became non-finite \(their L1 norm is (NaN|Infinity)\) at epoch 1, batch 1 .*the loss still \d.*weights were not updated/,
    );
    const after = await model.state();
    const weights = Object.keys(before).filter((n) => n.endsWith('/weight'));
    expect(weights.length).toBeGreaterThan(100);
    for (const name of weights) expect(after[name], name).toEqual(before[name]);
    model.dispose();
  }, 300_000);
});
