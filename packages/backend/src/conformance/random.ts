import { type Tensor, tensor } from '@pabnn/ir';

/** Seeded PRNG (mulberry32): conformance cases are the same on every run and machine. */
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

/** Uniform floats in [lo, hi); `nanEvery` > 0 puts a NaN at every nanEvery-th element. */
export function randomTensor(
  r: () => number,
  shape: number[],
  lo = -1,
  hi = 1,
  nanEvery = 0,
): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) =>
    nanEvery > 0 && i % nanEvery === nanEvery - 1 ? Number.NaN : lo + (hi - lo) * r(),
  );
  return tensor('float32', shape, data);
}
