import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decompose, evaluate, pieceIndex, recompose, type Staircase } from '../src/index.js';

const staircaseArb = fc
  .integer({ min: 1, max: 6 })
  .chain((k) =>
    fc.record({
      thresholds: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), {
        minLength: k,
        maxLength: k,
      }),
      levels: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), {
        minLength: k + 1,
        maxLength: k + 1,
      }),
    }),
  )
  .map(
    ({ thresholds, levels }): Staircase => ({
      thresholds: Float64Array.from(thresholds).sort(),
      levels: Float64Array.from(levels),
    }),
  );

describe('staircase', () => {
  it('puts x on a threshold into the upper piece (sign(0) = +1)', () => {
    expect(pieceIndex([0, 1], -0.1)).toBe(0);
    expect(pieceIndex([0, 1], 0)).toBe(1);
    expect(pieceIndex([0, 1], 1)).toBe(2);
    expect(pieceIndex([0, 1], Number.NaN)).toBe(0);
  });

  it('equals c + sum a_j sign(x - t_j) everywhere (property)', () => {
    fc.assert(
      fc.property(staircaseArb, fc.double({ min: -12, max: 12, noNaN: true }), (s, x) => {
        const { constant, coefficients, thresholds } = decompose(s);
        let bitwise = constant;
        thresholds.forEach((t, j) => {
          bitwise += coefficients[j] * (x >= t ? 1 : -1);
        });
        expect(bitwise).toBeCloseTo(evaluate(s, x), 9);
      }),
    );
  });

  it('recompose inverts decompose (property)', () => {
    fc.assert(
      fc.property(staircaseArb, (s) => {
        const back = recompose(decompose(s));
        back.levels.forEach((v, i) => expect(v).toBeCloseTo(s.levels[i], 9));
        expect(Array.from(back.thresholds)).toEqual(Array.from(s.thresholds));
      }),
    );
  });
});
