import '@pabnn/backend-js';
import { relativeMaxError } from '@pabnn/backend/conformance';
import { type Graph, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { createModel } from '@pabnn/zoo';
import { expect, it } from 'vitest';
import { WebGpuBackend } from '../src/index.js';
import type { PAConvKernel } from '../src/pa-conv2d-variant.js';

const image = (batch: number, [h, w, c]: number[], pixel = (i: number) => Math.sin(i * 0.37)) =>
  tensor(
    'float32',
    [batch, h, w, c],
    Float32Array.from({ length: batch * h * w * c }, (_, i) => pixel(i)),
  );

/**
 * Runs `graph` on webgpu (with `backendOptions`) and on js at batch 2 then 1 (parameter blocks
 * rewritten, buffers regrown): same output shape, within 1e-4, no node fallen back to js.
 * Returns the webgpu session's profile.
 */
async function expectMatchesJs(
  graph: Graph,
  backendOptions?: { paConvKernel: PAConvKernel },
  pixel?: (i: number) => number,
) {
  const gpu = await Session.create(graph, { backend: 'webgpu', backendOptions });
  const js = await Session.create(graph, { backend: 'js' });
  const input = graph.inputs[0];
  const output = graph.outputs[0];
  for (const batch of [2, 1]) {
    const feeds = { [input.name]: image(batch, input.shape.slice(1), pixel) };
    const [a, b] = [await gpu.run(feeds), await js.run(feeds)];
    expect(a[output].shape).toEqual(b[output].shape);
    expect(relativeMaxError(a[output].data, b[output].data)).toBeLessThan(1e-4);
  }
  const profile = gpu.profile();
  expect(profile.fallbacks).toEqual([]);
  gpu.dispose();
  js.dispose();
  return profile;
}

// The per-layer bases model: each PAConv2D node has its own M and N.
const PER_LAYER = {
  input: 'cifar',
  layerBases: {
    'layer1.0.conv1': { weightBases: 1, activationBases: 3 },
    'layer2.0.conv2': { weightBases: 3, activationBases: 1 },
  },
} as const;

// Whole zoo models on the GPU: every node (PAConv2D and the float ops: convs, depthwise, BN,
// pooling, concat, add, dense, softmax...) runs on webgpu, none falls back to js, and the
// outputs match the js backend. Two batch sizes: parameter blocks are rewritten, buffers regrown.
for (const [model, options] of [
  ['pa_resnet8', { input: 'cifar', weightBases: 2, activationBases: 3 }],
  ['pa_resnet8', PER_LAYER],
  ['resnet8', { input: 'cifar' }],
  ['pa_densenet121', { input: 'mnist', weightBases: 1, activationBases: 2 }],
  ['pa_mobilenet_v1', { input: 'mnist', weightBases: 3, activationBases: 3 }],
  ['mobilenet_v2', { input: 'mnist' }],
] as const) {
  it(`runs ${model} wholly on the GPU and matches the js backend`, async () => {
    const profile = await expectMatchesJs(createModel(model, options));
    expect(profile.nodes.every((n) => n.backend === 'webgpu')).toBe(true);
  });
}

// The staged kernels (forced) on a whole model: 3x3 and 1x1 stride-2 layers, 16 to 64
// channels, two batch sizes (scratch regrown, parameter blocks rewritten). The 2x2 and
// per-layer models once failed here (1e-2) on the tiled and halo kernels: their f32 error on
// the 16-channel layers moved an activation across a threshold of layer2.0.conv1
// (pa-precision.test.ts has the kernel-level check).
for (const [kernel, bases, options] of [
  ['halo', '1x1', { input: 'cifar', weightBases: 1, activationBases: 1 }],
  ['halo-fused', '1x1', { input: 'cifar', weightBases: 1, activationBases: 1 }],
  ['tiled', '2x2', { input: 'cifar', weightBases: 2, activationBases: 2 }],
  ['halo', 'per-layer', PER_LAYER],
  ['halo-fused', 'per-layer', PER_LAYER],
  ['dequantized', 'per-layer', PER_LAYER],
] as const)
  it(`runs pa_resnet8 (${bases}) on the ${kernel} kernel and matches the js backend`, async () => {
    await expectMatchesJs(createModel('pa_resnet8', options), { paConvKernel: kernel });
  });

// The dequantized kernel sums float products in f32 where the binary kernels sum exact popcounts:
// each layer's output is within ~5e-7 of js's float64 instead of ~1e-8, and an activation that
// close to one of the next layer's thresholds takes the other level. With this model's 5
// thresholds a layer, the sin input above does that once (layer2.0.conv2, 5e-3 at the logits;
// the wasm backend's dequantized path, also f32, happens to miss it), so this model runs on an
// input with no activation that near a threshold. Each kernel alone is held to 1e-4 of the
// float64 reference by the conformance suite.
it('runs pa_resnet8 (4x5) on the dequantized kernel and matches the js backend', async () => {
  await expectMatchesJs(
    createModel('pa_resnet8', { input: 'cifar', weightBases: 4, activationBases: 5 }),
    { paConvKernel: 'dequantized' },
    (i) => Math.cos(i * 0.21),
  );
});

it('fails the next call with gpu-error once the device rejected a command', async () => {
  const backend = await WebGpuBackend.create();
  const t = backend.upload(tensor('float32', [4], [1, 2, 3, 4]));
  expect(Array.from((await backend.download(t)).data)).toEqual([1, 2, 3, 4]);
  // a buffer without usages: a validation error, reported to no error scope
  backend.device.createBuffer({ size: 16, usage: 0 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await expect(async () => backend.download(t)).rejects.toThrow(
    /rejected a command \(Buffer usages must not be 0/,
  );
  await expect(async () => backend.finish()).rejects.toMatchObject({ code: 'gpu-error' });
  backend.dispose();
});

it('reports a lost device on the next call, and a new backend works', async () => {
  const backend = await WebGpuBackend.create();
  const t = backend.upload(tensor('float32', [4], [1, 2, 3, 4]));
  backend.device.destroy(); // what a driver reset or a removed GPU looks like to us
  await new Promise((resolve) => setTimeout(resolve, 50));
  await expect(async () => backend.download(t)).rejects.toThrow(/the WebGPU device was lost/);
  const fresh = await WebGpuBackend.create();
  const back = await fresh.download(fresh.upload(tensor('float32', [2], [5, 6])));
  expect(Array.from(back.data)).toEqual([5, 6]);
  fresh.dispose();
});
