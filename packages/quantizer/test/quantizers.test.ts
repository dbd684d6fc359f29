import { describe, expect, it } from 'vitest';
import {
  createQuantizer,
  listQuantizers,
  PAQuantizer,
  QuantizerError,
  SortedValues,
  type Staircase,
  staircaseError,
  THRESHOLD_STRATEGIES,
} from '../src/index.js';
import { gaussian, laplace, rng } from './random.js';

/** Exhaustive optimum over all contiguous partitions of the sorted distinct values. */
function bruteForceOptimum(values: ArrayLike<number>, pieces: number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const sse = (a: number, b: number) => {
    let m = 0;
    for (let i = a; i < b; i++) m += sorted[i];
    m /= b - a;
    let s = 0;
    for (let i = a; i < b; i++) s += (sorted[i] - m) ** 2;
    return s;
  };
  let best = Number.POSITIVE_INFINITY;
  const recurse = (start: number, left: number, acc: number) => {
    if (left === 1) {
      best = Math.min(best, acc + sse(start, n));
      return;
    }
    for (let cut = start + 1; cut <= n - left + 1; cut++) {
      if (sorted[cut] === sorted[cut - 1]) continue; // a staircase cannot split ties
      recurse(cut, left - 1, acc + sse(start, cut));
    }
  };
  recurse(0, Math.min(pieces, new Set(sorted).size), 0);
  let norm = 0;
  for (const v of sorted) norm += v * v;
  return best / norm;
}

const pa = (bases: number, strategy: string) => createQuantizer({ name: 'pa', bases, strategy });

describe('PA quantizer', () => {
  it('levels are the piece means (least squares for the thresholds)', () => {
    const values = laplace(rng(1), 999);
    for (const strategy of THRESHOLD_STRATEGIES) {
      const s = pa(3, strategy).fit(values);
      for (let k = 0; k <= 3; k++) {
        const inPiece = Array.from(values).filter(
          (v) => (k === 0 || v >= s.thresholds[k - 1]) && (k === 3 || v < s.thresholds[k]),
        );
        if (inPiece.length) {
          expect(s.levels[k]).toBeCloseTo(inPiece.reduce((a, b) => a + b, 0) / inPiece.length, 10);
        }
      }
    }
  });

  it("'optimal' equals the exhaustive optimum on small inputs, ties included", () => {
    const r = rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const n = 3 + Math.floor(r() * 12);
      const values = Float64Array.from({ length: n }, () => Math.round(gaussian(r, 1)[0] * 4) / 4);
      for (let m = 1; m <= 3; m++) {
        const got = staircaseError(values, pa(m, 'optimal').fit(values));
        expect(got).toBeCloseTo(bruteForceOptimum(values, m + 1), 10);
      }
    }
  });

  it("'optimal' is never worse than 'lloyd', which is never worse than its 'quantile' start", () => {
    const r = rng(11);
    for (let trial = 0; trial < 30; trial++) {
      const values = trial % 2 ? laplace(r, 300 + trial * 37) : gaussian(r, 500, 0.1, 2);
      for (let m = 1; m <= 5; m++) {
        const [optimal, lloyd, quantile] = ['optimal', 'lloyd', 'quantile'].map((s) =>
          staircaseError(values, pa(m, s).fit(values)),
        );
        expect(optimal).toBeLessThanOrEqual(lloyd * (1 + 1e-12) + 1e-15);
        expect(lloyd).toBeLessThanOrEqual(quantile * (1 + 1e-12) + 1e-15);
      }
    }
  });

  it('reaches the Lloyd-Max optimum of a Gaussian (Max, 1960) and falls as bases grow', () => {
    // optimal mean squared error of a K-level quantizer for N(0, 1)
    const max1960 = [0.3634, 0.1902, 0.1175, 0.07994, 0.05798];
    const values = gaussian(rng(3), 40000);
    const errors = [1, 2, 3, 4, 5].map((m) => staircaseError(values, pa(m, 'optimal').fit(values)));
    errors.forEach((e, i) => expect(e).toBeCloseTo(max1960[i], 2));
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThan(errors[i - 1]);
  });

  it('uniform spreads equal-width pieces over +-k std', () => {
    const values = gaussian(rng(5), 10000);
    const s = createQuantizer({ name: 'pa', bases: 3, strategy: 'uniform', uniformStd: 2 }).fit(
      values,
    );
    const std = new SortedValues(values).std();
    const width = s.thresholds[1] - s.thresholds[0];
    expect(s.thresholds[2] - s.thresholds[1]).toBeCloseTo(width, 10);
    expect(width).toBeCloseTo((4 * std) / 4, 10);
  });

  it('handles constant channels, few distinct values and all-zero input exactly', () => {
    for (const strategy of THRESHOLD_STRATEGIES) {
      for (const values of [
        new Float64Array(9).fill(0.3),
        Float64Array.of(1, 1, 2, 2, 2),
        new Float64Array(4),
      ]) {
        const s: Staircase = pa(4, strategy).fit(values);
        expect(s.levels.every(Number.isFinite) && s.thresholds.every(Number.isFinite)).toBe(true);
        if (strategy === 'optimal' || strategy === 'lloyd')
          expect(staircaseError(values, s)).toBe(0);
      }
    }
  });
});

describe('baselines', () => {
  it('xnor is mean|w| * sign(w) and has one base only', () => {
    const s = createQuantizer({ name: 'xnor', bases: 1 }).fit([-2, 1, 3, 0]);
    expect(Array.from(s.thresholds)).toEqual([0]);
    expect(Array.from(s.levels)).toEqual([-1.5, 1.5]);
    expect(() => createQuantizer({ name: 'xnor', bases: 2 })).toThrow(/single-base/);
  });

  it('abc uses thresholds mean - u std with least-squares alphas and no constant', () => {
    const values = gaussian(rng(9), 2000, 0.2, 1.5);
    const sv = new SortedValues(values);
    const s = createQuantizer({ name: 'abc', bases: 3 }).fit(values);
    const expected = [-1, 0, 1].map((u) => sv.mean + u * sv.std()).sort((a, b) => a - b);
    s.thresholds.forEach((t, i) => expect(t).toBeCloseTo(expected[i], 10));
    expect(s.levels[0] + s.levels[3]).toBeCloseTo(0, 10); // c = 0
    // least squares: nudging any alpha makes the error worse
    const base = staircaseError(values, s);
    for (let j = 0; j < 3; j++) {
      for (const d of [1e-3, -1e-3]) {
        const levels = Float64Array.from(s.levels, (v, k) => v + (k > j ? d : -d));
        expect(staircaseError(values, { thresholds: s.thresholds, levels })).toBeGreaterThan(base);
      }
    }
  });

  it('PA beats ABC-Net at every M and XNOR at M = 1 on weight-like data', () => {
    const values = laplace(rng(21), 4608, 0.02);
    const xnor = staircaseError(values, createQuantizer({ name: 'xnor', bases: 1 }).fit(values));
    for (let m = 1; m <= 5; m++) {
      const paErr = staircaseError(values, pa(m, 'optimal').fit(values));
      const abcErr = staircaseError(values, createQuantizer({ name: 'abc', bases: m }).fit(values));
      expect(paErr).toBeLessThan(abcErr);
      if (m === 1) expect(paErr).toBeLessThanOrEqual(xnor);
    }
  });
});

describe('quantizer registry and configs', () => {
  it('round-trips configs through JSON and reproduces the fit', () => {
    expect(listQuantizers()).toEqual(['abc', 'pa', 'xnor']);
    const values = laplace(rng(2), 500);
    for (const config of [
      { name: 'pa', bases: 4, strategy: 'lloyd', lloydIterations: 20 },
      { name: 'abc', bases: 2 },
      { name: 'xnor', bases: 1 },
    ]) {
      const q = createQuantizer(config);
      const again = createQuantizer(JSON.parse(JSON.stringify(q.config)));
      expect(again.fit(values)).toEqual(q.fit(values));
    }
    expect(createQuantizer({ name: 'pa', bases: 2 }).config).toMatchObject({ strategy: 'optimal' });
    expect(new PAQuantizer({ name: 'pa', bases: 2, strategy: 'quantile' }).label).toBe(
      'pa-quantile',
    );
  });

  it('rejects bad configs and bad values with clear errors', () => {
    const bad = (fn: () => unknown, code: string, message: RegExp) => {
      expect(fn).toThrow(QuantizerError);
      expect(fn).toThrow(message);
      try {
        fn();
      } catch (e) {
        expect((e as QuantizerError).code).toBe(code);
      }
    };
    bad(() => createQuantizer({ name: 'pa', bases: 0 }), 'bases', /from 1 to 16, got 0/);
    bad(() => createQuantizer({ name: 'pa', bases: 1000 }), 'bases', /got 1000/);
    bad(() => createQuantizer({ name: 'pa', bases: 2.5 }), 'bases', /integer/);
    bad(
      () => createQuantizer({ name: 'ternary', bases: 2 }),
      'config',
      /unknown quantizer "ternary" \(registered: abc, pa, xnor\)/,
    );
    bad(() => createQuantizer(null), 'config', /must be an object/);
    bad(
      () => createQuantizer({ name: 'pa', bases: 2, strategy: 'kmeans' }),
      'config',
      /unknown PA strategy "kmeans"/,
    );
    const q = createQuantizer({ name: 'pa', bases: 2 });
    bad(() => q.fit([1, Number.NaN, 2]), 'non-finite', /NaN at index 1/);
    bad(() => q.fit([1, Number.POSITIVE_INFINITY]), 'non-finite', /Infinity at index 1/);
    bad(() => q.fit([]), 'empty', /empty/);
    bad(() => createQuantizer({ name: 'abc', bases: 2 }).fit([Number.NaN]), 'non-finite', /NaN/);
  });
});
