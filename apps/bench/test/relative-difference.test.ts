import { expect, it } from 'vitest';
import { relativeDifference } from '../src/webgpu-job/relative-difference.js';

// The GPU job's output checks (kernels against the direct one, ORT's conv against ours) rest on
// this: a wrong or missing output must never read as a match.
it('is the largest difference over the largest magnitude of the reference', () => {
  expect(relativeDifference(Float32Array.of(1, 2.5), Float32Array.of(1, 2))).toBeCloseTo(0.25);
  expect(relativeDifference(Float32Array.of(-4, 0), Float32Array.of(-4, 0))).toBe(0);
});

it('fails (NaN or large) on NaN, on a shorter output and on an all-zero output', () => {
  expect(relativeDifference(Float32Array.of(Number.NaN, 1), Float32Array.of(1, 1))).toBeNaN();
  expect(relativeDifference(Float32Array.of(1), Float32Array.of(1, 1))).toBeNaN();
  expect(relativeDifference(Float32Array.of(0, 0), Float32Array.of(1, -2))).toBe(1);
});
