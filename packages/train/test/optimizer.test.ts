import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Optimizer, useDevice } from '../src/index.js';

// The optimizer updates all variables as one vector: it must take the steps the variable-by-
// variable rule takes (written out here as the reference: the update before that change), and
// keep the checkpoint layout (each variable's slots in turn).

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

const SHAPES = [[3, 3, 2, 4], [4], [5, 2], [1]];

/** The per-variable rule: Adam (Kingma & Ba) or SGD with momentum 0.9, weight decay as L2. */
class Reference {
  readonly slots: Float64Array[][];
  step = 0;
  constructor(
    readonly name: 'adam' | 'sgd',
    readonly values: Float32Array[],
    readonly decay: number,
  ) {
    this.slots = values.map((v) =>
      Array.from({ length: name === 'adam' ? 2 : 1 }, () => new Float64Array(v.length)),
    );
  }
  apply(grads: (Float32Array | undefined)[], lr: number) {
    this.step++;
    const t = this.step;
    const f = Math.fround;
    this.values.forEach((v, i) => {
      const g0 = grads[i];
      if (!g0) return;
      const [m, s] = this.slots[i];
      for (let j = 0; j < v.length; j++) {
        const g = this.decay ? f(g0[j] + f(v[j] * f(this.decay))) : g0[j];
        if (this.name === 'sgd') {
          m[j] = f(f(m[j] * f(0.9)) + g);
          v[j] = f(v[j] - f(m[j] * f(lr)));
          continue;
        }
        m[j] = f(f(m[j] * f(0.9)) + f(g * f(0.1)));
        s[j] = f(f(s[j] * f(0.999)) + f(f(g * g) * f(0.001)));
        const mHat = f(m[j] / f(1 - 0.9 ** t));
        const sHat = f(s[j] / f(1 - 0.999 ** t));
        v[j] = f(v[j] - f(f(mHat / f(f(Math.sqrt(sHat)) + f(1e-8))) * f(lr)));
      }
    });
  }
}

beforeAll(async () => {
  await useDevice('cpu');
});

describe('Optimizer: all variables as one vector, the per-variable steps', () => {
  for (const [name, decay] of [
    ['adam', 0],
    ['adam', 1e-2],
    ['sgd', 0],
    ['sgd', 5e-3],
  ] as const) {
    it(`${name}, weight decay ${decay}: 4 steps (one without a gradient for a variable), checkpoint`, async () => {
      const init = SHAPES.map((s, i) =>
        random(
          s.reduce((a, b) => a * b, 1),
          i + 1,
        ),
      );
      const vars = SHAPES.map((s, i) => tf.variable(tf.tensor(init[i], s)));
      const ref = new Reference(
        name,
        init.map((v) => v.slice()),
        decay,
      );
      const opt = new Optimizer(name, vars, decay);
      for (let step = 0; step < 4; step++) {
        const grads = SHAPES.map((_s, i) =>
          step === 2 && i === 1 ? undefined : random(init[i].length, 100 * step + i),
        );
        const named: tf.NamedTensorMap = {};
        vars.forEach((v, i) => {
          const g = grads[i];
          if (g) named[v.name] = tf.tensor(g, SHAPES[i]);
        });
        opt.apply(named, 1e-2 * (step + 1));
        ref.apply(grads, 1e-2 * (step + 1));
        tf.dispose(Object.values(named));
      }
      vars.forEach((v, i) => {
        const got = v.dataSync();
        for (let j = 0; j < got.length; j++) {
          expect(Math.abs(got[j] - ref.values[i][j])).toBeLessThanOrEqual(
            1e-7 * Math.abs(ref.values[i][j]) + 1e-9,
          );
        }
      });
      // the checkpoint: each variable's slots in turn, the reference's moments
      const state = await opt.state();
      expect(state.map((s) => s.length)).toEqual(
        ref.slots.flatMap((slots) => slots.map((s) => s.length)),
      );
      state.forEach((s, k) => {
        const want = ref.slots.flat()[k];
        for (let j = 0; j < s.length; j++)
          expect(Math.abs(s[j] - want[j])).toBeLessThanOrEqual(1e-7 * Math.abs(want[j]) + 1e-12);
      });
      // restored into a fresh optimizer, it checkpoints the same moments
      const again = new Optimizer(name, vars, decay);
      again.load(opt.step, state);
      expect((await again.state()).map((s) => Array.from(s))).toEqual(
        state.map((s) => Array.from(s)),
      );
      expect(() => again.load(1, state.slice(1))).toThrow(/does not match/);
      opt.dispose();
      again.dispose();
      for (const v of vars) v.dispose();
    });
  }
});
