// The wasm backend, SIMD and scalar builds, against the shared conformance suite
// (PAConv2D against the float64 oracle), with backend-js registered as the reference.
import '@pabnn/backend-js';
import { runConformance } from '@pabnn/backend/conformance';
import { expect, it } from 'vitest';
import { wasmBackend as builtWasmBackend } from '../dist/index.js';
import { simdSupported, wasmBackend } from '../src/index.js';
import { floatConvPathFor } from '../src/kernel-choice.js';
import { STEM_CASES } from './stem-cases.js';

it('this engine runs the SIMD build', () => {
  expect(simdSupported()).toBe(true);
});

it('the stem cases run on the tap-run kernel', () => {
  for (const c of STEM_CASES) {
    const [cout, , , cin] = c.inputs[1]!.shape;
    const dw = (c.attrs.dilations as number[] | undefined)?.[1] ?? 1;
    expect(floatConvPathFor(1, cin, cout, dw)).toBe('tapRows');
  }
});

await runConformance(wasmBackend, { label: 'wasm (SIMD)', extraCases: STEM_CASES });
// PAConv2D's two exact paths forced in turn ('auto' above mixes them by cost,
// kernel-choice.ts): the dequantized one folds constant scale and bias into its float conv on
// the SIMD build and runs its epilogue pass on the scalar build
await runConformance(wasmBackend, {
  label: 'wasm (SIMD, binary PAConv2D)',
  backendOptions: { paConvPath: 'binary' },
});
await runConformance(wasmBackend, {
  label: 'wasm (SIMD, dequantized PAConv2D)',
  backendOptions: { paConvPath: 'dequantized' },
});
await runConformance(wasmBackend, {
  label: 'wasm (scalar, dequantized PAConv2D)',
  backendOptions: { simd: false, paConvPath: 'dequantized' },
});
await runConformance(wasmBackend, {
  label: 'wasm (scalar)',
  backendOptions: { simd: false },
  extraCases: STEM_CASES,
});
// threaded builds (shared memory, worker_threads): 3 threads split every PAConv2D by output rows
// (minPartNs 0: even the small cases are split, as a large layer would be).
// The workers load dist/kernel-worker.js, so these run the built package (the test setup builds it).
await runConformance(builtWasmBackend, {
  label: 'wasm (SIMD, 3 threads)',
  backendOptions: { threads: 3, minPartNs: 0 },
  extraCases: STEM_CASES,
});
await runConformance(builtWasmBackend, {
  label: 'wasm (SIMD, 3 threads, dequantized PAConv2D)',
  backendOptions: { threads: 3, minPartNs: 0, paConvPath: 'dequantized' },
});
await runConformance(builtWasmBackend, {
  label: 'wasm (scalar, 3 threads)',
  backendOptions: { simd: false, threads: 3, minPartNs: 0 },
  extraCases: STEM_CASES,
});
