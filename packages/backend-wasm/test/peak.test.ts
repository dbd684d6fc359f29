import { expect, it } from 'vitest';
import { WasmBackend } from '../dist/index.js';

// The benchmark's "% of peak" column divides by this number, so it must be a real rate.
it('measures the popcount peak as a finite rate and refuses after dispose', async () => {
  const backend = await WasmBackend.create();
  const peak = backend.popcountPeak(50);
  // any engine that runs wasm does far more than 1e8 binary MACs a second; Infinity or 0
  // would mean an untimed or skipped loop
  expect(peak).toBeGreaterThan(1e8);
  expect(Number.isFinite(peak)).toBe(true);
  backend.dispose();
  expect(() => backend.popcountPeak(10)).toThrow(/disposed/);
});
