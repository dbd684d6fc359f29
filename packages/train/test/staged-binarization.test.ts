import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createQuantizer } from '@pabnn/quantizer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fit,
  quantizeLatent,
  TrainableModel,
  TrainError,
  useDevice,
  weightsBinarizedAt,
} from '../src/index.js';
import { SYNTHETIC_DATA } from './synthetic-data.js';

// Staged binarization (src/loop/staged-binarization.ts): activations only first, then weights.
const dir = mkdtempSync(join(tmpdir(), 'pabnn-staged-'));

const data = SYNTHETIC_DATA;
const M = 2;
const model = (weightRefitEvery = 1) =>
  new TrainableModel('resnet8', {
    input: 'mnist',
    scheme: 'pa',
    weightBases: M,
    activationBases: 2,
    weightRefitEvery,
  });

let x: tf.Tensor4D;
beforeAll(async () => {
  await useDevice('wasm');
  x = tf.tensor4d(
    Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => Math.sin(i * 0.37) * 1.5),
    [2, 28, 28, 1],
  );
});
afterAll(() => x.dispose());

const logits = async (m: TrainableModel) => {
  const y = m.forward(x, false);
  const v = Float32Array.from(await y.data());
  y.dispose();
  return v;
};
const maxDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((d, v, i) => Math.max(d, Math.abs(v - b[i])), 0);

/**
 * `state` with every binarized layer's latent weights replaced by `f` of them, channel by
 * channel (IR filters are OHWI: each output channel is one contiguous block).
 */
function mapWeights(
  m: TrainableModel,
  state: Record<string, Float32Array>,
  f: (channel: Float32Array) => Float32Array,
): Record<string, Float32Array> {
  const out = { ...state };
  for (const layer of m.binarizedLayers()) {
    const w = state[`${layer}/weight`];
    const node = m.graph.nodes.find((n) => n.name === layer);
    const cout = m.graph.constants.get(node?.inputs[1] as string)?.shape[1] as number;
    const inner = w.length / cout;
    const q = new Float32Array(w.length);
    for (let o = 0; o < cout; o++) q.set(f(w.subarray(o * inner, (o + 1) * inner)), o * inner);
    out[`${layer}/weight`] = q;
  }
  return out;
}
const pa = createQuantizer({ name: 'pa', bases: M });
const onStaircase = (c: Float32Array) => quantizeLatent(c, 1, pa);

describe('staged binarization: the forward of each stage', () => {
  it('stage 1 convolves the latent weights as they are, with quantized activations', async () => {
    const b = model();
    await b.prepare(x, { exact: true });
    const binarized = await logits(b);
    await b.prepare(undefined, { floatWeights: true });
    expect(b.weightsBinarized).toBe(false);
    const stage1 = await logits(b);
    // the latent weights matter: off the staircase they give other logits than Q(w)
    expect(maxDiff(stage1, binarized)).toBeGreaterThan(1e-2);

    // a twin whose latent weights are b's Q(w), with b's staircases and statistics: its
    // float-weight forward is b's binarized one, so stage 1 is conv(Q_a(x), w) for any w
    const a = model();
    a.load(mapWeights(b, await b.state(), onStaircase));
    await a.prepare(undefined, { floatWeights: true });
    expect(maxDiff(await logits(a), binarized)).toBeLessThan(1e-4);
    // and after the switch a's weights are quantized, which changes nothing for them
    await a.prepare();
    expect(a.weightsBinarized).toBe(true);
    expect(maxDiff(await logits(a), binarized)).toBeLessThan(1e-4);

    // b after the switch: the fake-quantized weights apply again
    await b.prepare();
    expect(Array.from(await logits(b))).toEqual(Array.from(binarized));
    a.dispose();
    b.dispose();
  }, 60_000);

  it('the first binarized step refits the weight thresholds, whatever weightRefitEvery says', async () => {
    // weights that moved during stage 1: thresholds fitted to the old ones would be stale
    const moved = (c: Float32Array) => c.map((v, i) => v + 0.2 * Math.sin(i * 2.3));
    const run = async (withStage: boolean) => {
      const m = model(10);
      await m.prepare(x); // calibrates and fits the thresholds to the initial weights
      m.load(mapWeights(m, await m.state(), moved));
      if (withStage) await m.prepare(undefined, { floatWeights: true });
      await m.prepare(); // step 2 of 10: only the levels would follow the weights
      const y = await logits(m);
      const state = await m.state();
      m.dispose();
      return { y, state };
    };
    const staged = await run(true);
    const fresh = model();
    fresh.load(staged.state);
    await fresh.prepare(undefined, { exact: true });
    expect(Array.from(staged.y)).toEqual(Array.from(await logits(fresh)));
    // without the float stage between them, step 2 keeps the stale thresholds (the check bites)
    expect(maxDiff((await run(false)).y, staged.y)).toBeGreaterThan(1e-4);
    fresh.dispose();
  }, 60_000);
});

describe('staged binarization in fit', () => {
  // 2 epochs of 4 batches: 8 steps, the first 4 with float weights
  const run = {
    epochs: 2,
    batchSize: 4,
    learningRate: 1e-3,
    stagedBinarization: { activationsOnlyFraction: 0.5 },
  };
  const stages = async (checkpoint: string, maxSteps?: number) => {
    const m = model();
    const seen: boolean[] = [];
    const result = await fit(m, data, {
      ...run,
      checkpoint,
      maxSteps,
      onProgress: () => seen.push(m.weightsBinarized),
    });
    const state = await m.state();
    m.dispose();
    return { seen, result, state };
  };

  it('switches at the fraction of the total steps, and a resumed run continues in its stage', async () => {
    const whole = await stages(join(dir, 'whole.json'));
    expect(whole.seen).toEqual([false, false, false, false, true, true, true, true]);

    // stopped in stage 1 after 2 steps, then after 5 (in stage 2), then to the end
    const path = join(dir, 'resumed.json');
    expect((await stages(path, 2)).seen).toEqual([false, false]);
    const middle = await stages(path, 3);
    expect(middle.result.resumedFrom).toEqual({ epoch: 0, batch: 2 });
    expect(middle.seen).toEqual([false, false, true]);
    const last = await stages(path);
    expect(last.result.resumedFrom).toEqual({ epoch: 1, batch: 1 });
    expect(last.seen).toEqual([true, true, true]);
    // same stages, same steps: the resumed run ends where the uninterrupted one does
    for (const [name, v] of Object.entries(whole.state)) {
      expect(maxDiff(last.state[name], v), name).toBeLessThan(1e-5);
    }
  }, 120_000);

  it("refuses to resume a plain run's checkpoint as a staged one", async () => {
    const path = join(dir, 'plain.json');
    const m = model();
    await fit(m, data, { ...run, stagedBinarization: undefined, checkpoint: path, maxSteps: 1 });
    await expect(fit(m, data, { ...run, checkpoint: path })).rejects.toThrow(/another run/);
    m.dispose();
  }, 60_000);

  it('rejects a fraction below 0, above 1 or NaN with a TrainError naming the field', async () => {
    const m = model();
    for (const f of [-0.1, 1.5, Number.NaN]) {
      const fitting = fit(m, data, { ...run, stagedBinarization: { activationsOnlyFraction: f } });
      await expect(fitting).rejects.toBeInstanceOf(TrainError);
      await expect(fitting).rejects.toThrow(
        `stagedBinarization.activationsOnlyFraction must be a number in [0, 1], got ${f}`,
      );
    }
    m.dispose();
  });

  it('weightsBinarizedAt: a pure function of the global step and the run length', () => {
    const third = { activationsOnlyFraction: 1 / 3 };
    // 78 steps (the short CPU budget): 26 with float weights
    expect(weightsBinarizedAt(25, 78, third)).toBe(false);
    expect(weightsBinarizedAt(26, 78, third)).toBe(true);
    expect(weightsBinarizedAt(0, 78, { activationsOnlyFraction: 0 })).toBe(true);
    expect(weightsBinarizedAt(77, 78, { activationsOnlyFraction: 1 })).toBe(false);
    expect(weightsBinarizedAt(0, 78, undefined)).toBe(true);
  });
});
