// The wasm backend, SIMD and scalar builds, against the shared conformance suite
// (PAConv2D against the float64 oracle), with backend-js registered as the reference.
import '@pabnn/backend-js';
import { runConformance } from '@pabnn/backend/conformance';
import { expect, it } from 'vitest';
import { simdSupported, wasmBackend } from '../src/index.js';

it('this engine runs the SIMD build', () => {
  expect(simdSupported()).toBe(true);
});

await runConformance(wasmBackend, { label: 'wasm (SIMD)' });
await runConformance(wasmBackend, { label: 'wasm (scalar)', backendOptions: { simd: false } });
