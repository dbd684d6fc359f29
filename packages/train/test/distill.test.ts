import '@pabnn/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Batch,
  batches,
  crossEntropy,
  distillationLoss,
  fit,
  loadDataset,
  TrainableModel,
  TrainError,
  useDevice,
} from '../src/index.js';
import { trainStep } from '../src/loop/train-step.js';

// Knowledge distillation (Hinton, Vinyals and Dean 2015; src/loop/distill.ts).
const Z = [
  [1, 2, 0],
  [0.5, -1, 2],
];
const TEACHER = [
  [0, 1, 3],
  [1, 1, -2],
];
const LABELS = Uint8Array.from([1, 2]);

beforeAll(async () => {
  await useDevice('wasm');
});

describe('distillationLoss', () => {
  it('equals the hand-computed value on a two-image, three-class batch', () => {
    // by hand (float64): CE = 0.32445863..., KL(p || q) at T = 2 = 0.53177951...;
    // L = 0.75 * CE + 0.25 * 4 * KL
    const loss = distillationLoss(tf.tensor2d(Z), tf.tensor2d(TEACHER), LABELS, 2, 0.25);
    expect(loss.dataSync()[0]).toBeCloseTo(0.7751234862514956, 5);
    const hard = crossEntropy(tf.tensor2d(Z), LABELS);
    expect(hard.dataSync()[0]).toBeCloseTo(0.32445863055076873, 5);
  });

  it('alpha = 0 is plain cross-entropy, whatever the teacher says', () => {
    const z = tf.tensor2d(Z);
    const plain = crossEntropy(z, LABELS).dataSync()[0];
    for (const T of [1, 4, 10]) {
      const kd = distillationLoss(z, tf.tensor2d(TEACHER), LABELS, T, 0).dataSync()[0];
      expect(kd).toBe(plain);
    }
  });

  it('alpha = 1: zero when the student matches the teacher up to a constant per image', () => {
    const shifted = tf.add(tf.tensor2d(TEACHER), tf.tensor2d([[5], [-3]])) as tf.Tensor2D;
    const loss = distillationLoss(shifted, tf.tensor2d(TEACHER), LABELS, 3, 1).dataSync()[0];
    expect(Math.abs(loss)).toBeLessThan(1e-6);
    // and not zero when it does not
    const off = distillationLoss(tf.tensor2d(Z), tf.tensor2d(TEACHER), LABELS, 3, 1).dataSync()[0];
    expect(off).toBeGreaterThan(0.1);
  });

  it('has the documented gradient: ((1 - a)(softmax(z) - y) + a T (q - p)) / B', () => {
    const T = 2;
    const a = 0.25;
    const t = tf.tensor2d(TEACHER);
    const g = tf
      .grad((z: tf.Tensor) => distillationLoss(z as tf.Tensor2D, t, LABELS, T, a))(tf.tensor2d(Z))
      .arraySync() as number[][];
    const softmax = (v: number[]) => {
      const m = Math.max(...v);
      const e = v.map((x) => Math.exp(x - m));
      const s = e.reduce((u, x) => u + x, 0);
      return e.map((x) => x / s);
    };
    Z.forEach((z, b) => {
      const s = softmax(z);
      const q = softmax(z.map((x) => x / T));
      const p = softmax(TEACHER[b].map((x) => x / T));
      for (let c = 0; c < 3; c++) {
        const y = LABELS[b] === c ? 1 : 0;
        const expected = ((1 - a) * (s[c] - y) + a * T * (q[c] - p[c])) / Z.length;
        expect(g[b][c]).toBeCloseTo(expected, 5);
      }
    });
  });
});

describe('fit with distill', () => {
  const data = loadDataset('fashion-mnist', 'train', { limit: 256 });

  it('rejects a bad temperature, alpha or teacher with a TrainError naming it', async () => {
    const student = new TrainableModel('resnet8', { input: 'mnist' });
    const teacher = new TrainableModel('resnet8', { input: 'mnist' });
    const run = (distill: object) =>
      fit(student, data, { epochs: 1, batchSize: 64, maxSteps: 1, distill: distill as never });
    await expect(run({ teacher, temperature: 0 })).rejects.toThrow(
      /distill.temperature must be > 0, got 0/,
    );
    await expect(run({ teacher, alpha: 1.5 })).rejects.toThrow(/distill.alpha must be in \[0, 1]/);
    await expect(run({ teacher: 42 })).rejects.toThrow(TrainError);
    student.dispose();
    teacher.dispose();
  });

  it('a step with alpha = 0 is the plain step; with alpha > 0 the gradients differ', async () => {
    const b = batches(data, { batchSize: 32, shuffle: false }).next().value as Batch;
    const batch = { x: b.x.slice(), labels: b.labels.slice(), size: b.size };
    const x = tf.tensor4d(batch.x, [batch.size, 28, 28, 1]);
    const fresh = async () => {
      const m = new TrainableModel('resnet8', { input: 'mnist' });
      await m.prepare(x);
      return m;
    };
    const teacher = await fresh();
    // a teacher with other weights than the student's (both seeded alike otherwise)
    const state = await teacher.state();
    const scaled = Object.fromEntries(
      Object.entries(state).map(([k, v]) => [k, /kernel|weight/.test(k) ? v.map((u) => -u) : v]),
    );
    teacher.load(scaled);
    await teacher.prepare(x);
    const teacherLogits = (input: tf.Tensor4D) => teacher.forward(input, false);
    const steps = [];
    for (const distill of [undefined, { teacherLogits, temperature: 4, alpha: 0 }]) {
      const m = await fresh();
      const vars = m.trainableVariables();
      const step = await trainStep(m, vars, batch, [28, 28, 1], undefined, distill);
      steps.push({ step, vars, m });
    }
    const m = await fresh();
    const vars = m.trainableVariables();
    const kd = await trainStep(m, vars, batch, [28, 28, 1], undefined, {
      teacherLogits,
      temperature: 4,
      alpha: 0.9,
    });
    const [plain, zero] = steps;
    expect(zero.step.loss).toBe(plain.step.loss);
    expect(zero.step.hits).toBe(plain.step.hits);
    let largest = 0;
    for (let i = 0; i < plain.vars.length; i++) {
      const a = plain.step.grads[plain.vars[i].name].dataSync();
      const z = zero.step.grads[zero.vars[i].name].dataSync();
      const k = kd.grads[vars[i].name].dataSync();
      expect(Array.from(z)).toEqual(Array.from(a));
      for (let j = 0; j < a.length; j++) largest = Math.max(largest, Math.abs(k[j] - a[j]));
    }
    expect(largest).toBeGreaterThan(1e-4);
    expect(kd.loss).not.toBe(plain.step.loss);
    x.dispose();
    teacher.dispose();
    for (const s of [...steps, { m }]) s.m.dispose();
  }, 120_000);

  it('trains a binarized student from a float teacher without changing the teacher', async () => {
    const teacher = new TrainableModel('resnet8', { input: 'mnist' });
    const before = await teacher.state();
    const student = new TrainableModel('resnet8', {
      input: 'mnist',
      scheme: 'pa',
      weightBases: 2,
      activationBases: 2,
    });
    student.load(before);
    const result = await fit(student, data, {
      epochs: 1,
      batchSize: 64,
      maxSteps: 2,
      distill: { teacher, temperature: 4, alpha: 0.5 },
    });
    expect(result.steps).toBe(2);
    expect(Number.isFinite(result.lastLoss)).toBe(true);
    const after = await teacher.state();
    for (const [name, v] of Object.entries(before)) expect(after[name], name).toEqual(v);
    teacher.dispose();
    student.dispose();
  }, 120_000);
});
