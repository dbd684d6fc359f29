// NaN/Infinity of inputs checked on the GPU (src/finite-check.ts) instead of a host scan:
// the flag itself, and a session's run failing with the runtime's 'non-finite' error.
import '@pabnn/backend-js';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { createModel } from '@pabnn/zoo';
import { afterAll, expect, it } from 'vitest';
import { WebGpuBackend } from '../src/index.js';

const backend = await WebGpuBackend.create();
afterAll(() => backend.dispose());

for (const [title, values, expected] of [
  ['finite values, the largest and smallest included', [1, -0, 3.4e38, -3.4e38, 1e-45], false],
  ['a NaN', [1, 2, Number.NaN, 4], true],
  ['+Infinity as the last element', [1, 2, 3, Number.POSITIVE_INFINITY], true],
  ['-Infinity as the first element', [Number.NEGATIVE_INFINITY, 0], true],
] as const) {
  it(`flags ${title}: ${expected}`, async () => {
    const t = backend.upload(tensor('float32', [values.length], Float32Array.from(values)));
    expect(await backend.checkFinite(t)()).toBe(expected);
    backend.free(t.buffer);
  });
}

it('fails a run on a NaN input (naming it) and runs it with allowNonFinite', async () => {
  const graph = createModel('pa_resnet8', { input: 'cifar', weightBases: 2, activationBases: 2 });
  const input = graph.inputs[0];
  const shape = [1, ...input.shape.slice(1)];
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
    Math.sin(i),
  );
  const strict = await Session.create(graph, { backend: 'webgpu' });
  const good = await strict.run({ [input.name]: tensor('float32', shape, data) });
  const bad = data.slice();
  bad[1234] = Number.NaN;
  await expect(strict.run({ [input.name]: tensor('float32', shape, bad) })).rejects.toThrow(
    new RegExp(`input '${input.name}' contains NaN at index 1234`),
  );
  // the session goes on; the checked input buffer is reused
  const again = await strict.run({ [input.name]: tensor('float32', shape, data) });
  expect(Array.from(again[graph.outputs[0]].data)).toEqual(Array.from(good[graph.outputs[0]].data));
  strict.dispose();
  const tolerant = await Session.create(graph, { backend: 'webgpu', allowNonFinite: true });
  const out = await tolerant.run({ [input.name]: tensor('float32', shape, bad) });
  expect(out[graph.outputs[0]].shape[0]).toBe(1);
  tolerant.dispose();
});
