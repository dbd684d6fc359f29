import { seededRandom } from '@pabnn/ir';

// Deterministic test data: a seeded PRNG and weight-like samples (Gaussian, heavy-tailed).
export const rng = seededRandom;

export function gaussian(r: () => number, n: number, mean = 0, std = 1): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = Math.max(r(), 1e-12);
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  });
}

/** Laplace-like: what conv weights look like. */
export function laplace(r: () => number, n: number, scale = 0.05): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = r() - 0.5;
    return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u) + 1e-15);
  });
}
