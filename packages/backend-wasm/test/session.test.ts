// A whole zoo model through a Session on wasm: PAConv2D on wasm, the rest on js, same numbers.
import '@pabnn/backend-js';
import { relativeMaxError } from '@pabnn/backend/conformance';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { createModel } from '@pabnn/zoo';
import { expect, it } from 'vitest';
import '../src/index.js';

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
