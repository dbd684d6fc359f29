import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainableModel, TrainError, useDevice } from '../src/index.js';

beforeAll(async () => {
  await useDevice('wasm');
});

const options = {
  input: 'mnist',
  scheme: 'abc',
  weightBases: 3,
  activationBases: 3,
} as const;

/** Every batch norm's running statistics far from what the batch gives (mean 5, variance 1e-2). */
function staleStatistics(state: Record<string, Float32Array>): Record<string, Float32Array> {
  const stale: Record<string, Float32Array> = {};
  for (const [name, data] of Object.entries(state)) {
    if (name.endsWith('/mean')) stale[name] = new Float32Array(data.length).fill(5);
    if (name.endsWith('/variance')) stale[name] = new Float32Array(data.length).fill(1e-2);
  }
  return stale;
}

/** The activation staircases (thresholds and levels) of a model, by tensor name. */
async function staircases(model: TrainableModel): Promise<Record<string, number[]>> {
  const state = await model.state();
  return Object.fromEntries(
    Object.entries(state)
      .filter(([name]) => /\/act_(thresholds|levels)$/.test(name))
      .map(([name, data]) => [name, Array.from(data)]),
  );
}

describe('activation calibration statistics', () => {
  it("'batch' (default) fits the staircases to what training mode sees, whatever the running statistics", async () => {
    const x = tf.randomNormal([8, 28, 28, 1], 0, 1, 'float32', 11) as tf.Tensor4D;
    // same seed, same weights; one of the two has running statistics that match nothing
    const fresh = new TrainableModel('resnet8', options);
    const stale = new TrainableModel('resnet8', options);
    const staleState = staleStatistics(await stale.state());
    expect(Object.keys(staleState).length).toBeGreaterThan(0);
    stale.load(staleState);
    expect(stale.calibrationStatistics).toBe('batch');
    await fresh.prepare(x);
    await stale.prepare(x);
    const a = await staircases(fresh);
    const b = await staircases(stale);
    expect(Object.keys(a).length).toBe(2 * fresh.binarizedLayers().length);
    for (const [name, values] of Object.entries(a)) {
      expect(b[name].length).toBe(values.length);
      b[name].forEach((v, i) => expect(v).toBeCloseTo(values[i], 4));
    }
    // calibration leaves the running statistics alone
    const after = await stale.state();
    for (const [name, data] of Object.entries(staleState)) {
      expect(Array.from(after[name])).toEqual(Array.from(data));
    }
    fresh.dispose();
    stale.dispose();
  }, 60_000);

  it("'running' fits them through the running statistics (what inference sees)", async () => {
    const x = tf.randomNormal([8, 28, 28, 1], 0, 1, 'float32', 11) as tf.Tensor4D;
    const batch = new TrainableModel('resnet8', options);
    const running = new TrainableModel('resnet8', { ...options, calibrationStatistics: 'running' });
    running.load(staleStatistics(await running.state()));
    await batch.prepare(x);
    await running.prepare(x);
    const a = await staircases(batch);
    const b = await staircases(running);
    // stale statistics (variance 1e-2) blow the inputs up: the thresholds land far apart
    const spread = (s: Record<string, number[]>) =>
      Math.max(
        ...Object.entries(s)
          .filter(([name]) => name.endsWith('/act_thresholds'))
          .flatMap(([, t]) => t.map(Math.abs)),
      );
    expect(spread(b)).toBeGreaterThan(10 * spread(a));
    batch.dispose();
    running.dispose();
  }, 60_000);

  it('rejects an unknown calibrationStatistics', () => {
    expect(
      () =>
        new TrainableModel('resnet8', {
          ...options,
          calibrationStatistics: 'exponential' as 'batch',
        }),
    ).toThrow(TrainError);
  });
});
