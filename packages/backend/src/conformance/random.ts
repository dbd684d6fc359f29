import { seededRandom, type Tensor, tensor } from '@pabnn/ir';

/** Seeded PRNG: conformance cases are the same on every run and machine. */
export const rng = seededRandom;

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
