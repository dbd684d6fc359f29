// A whole zoo model through a Session on wasm: PAConv2D on wasm, the rest on js, same numbers.
import '@pabnn/backend-js';
import { relativeMaxError } from '@pabnn/backend/conformance';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { createModel } from '@pabnn/zoo';
import { expect, it } from 'vitest';
import { WasmBackend } from '../src/index.js';

it.each([
  { weightBases: 2, activationBases: 3 },
  {
    // per-layer bases: each PAConv2D node has its own M and N
    layerBases: {
      'layer1.0.conv1': { weightBases: 1, activationBases: 3 },
      'layer2.0.conv2': { weightBases: 3, activationBases: 1 },
    },
  },
])('runs pa_resnet8 (%o) with PAConv2D on wasm and matches the js backend', async (bases) => {
  const graph = createModel('pa_resnet8', { input: 'cifar', ...bases });
  const image = tensor(
    'float32',
    [2, 32, 32, 3],
    Float32Array.from({ length: 2 * 32 * 32 * 3 }, (_, i) => Math.sin(i * 0.37)),
  );
  const wasm = await Session.create(graph); // wasm has the higher priority
  const js = await Session.create(graph, { backend: 'js' });
  const [a, b] = [await wasm.run({ image }), await js.run({ image })];
  expect(relativeMaxError(a.fc.data, b.fc.data)).toBeLessThan(1e-5);
  const profile = wasm.profile();
  expect(profile.backend).toBe('wasm');
  expect(profile.nodes.filter((n) => n.op === 'PAConv2D').every((n) => n.backend === 'wasm')).toBe(
    true,
  );
  expect(profile.fallbacks.map((f) => f.op)).not.toContain('PAConv2D');
});

it('runs pa_resnet8 (4 x 5) on either PAConv2D path, both matching the js backend', async () => {
  // 'auto' puts every layer of this model on the dequantized path (kernel-choice.ts)
  const graph = createModel('pa_resnet8', { input: 'cifar', weightBases: 4, activationBases: 5 });
  const image = tensor(
    'float32',
    [1, 32, 32, 3],
    Float32Array.from({ length: 32 * 32 * 3 }, (_, i) => Math.cos(i * 0.21)),
  );
  const js = (await (await Session.create(graph, { backend: 'js' })).run({ image })).fc.data;
  for (const paConvPath of ['binary', 'dequantized', 'auto'] as const) {
    const wasm = await Session.create(graph, { backend: 'wasm', backendOptions: { paConvPath } });
    expect(relativeMaxError((await wasm.run({ image })).fc.data, js)).toBeLessThan(1e-5);
    wasm.dispose();
  }
});

it('rejects an unknown PAConv2D path by name', async () => {
  await expect(
    WasmBackend.create({ paConvPath: 'fastest' as unknown as 'auto', threads: 1 }),
  ).rejects.toThrow(/paConvPath must be 'auto', 'binary' or 'dequantized', got fastest/);
});
