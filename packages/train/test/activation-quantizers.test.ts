import { evaluate as staircaseAt } from '@pabnn/quantizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActivationQuantizer, useDevice } from '../src/index.js';

beforeAll(async () => {
  await useDevice('cpu');
});

const X = [-3, -1.2, -0.4, -0.01, 0, 0.3, 0.9, 1.6, 2.5, 4];

describe('activation quantizers: forward is the exported staircase, gradients are the STEs', () => {
  for (const scheme of ['pa', 'abc', 'xnor'] as const) {
    it(`${scheme}: forward equals staircase() at every point`, async () => {
      const init =
        scheme === 'xnor'
          ? { thresholds: Float64Array.of(0), levels: Float64Array.of(-0.7, 0.7) }
          : { thresholds: Float64Array.of(-1, 0.5, 2), levels: Float64Array.of(-2, -0.5, 1, 3) };
      const q = createActivationQuantizer(scheme, init);
      const y = q.apply(tf.tensor1d(X)).dataSync();
      const stairs = await q.staircase();
      X.forEach((x, i) => {
        expect(y[i]).toBeCloseTo(staircaseAt(stairs, x), 5);
      });
    });
  }

  it('pa: levels a step swapped are put back in order, so forward and export agree again', async () => {
    // the two lowest levels of a trained layer (learning rate 3e-3), as the step left them
    const q = createActivationQuantizer('pa', {
      thresholds: Float64Array.of(0.15, 0.43, 1.55),
      levels: Float64Array.of(0.22, 0.08, 0.77, 2.33),
    });
    const grid = Array.from({ length: 41 }, (_, i) => -1 + i * 0.1);
    const before = q.apply(tf.tensor1d(grid)).dataSync();
    const exported = await q.staircase();
    // the swapped forward is not the exported staircase: the check fails without order()
    expect(grid.some((x, i) => Math.abs(before[i] - staircaseAt(exported, x)) > 1e-3)).toBe(true);
    q.order?.();
    const after = q.apply(tf.tensor1d(grid)).dataSync();
    const stairs = await q.staircase();
    expect(Array.from(stairs.levels)).toEqual(Array.from(exported.levels));
    grid.forEach((x, i) => {
      expect(after[i]).toBeCloseTo(staircaseAt(stairs, x), 5);
    });
  });

  it('pa: dQ/dx is 1 inside [v_0, v_N] and 0 outside; dQ/dv_k counts piece k', () => {
    const q = createActivationQuantizer('pa', {
      thresholds: Float64Array.of(-1, 1),
      levels: Float64Array.of(-2, 0, 2),
    });
    const [levels] = q.variables;
    const x = tf.tensor1d(X);
    const { grads } = tf.variableGrads(() => tf.sum(q.apply(x)) as tf.Scalar, [levels]);
    // pieces: x < -1 -> 0, -1 <= x < 1 -> 1, x >= 1 -> 2 (thresholds are the levels' midpoints)
    expect(Array.from(grads[levels.name].dataSync())).toEqual([2, 5, 3]);
    const dx = tf
      .grad((a) => tf.sum(q.apply(a)))(x)
      .dataSync();
    expect(Array.from(dx)).toEqual(X.map((v) => (v >= -2 && v <= 2 ? 1 : 0)));
  });

  it('abc: shift and coefficient gradients follow the hard-clip STE', () => {
    const q = createActivationQuantizer('abc', {
      thresholds: Float64Array.of(0),
      levels: Float64Array.of(-1, 1),
    });
    const [shifts, betas] = q.variables;
    const x = tf.tensor1d([-0.6, -0.2, 0.1, 0.4, 0.8]);
    const { grads } = tf.variableGrads(() => tf.sum(q.apply(x)) as tf.Scalar, [shifts, betas]);
    // beta = 1: dQ/dbeta = sign(x - t) summed; dQ/dt = -2 beta over the 3 points with |x| <= 1/2
    expect(grads[betas.name].dataSync()[0]).toBeCloseTo(1, 6);
    expect(grads[shifts.name].dataSync()[0]).toBeCloseTo(-6, 6);
  });
});
