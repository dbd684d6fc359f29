// The webgpu backend against the shared conformance suite, on whatever adapter this machine
// has (SwiftShader in CI): PAConv2D against the float64 oracle, backend-js as the reference.
import '@pabnn/backend-js';
import { runConformance } from '@pabnn/backend/conformance';
import { expect, it } from 'vitest';
import { WebGpuBackend, webgpuBackend } from '../src/index.js';

it('finds a WebGPU adapter (the test machine must have one: not skipped)', async () => {
  expect(await webgpuBackend.isSupported()).toBe(true);
  const backend = await WebGpuBackend.create();
  console.log(`webgpu adapter: ${backend.adapterName}`);
  expect(backend.adapterName.length).toBeGreaterThan(0);
  backend.dispose();
});

await runConformance(webgpuBackend, { label: 'webgpu' });
