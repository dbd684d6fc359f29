// Deterministic test data: a seeded PRNG and weight-like samples (Gaussian, heavy-tailed).
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
