import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packBits, packSigns, thermometerPlanes, unpackBits, unpackSigns } from '../src/index.js';

const shapeArb = fc.tuple(
  fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
  fc.integer({ min: 1, max: 100 }),
);

describe('bit packing in the shared layout', () => {
  it('unpack(pack(bits)) is the identity, padding bits stay 0 (property)', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer(), ([outer, channels], seed) => {
        const shape = [...outer, channels];
        const n = shape.reduce((a, b) => a * b, 1);
        let s = seed >>> 0;
        const bits = Uint8Array.from(
          { length: n },
          () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 1,
        );
        const words = packBits(bits, shape);
        const perRow = Math.ceil(channels / 32);
        expect(words.length).toBe((n / channels) * perRow);
        expect(Array.from(unpackBits(words, shape))).toEqual(Array.from(bits));
        if (channels % 32 !== 0) {
          const padMask = ~((1 << (channels % 32)) - 1) >>> 0;
          for (let r = 0; r < n / channels; r++)
            expect((words[r * perRow + perRow - 1] & padMask) >>> 0).toBe(0);
        }
      }),
    );
  });

  it('packs channel c of a row into word c >> 5, bit c & 31, 1 = -1', () => {
    const values = new Float32Array(33).fill(1);
    values[0] = -1;
    values[31] = -2;
    values[32] = -0.5;
    const words = packSigns(values, [1, 33]);
    expect(Array.from(words)).toEqual([(1 | (1 << 31)) >>> 0, 1]);
    expect(Array.from(unpackSigns(words, [1, 33]))).toEqual(
      Array.from(values, (v) => Math.sign(v)),
    );
    expect(Array.from(packSigns([0, -0], [2]))).toEqual([0]); // sign(0) = +1
  });

  it('thermometer planes reproduce the staircase: c + sum a_j s_j = Q(x)', () => {
    const thresholds = [-1, 0, 1.5];
    const levels = [-2, -0.5, 0.5, 2];
    const xs = [-3, -1, -0.5, 0, 1, 1.5, 7, Number.NaN];
    const planes = thermometerPlanes(xs, [2, 4], thresholds, 3);
    const c = (levels[0] + levels[3]) / 2;
    xs.forEach((x, i) => {
      let q = c;
      for (let j = 0; j < 3; j++) {
        const bit = (planes[j][Math.floor(i / 4)] >>> (i % 4)) & 1;
        q += ((levels[j + 1] - levels[j]) / 2) * (bit ? -1 : 1);
      }
      const piece = thresholds.filter((t) => x >= t).length; // NaN: piece 0
      expect(q).toBeCloseTo(levels[piece], 12);
    });
  });

  it('supports per-channel thresholds', () => {
    // channel 0 threshold 0, channel 1 threshold 10
    const planes = thermometerPlanes([1, 1, -1, 11], [2, 2], [0, 10], 1);
    expect(Array.from(planes[0])).toEqual([0b10, 0b01]);
  });
});
