import '@pabnn/backend-wasm';
import { createQuantizer, pieceIndex } from '@pabnn/quantizer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abcStaircase,
  ceilFloat32,
  LatentWeightQuantizer,
  levelsOnlyOnDevice,
  paStaircase,
  pieceSums,
  quantizeLatent,
  thresholdTensor,
  useDevice,
  xnorOnDevice,
} from '../src/index.js';

// The device-side paths against the formulas they replace, written out here as the reference:
// the PA staircase as it was computed before (a scalar comparison per threshold, level
// gradients as differences of masked sums), and the host-side levels-only and XNOR fits.

/** Seeded values in [-scale, scale), float32. */
function random(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

const scalarAt = (t: tf.Tensor, i: number) => tf.reshape(tf.slice(t, [i], [1]), []);

/** The staircase as TF ops, the pre-change formula: Q = v_0 + sum_j [x >= t_j] (v_j - v_{j-1}). */
function referenceStaircase(x: tf.Tensor, levels: tf.Tensor): tf.Tensor {
  const n = levels.shape[0] - 1;
  let q: tf.Tensor = tf.add(tf.zerosLike(x), scalarAt(levels, 0));
  for (let j = 1; j <= n; j++) {
    const t = tf.mul(tf.add(scalarAt(levels, j - 1), scalarAt(levels, j)), 0.5);
    const mask = tf.cast(tf.greaterEqual(x, t), 'float32');
    q = tf.add(q, tf.mul(mask, tf.sub(scalarAt(levels, j), scalarAt(levels, j - 1))));
  }
  return q;
}

/** Its straight-through gradients for upstream dy: dx = dy [v_0 <= x <= v_N], dv_k = S_k - S_{k+1}. */
function referenceGradients(x: tf.Tensor, levels: tf.Tensor, dy: tf.Tensor) {
  const n = levels.shape[0] - 1;
  const inside = tf.cast(
    tf.logicalAnd(tf.greaterEqual(x, scalarAt(levels, 0)), tf.lessEqual(x, scalarAt(levels, n))),
    'float32',
  );
  const sums: tf.Tensor[] = [tf.sum(dy)];
  for (let j = 1; j <= n; j++) {
    const t = tf.mul(tf.add(scalarAt(levels, j - 1), scalarAt(levels, j)), 0.5);
    sums.push(tf.sum(tf.mul(dy, tf.cast(tf.greaterEqual(x, t), 'float32'))));
  }
  sums.push(tf.scalar(0));
  const dv = tf.stack(sums.slice(0, n + 1).map((s, k) => tf.sub(s, sums[k + 1])));
  return { dx: tf.mul(dy, inside), dv };
}

/** ABC-Net's staircase as it was computed: one shift at a time, forward and gradients. */
function referenceAbc(x: tf.Tensor, t: number[], b: number[], c: number, dy: tf.Tensor) {
  let q: tf.Tensor = tf.fill(x.shape, c);
  let dx: tf.Tensor = tf.zerosLike(x);
  const dt: number[] = [];
  const db: number[] = [];
  t.forEach((tj, j) => {
    const sign = tf.sub(tf.mul(tf.cast(tf.greaterEqual(x, tj), 'float32'), 2), 1);
    q = tf.add(q, tf.mul(sign, b[j]));
    const near = tf.cast(tf.lessEqual(tf.abs(tf.sub(x, tj)), 0.5), 'float32');
    const slope = tf.mul(near, 2 * b[j]);
    dx = tf.add(dx, slope);
    dt.push(-tf.sum(tf.mul(dy, slope)).dataSync()[0]);
    db.push(tf.sum(tf.mul(dy, sign)).dataSync()[0]);
  });
  return { q, dx: tf.mul(dy, dx), dt, db };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number) {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`PA and ABC staircases on ${backend}: both formulations give the old formula's values and gradients`, () => {
    beforeAll(async () => {
      await useDevice(backend);
    });

    for (const n of [1, 2, 3, 5]) {
      for (const formulation of ['gather', 'masks'] as const) {
        it(`N=${n}, ${formulation}`, () => {
          const levels = tf.tensor1d(
            Float32Array.from({ length: n + 1 }, (_, k) => -1 + 0.7 * k + 0.05 * k * k),
          );
          const lv = levels.arraySync() as number[];
          // random inputs, plus every threshold, the two ends, and points just beside them
          const edges = lv.flatMap((v, k) => (k > 0 ? [(lv[k - 1] + v) / 2, v] : [v]));
          const special = edges.flatMap((e) => [e, Math.fround(e) + 1e-6, Math.fround(e) - 1e-6]);
          const values = random(2 * 5 * 4 * 3 - special.length, 7 * n, 2.5);
          const x = tf.tensor4d([...special, ...values], [2, 5, 4, 3]);
          const dy = tf.tensor4d(random(x.size, 11 * n + 1, 1), x.shape);

          const q = paStaircase(x, levels, formulation).dataSync();
          expectClose(q, referenceStaircase(x, levels).dataSync(), 1e-6);
          // gradients through the op: dL/dx and dL/dv for L = sum(dy * Q(x, v))
          const grad = tf.grads((a: tf.Tensor, v: tf.Tensor) =>
            tf.sum(tf.mul(dy, paStaircase(a, v, formulation))),
          );
          const [dx, dv] = grad([x, levels]);
          const want = referenceGradients(x, levels, dy);
          expectClose(dx.dataSync(), want.dx.dataSync(), 1e-6);
          // sums over 120 values of size ~1: differences of sums vs direct sums round apart
          expectClose(dv.dataSync(), want.dv.dataSync(), 1e-5);
          // every point lands in some piece and every piece counts it once: dv sums to sum(dy)
          const total = tf.sum(dy).dataSync()[0];
          expect(Math.abs(tf.sum(dv).dataSync()[0] - total)).toBeLessThan(1e-5);
          tf.dispose([levels, x, dy, dx, dv, want.dx, want.dv]);
        });
      }
    }

    for (const n of [1, 3]) {
      for (const formulation of ['gather', 'masks'] as const) {
        it(`ABC N=${n}, ${formulation}: the per-shift values and gradients`, () => {
          const t = [-0.8, 0.1, 0.9].slice(0, n);
          const b = [0.6, -0.3, 0.45].slice(0, n);
          const c = 0.2;
          // random inputs plus each shift and the ends of each window
          const special = t.flatMap((tj) => [tj, tj - 0.5, tj + 0.5]);
          const x = tf.tensor4d(
            [...special, ...random(3 * 4 * 2 * 5 - special.length, 5 + n, 2)],
            [3, 4, 2, 5],
          );
          const dy = tf.tensor4d(random(x.size, 17 + n), x.shape);
          const shifts = tf.tensor1d(t);
          const betas = tf.tensor1d(b);
          const want = referenceAbc(x, t, b, c, dy);
          expectClose(
            abcStaircase(x, shifts, betas, c, formulation).dataSync(),
            want.q.dataSync(),
            1e-6,
          );
          const grad = tf.grads((a: tf.Tensor, s: tf.Tensor, w: tf.Tensor) =>
            tf.sum(tf.mul(dy, abcStaircase(a, s, w, c, formulation))),
          );
          const [dx, dt, db] = grad([x, shifts, betas]);
          expectClose(dx.dataSync(), want.dx.dataSync(), 1e-6);
          expectClose(dt.dataSync(), want.dt, 1e-5);
          expectClose(db.dataSync(), want.db, 1e-5);
          tf.dispose([x, dy, shifts, betas, dx, dt, db, want.q, want.dx]);
        });
      }
    }

    it('pieceSums adds each piece apart, batch and rank as given', () => {
      const values = random(4 * 7 * 3, 3);
      const piece = Int32Array.from(values, (_v, i) => (i * 7) % 4);
      const got = pieceSums(
        tf.tensor3d(values, [4, 7, 3]),
        tf.tensor3d(piece, [4, 7, 3], 'int32'),
        5,
      ).dataSync();
      const want = [0, 0, 0, 0, 0];
      values.forEach((v, i) => {
        want[piece[i]] += v;
      });
      expectClose(got, want, 1e-6);
      expect(got[4]).toBe(0);
    });
  });

  describe(`weights quantized on the device (${backend}) equal the host-side quantizer`, () => {
    beforeAll(async () => {
      await useDevice(backend);
    });

    /** The host-side levels-only step as it was: piece means under fixed thresholds, float64. */
    function referenceLevelsOnly(data: Float32Array, thresholds: Float64Array[]): Float32Array {
      const out = thresholds.length;
      const q = new Float32Array(data.length);
      for (let o = 0; o < out; o++) {
        const sums = new Float64Array(thresholds[o].length + 1);
        const counts = new Float64Array(thresholds[o].length + 1);
        for (let i = o; i < data.length; i += out) {
          const k = pieceIndex(thresholds[o], data[i]);
          sums[k] += data[i];
          counts[k]++;
        }
        for (let i = o; i < data.length; i += out) {
          q[i] =
            sums[pieceIndex(thresholds[o], data[i])] / counts[pieceIndex(thresholds[o], data[i])];
        }
      }
      return q;
    }

    for (const [label, shape] of [
      ['conv 3x3x8 -> 6', [3, 3, 8, 6]],
      ['depthwise 3x3 x 5', [3, 3, 5, 1]],
    ] as const) {
      for (const m of [1, 2, 4]) {
        it(`PA M=${m} levels only, ${label}`, () => {
          const out = shape[3] === 1 ? shape[2] : shape[3];
          const size = (shape as readonly number[]).reduce((a, b) => a * b, 1);
          const fitted: Float64Array[] = [];
          quantizeLatent(
            random(size, 5, 0.3),
            out,
            createQuantizer({ name: 'pa', bases: m }),
            fitted,
          );
          const moved = random(size, 6, 0.3);
          const w = tf.tensor4d(moved, shape as unknown as [number, number, number, number]);
          const t = thresholdTensor(fitted);
          const q = levelsOnlyOnDevice(w, t);
          expect(q.shape).toEqual(w.shape);
          expectClose(q.dataSync(), referenceLevelsOnly(moved, fitted), 1e-6);
          tf.dispose([w, t, q]);
        });
      }
    }

    it('PA levels only: a weight between a threshold and its float32 rounding falls as on the host', () => {
      // one channel whose threshold t lies just above a float32 value f: f < t on the host, while
      // Math.fround(t) = f would put f at the threshold, in the upper piece
      const f = Math.fround(0.1);
      const t = f + 1e-12;
      expect(Math.fround(t)).toBe(f);
      const data = Float32Array.of(-0.5, f, ceilFloat32(t), 0.7);
      const thresholds = [Float64Array.of(t)];
      const w = tf.tensor4d(data, [1, 1, 4, 1]);
      const tt = thresholdTensor(thresholds);
      const q = levelsOnlyOnDevice(w, tt);
      // pieces {-0.5, f} and {ceil, 0.7}
      expectClose(q.dataSync(), referenceLevelsOnly(data, thresholds), 1e-6);
      expect(q.dataSync()[1]).toBeCloseTo((-0.5 + f) / 2, 6);
      tf.dispose([w, tt, q]);
    });

    it('XNOR: sign(w) mean|w| per channel, + at 0', () => {
      const data = random(3 * 3 * 4 * 5, 9);
      data[0] = 0;
      const w = tf.tensor4d(data, [3, 3, 4, 5]);
      const q = xnorOnDevice(w, 5);
      expectClose(
        q.dataSync(),
        quantizeLatent(data, 5, createQuantizer({ name: 'xnor', bases: 1 })),
        1e-6,
      );
      expect(q.dataSync()[0]).toBeGreaterThan(0);
      tf.dispose([w, q]);
    });
  });
}

describe('ceilFloat32: w >= t exactly when w >= ceilFloat32(t), for float32 w', () => {
  it('rounds up, and keeps float32 values', () => {
    for (const t of [0.1, -0.1, 1 / 3, -1 / 3, 1e-40, -1e-40, 0, 2.5, 1e-46, -1e-46]) {
      const c = ceilFloat32(t);
      expect(c).toBeGreaterThanOrEqual(t);
      expect(Math.fround(c)).toBe(c);
      // the float32 just below c is below t
      const below = new Float32Array([c]);
      const bits = new Int32Array(below.buffer);
      if (c > 0) bits[0]--;
      else if (c < 0) bits[0]++;
      else below[0] = -1.4e-45;
      expect(below[0]).toBeLessThan(t);
    }
  });
});

describe('read-backs: the weight quantizer reads only when it refits', () => {
  let reads = 0;
  const engine = tf.engine() as unknown as { read: (id: object) => Promise<unknown> };
  const read = engine.read;
  beforeAll(async () => {
    await useDevice('wasm');
    engine.read = (id) => {
      reads++;
      return read.call(engine, id);
    };
  });
  afterAll(() => {
    engine.read = read;
  });

  it('PA every refitEvery steps, XNOR never, ABC every step', async () => {
    const w = tf.variable(tf.tensor4d(random(3 * 3 * 4 * 2, 4), [3, 3, 4, 2]));
    const count = async (q: LatentWeightQuantizer, steps: number) => {
      const seen: number[] = [];
      for (let s = 0; s < steps; s++) {
        reads = 0;
        (await q.apply(w)).dispose();
        seen.push(reads);
      }
      return seen;
    };
    const pa = new LatentWeightQuantizer(createQuantizer({ name: 'pa', bases: 2 }), 2, 3);
    expect(await count(pa, 7)).toEqual([1, 0, 0, 1, 0, 0, 1]);
    const xnor = new LatentWeightQuantizer(createQuantizer({ name: 'xnor', bases: 1 }), 2, 3);
    expect(await count(xnor, 3)).toEqual([0, 0, 0]);
    const abc = new LatentWeightQuantizer(createQuantizer({ name: 'abc', bases: 2 }), 2, 3);
    expect(await count(abc, 3)).toEqual([1, 1, 1]);
    // exact (evaluation, export) always refits on the host
    reads = 0;
    (await xnor.apply(w, true)).dispose();
    expect(reads).toBe(1);
    pa.dispose();
    w.dispose();
  });
});
