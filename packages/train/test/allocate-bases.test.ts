import { describe, expect, it } from 'vitest';
import { allocateBases, type LayerChoices, TrainError } from '../src/index.js';

const bases = (weightBases: number, activationBases: number) => ({
  weightBases,
  activationBases,
});

/** Every combination: the exact optimum of the additive model, to check the DP against. */
function bruteForce(layers: LayerChoices[], budget: number, maxBytes = Infinity) {
  let best = { cost: 0, error: Infinity, picks: [] as number[] };
  const walk = (i: number, cost: number, bytes: number, error: number, picks: number[]) => {
    if (cost > budget || bytes > maxBytes) return;
    if (i === layers.length) {
      if (error < best.error) best = { cost, error, picks };
      return;
    }
    layers[i].choices.forEach((c, k) =>
      walk(i + 1, cost + c.cost, bytes + (c.bytes ?? 0), error + c.error, [...picks, k]),
    );
  };
  walk(0, 0, 0, 0, []);
  return best;
}

describe('allocateBases', () => {
  // a seeded family of random problems: 6 layers x 5 choices, costs rising with M x N
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const problems = Array.from({ length: 20 }, (_, p) =>
    Array.from({ length: 6 }, (_, l) => ({
      layer: `conv${p}.${l}`,
      choices: [bases(1, 1), bases(1, 2), bases(2, 2), bases(3, 3), bases(4, 5)].map((b, k) => ({
        ...b,
        cost: (1 + random()) * b.weightBases * b.activationBases,
        error: k === 4 ? 0 : (1 + random()) / (k + 1),
      })),
    })),
  );

  it.each(problems.map((p, i) => [i, p] as const))(
    'finds the least summed error within the budget (problem %i, checked by brute force)',
    (_, layers) => {
      const full = layers.reduce((a, l) => a + l.choices[4].cost, 0);
      for (const share of [0.15, 0.3, 0.6]) {
        const budget = share * full;
        const got = allocateBases(layers, budget);
        const want = bruteForce(layers, budget);
        expect(got.cost).toBeLessThanOrEqual(budget);
        expect(got.error).toBeCloseTo(want.error, 9);
        // the returned layerBases are the choices whose costs and errors it summed
        const picked = layers.map((l) => {
          const b = got.layerBases[l.layer];
          return l.choices.find(
            (c) => c.weightBases === b.weightBases && c.activationBases === b.activationBases,
          )!;
        });
        expect(picked.reduce((a, c) => a + c.cost, 0)).toBeCloseTo(got.cost, 9);
        expect(picked.reduce((a, c) => a + c.error, 0)).toBeCloseTo(got.error, 9);
      }
    },
  );

  // the same problems with a float choice per layer: cheaper than (4, 5) on some layers, error
  // below the reference's, and weight bytes 32 bits a weight against ~M bits for (M, N)
  const withFloat = problems.map((layers) =>
    layers.map((l, i) => ({
      ...l,
      choices: [
        ...l.choices.map((c) => ({ ...c, bytes: c.weightBases * (1 + i) })),
        { float: true as const, cost: (0.5 + random()) * 10, error: -0.1, bytes: 32 * (1 + i) },
      ],
    })),
  );

  it.each(withFloat.map((p, i) => [i, p] as const))(
    'keeps float layers within both budgets (problem %i, checked by brute force)',
    (_, layers) => {
      const full = layers.reduce((a, l) => a + l.choices[4].cost, 0);
      const allFloatBytes = layers.reduce((a, l) => a + l.choices[5].bytes, 0);
      for (const share of [0.3, 0.6, 1.2]) {
        for (const bytesShare of [0.15, 0.4]) {
          const maxBytes = bytesShare * allFloatBytes;
          const got = allocateBases(layers, share * full, { maxBytes });
          const want = bruteForce(layers, share * full, maxBytes);
          expect(got.error).toBeCloseTo(want.error, 9);
          expect(got.bytes).toBeLessThanOrEqual(maxBytes);
          // float layers are named in floatConvs and absent from layerBases
          const floats = layers
            .filter((_l, i) => 'float' in layers[i].choices[want.picks[i]])
            .map((l) => l.layer);
          if (got.error === want.error) expect(got.floatConvs.sort()).toEqual(floats.sort());
          for (const f of got.floatConvs) expect(got.layerBases[f]).toBeUndefined();
          expect(Object.keys(got.layerBases).length + got.floatConvs.length).toBe(layers.length);
        }
      }
    },
  );

  it('keeps layers float where bytes allow, and none when the bytes are tight', () => {
    const floatsAt = (bytesShare: number) =>
      withFloat.map((layers) => {
        const full = layers.reduce((a, l) => a + l.choices[4].cost, 0);
        const bytes = layers.reduce((a, l) => a + l.choices[5].bytes, 0);
        return allocateBases(layers, full, { maxBytes: bytesShare * bytes }).floatConvs.length;
      });
    expect(floatsAt(0.4).some((n) => n > 0)).toBe(true);
    expect(floatsAt(0.05).every((n) => n === 0)).toBe(true);
  });

  it('says which budget a float allocation cannot meet', () => {
    const layers = withFloat[0];
    expect(() => allocateBases(layers, 1e9, { maxBytes: 0 })).toThrow(
      /no allocation fits maxBytes 0 .* once 'conv0.0' is counted/,
    );
    expect(() => allocateBases(problems[0], 1e9, { maxBytes: 10 })).toThrow(
      /maxBytes needs every choice's bytes/,
    );
  });

  it('takes the most accurate choice everywhere when the budget allows it', () => {
    const got = allocateBases(problems[0], 1e9);
    expect(Object.values(got.layerBases).every((b) => b.weightBases === 4)).toBe(true);
    expect(got.error).toBe(0);
  });

  it('names what is wrong with a budget or choices it cannot use', () => {
    expect(() => allocateBases(problems[0], 1)).toThrow(/below the cheapest allocation's cost/);
    expect(() => allocateBases(problems[0], -1)).toThrow(TrainError);
    expect(() => allocateBases([], 10)).toThrow(/no layers/);
    expect(() => allocateBases([{ layer: 'a', choices: [] }], 10)).toThrow(/'a' has no choices/);
    expect(() =>
      allocateBases([{ layer: 'a', choices: [{ ...bases(1, 1), cost: Number.NaN, error: 0 }] }], 1),
    ).toThrow(/cost must be finite/);
  });
});
