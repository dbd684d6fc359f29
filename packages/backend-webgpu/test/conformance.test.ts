// The webgpu backend against the shared conformance suite, on whatever adapter this machine
// has (SwiftShader in CI): PAConv2D against the float64 oracle, backend-js as the reference.
import '@pabnn/backend-js';
import { runConformance } from '@pabnn/backend/conformance';
import { expect, it } from 'vitest';
import { WebGpuBackend, webgpuBackend } from '../src/index.js';
import { GPU_PA_CASES } from './pa-cases.js';

it('finds a WebGPU adapter (the test machine must have one: not skipped)', async () => {
  expect(await webgpuBackend.isSupported()).toBe(true);
  const backend = await WebGpuBackend.create();
  console.log(`webgpu adapter: ${backend.adapterName}`);
  expect(backend.adapterName.length).toBeGreaterThan(0);
  backend.dispose();
});

// PAConv2D on each kernel: the tiled and halo ones wherever they fit (the shape-based pick is
// pa-conv-variant.test.ts's), then the direct one everywhere
await runConformance(webgpuBackend, {
  label: 'webgpu, tiled PAConv2D',
  backendOptions: { paConvKernel: 'tiled' },
  paCases: GPU_PA_CASES,
});
await runConformance(webgpuBackend, {
  label: 'webgpu, tiled-wide PAConv2D',
  backendOptions: { paConvKernel: 'tiled-wide' },
  paCases: GPU_PA_CASES,
  paConvOnly: true,
});
await runConformance(webgpuBackend, {
  label: 'webgpu, halo PAConv2D',
  backendOptions: { paConvKernel: 'halo' },
  paCases: GPU_PA_CASES,
  paConvOnly: true,
});
await runConformance(webgpuBackend, {
  label: 'webgpu, halo-fused PAConv2D',
  backendOptions: { paConvKernel: 'halo-fused' },
  paCases: GPU_PA_CASES,
  paConvOnly: true,
});
await runConformance(webgpuBackend, {
  label: 'webgpu, dequantized PAConv2D',
  backendOptions: { paConvKernel: 'dequantized' },
  paCases: GPU_PA_CASES,
  paConvOnly: true,
});
// the float ops with Conv2D on its direct kernel (the runs above take the tiled one for groups 1)
await runConformance(webgpuBackend, {
  label: 'webgpu, direct float Conv2D',
  backendOptions: { floatConvKernel: 'direct' },
});
await runConformance(webgpuBackend, {
  label: 'webgpu, direct PAConv2D',
  backendOptions: { paConvKernel: 'direct' },
  paCases: GPU_PA_CASES,
  paConvOnly: true,
});
