import { GraphBuilder, tensor, validateGraph } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import {
  calibrateActivations,
  calibrateFromBatchNorm,
  createQuantizer,
  dequantizeWeights,
  evaluate,
  QuantizerError,
  quantizeWeights,
  relativeSquaredError,
  unpackBits,
} from '../src/index.js';
import { gaussian, laplace, rng } from './random.js';

describe('quantizeWeights', () => {
  const shape = [6, 3, 3, 35]; // OHWI, channels not a multiple of 32
  const weights = Float32Array.from(laplace(rng(4), 6 * 3 * 3 * 35));

  for (const config of [
    { name: 'pa', bases: 4, strategy: 'optimal' },
    { name: 'pa', bases: 2, strategy: 'uniform' },
    { name: 'abc', bases: 3 },
    { name: 'xnor', bases: 1 },
  ]) {
    it(`${config.name}/${config.bases}: the stored bits and coefficients reproduce each channel's staircase`, () => {
      const q = quantizeWeights(weights, shape, config);
      const m = config.bases;
      expect(q.bits.shape).toEqual([m, ...shape]);
      expect(q.scales.shape).toEqual([6, m]);
      expect(q.offset.shape).toEqual([6]);
      const deq = dequantizeWeights(q);
      const inner = weights.length / 6;
      for (let i = 0; i < weights.length; i++) {
        const expected = evaluate(q.staircases[Math.floor(i / inner)], weights[i]);
        expect(Math.abs(deq[i] - expected)).toBeLessThan(1e-6 * (1 + Math.abs(expected)));
      }
      expect(q.relativeError).toBeCloseTo(relativeSquaredError(weights, deq), 5);
    });
  }

  it('bit-plane j is 1 (= -1) exactly where w < t_j', () => {
    const q = quantizeWeights(weights, shape, { name: 'pa', bases: 3 });
    const flags = unpackBits(q.bits.data as Uint32Array, q.bits.shape);
    const inner = weights.length / 6;
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < weights.length; i += 7) {
        const t = q.staircases[Math.floor(i / inner)].thresholds[j];
        expect(flags[j * weights.length + i]).toBe(weights[i] < t ? 1 : 0);
      }
    }
  });

  it('produces tensors a PAConv2D node accepts', () => {
    const q = quantizeWeights(weights, shape, { name: 'pa', bases: 2 });
    const act = calibrateActivations(gaussian(rng(1), 35 * 50), 35, { name: 'pa', bases: 3 });
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1, 8, 8, 35]);
    const y = g.paConv2d(
      x,
      {
        weightBits: q.bits,
        weightScales: q.scales,
        weightOffset: q.offset,
        actThresholds: act.thresholds,
        actLevels: act.levels,
      },
      { weightBases: 2, activationBases: 3, padding: 'same' },
    );
    g.output(y);
    expect(validateGraph(g.build()).values.get(y)?.shape).toEqual([1, 8, 8, 6]);
  });

  it('rejects NaN, Infinity, empty tensors and shape mismatches', () => {
    const withNaN = weights.slice();
    withNaN[100] = Number.NaN;
    expect(() => quantizeWeights(withNaN, shape, { name: 'pa', bases: 2 })).toThrow(
      /weights contains NaN at index 100/,
    );
    const withInf = weights.slice();
    withInf[5] = Number.NEGATIVE_INFINITY;
    expect(() => quantizeWeights(withInf, shape, { name: 'abc', bases: 2 })).toThrow(
      /-Infinity at index 5/,
    );
    expect(() => quantizeWeights(new Float32Array(0), [0, 3], { name: 'pa', bases: 2 })).toThrow(
      /empty weight tensor/,
    );
    expect(() => quantizeWeights(weights, [5, 3, 3, 35], { name: 'pa', bases: 2 })).toThrow(
      QuantizerError,
    );
  });

  it('a constant channel quantizes exactly, with finite coefficients', () => {
    const w = new Float32Array(2 * 40).fill(0.125);
    for (const config of [
      { name: 'pa', bases: 4 },
      { name: 'abc', bases: 3 },
    ]) {
      const q = quantizeWeights(w, [2, 40], config);
      expect(Array.from(q.scales.data).every(Number.isFinite)).toBe(true);
      expect(q.relativeError).toBeLessThan(1e-12);
      expect(
        Math.max(...Array.from(dequantizeWeights(q), (v) => Math.abs(v - 0.125))),
      ).toBeLessThan(1e-7);
    }
  });
});

describe('activation calibration', () => {
  it('per layer and per channel, from samples', () => {
    const r = rng(12);
    const c = 4;
    const samples = new Float64Array(1000 * c);
    for (let i = 0; i < samples.length; i++) samples[i] = (i % c) * 10 + gaussian(r, 1)[0];
    const layer = calibrateActivations(samples, c, { name: 'pa', bases: 3 });
    expect(layer.thresholds.shape).toEqual([3]);
    expect(layer.levels.shape).toEqual([4]);
    const perChannel = calibrateActivations(
      samples,
      c,
      { name: 'pa', bases: 3 },
      { perChannel: true },
    );
    expect(perChannel.thresholds.shape).toEqual([4, 3]);
    const t = perChannel.thresholds.data;
    for (let ch = 0; ch < c; ch++) {
      expect(t[ch * 3 + 1]).toBeCloseTo(ch * 10, 0); // middle threshold near the channel mean
    }
    expect(() => calibrateActivations([1, 2, 3], 2, { name: 'pa', bases: 1 })).toThrow(
      /do not split into 2 channels/,
    );
    expect(() => calibrateActivations([1, Number.NaN], 1, { name: 'pa', bases: 1 })).toThrow(/NaN/);
  });

  it('data-free from BatchNorm: Gaussian N(beta, gamma^2), optionally after ReLU', () => {
    const stats = { gamma: [1, 1, 1], beta: [0, 0, 0] };
    const signed = calibrateFromBatchNorm(stats, { name: 'pa', bases: 1 });
    // one threshold on a symmetric Gaussian: at the mean, levels +-sqrt(2/pi)
    expect(signed.thresholds.data[0]).toBeCloseTo(0, 2);
    expect(signed.levels.data[1]).toBeCloseTo(Math.sqrt(2 / Math.PI), 2);
    const relu = calibrateFromBatchNorm(stats, { name: 'pa', bases: 3 }, { relu: true });
    expect(Math.min(...relu.levels.data)).toBeGreaterThanOrEqual(0);
    expect(relu.thresholds.data[0]).toBeGreaterThan(0); // the ReLU's zeros share the lowest piece
    expect(relu.levels.data[0]).toBeLessThan(0.1);
    const q = createQuantizer({ name: 'pa', bases: 2 });
    expect(() => calibrateFromBatchNorm({ gamma: [1, 2], beta: [0] }, q)).toThrow(
      /gamma has 2 channels, beta 1/,
    );
    expect(() => calibrateFromBatchNorm({ gamma: [Number.NaN], beta: [0] }, q)).toThrow(
      /gamma contains NaN/,
    );
  });
});

it('tensors from @pabnn/ir carry the packed layout', () => {
  expect(tensor('bits', [2, 33]).data.length).toBe(4);
});
