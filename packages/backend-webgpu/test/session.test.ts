import '@pabnn/backend-js';
import { relativeMaxError } from '@pabnn/backend/conformance';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { createModel } from '@pabnn/zoo';
import { expect, it } from 'vitest';
import { WebGpuBackend } from '../src/index.js';

it('runs pa_resnet8 with PAConv2D on the GPU and matches the js backend', async () => {
  const graph = createModel('pa_resnet8', { input: 'cifar', weightBases: 2, activationBases: 3 });
  const image = tensor(
    'float32',
    [2, 32, 32, 3],
    Float32Array.from({ length: 2 * 32 * 32 * 3 }, (_, i) => Math.sin(i * 0.37)),
  );
  const gpu = await Session.create(graph, { backend: 'webgpu' });
  const js = await Session.create(graph, { backend: 'js' });
  const [a, b] = [await gpu.run({ image }), await js.run({ image })];
  expect(relativeMaxError(a.fc.data, b.fc.data)).toBeLessThan(1e-4);
  expect(
    gpu
      .profile()
      .nodes.filter((n) => n.op === 'PAConv2D')
      .every((n) => n.backend === 'webgpu'),
  ).toBe(true);
  gpu.dispose();
  js.dispose();
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
