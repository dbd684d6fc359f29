// The host path of a run: only the outputs asked for come back, and a backend with
// checkFinite checks float inputs for NaN/Infinity instead of the host scan.
import {
  BACKEND_API_VERSION,
  type BackendTensor,
  registerBackend,
  unregisterBackend,
} from '@pabnn/backend';
import { JsBackend } from '@pabnn/backend-js';
import { afterAll, expect, it } from 'vitest';
import { Session } from '../src/index.js';
import { randomTensor, rng, smallPANet } from './small-pa-net.js';

const image = () => randomTensor(rng(9), [2, 12, 12, 3]);

/** The js backend plus a checkFinite of its own (on its host buffers), counting its calls. */
function checkingBackend() {
  const js = new JsBackend();
  const backend = Object.assign(js, {
    name: 'checking',
    checks: 0,
    checkFinite(t: BackendTensor): () => Promise<boolean> {
      backend.checks++;
      return async () => !(js.download(t) as { data: Float32Array }).data.every(Number.isFinite);
    },
  });
  return backend;
}
const created: ReturnType<typeof checkingBackend>[] = [];
registerBackend({
  name: 'checking',
  apiVersion: BACKEND_API_VERSION,
  priority: 0,
  isSupported: () => true,
  create: () => {
    const b = checkingBackend();
    created.push(b);
    return b;
  },
});
afterAll(() => unregisterBackend('checking'));

it('reads back only the outputs asked for, and refuses names that are not graph outputs', async () => {
  const graph = smallPANet(3, 2);
  const session = await Session.create(graph, { backend: 'js' });
  expect(session.outputs.length).toBe(2);
  const all = await session.run({ image: image() });
  expect(Object.keys(all).sort()).toEqual([...session.outputs].sort());
  const one = await session.run({ image: image() }, { outputs: ['probabilities'] });
  expect(Object.keys(one)).toEqual(['probabilities']);
  expect(Array.from(one.probabilities.data)).toEqual(Array.from(all.probabilities.data));
  expect(await session.run({ image: image() }, { outputs: [] })).toEqual({});
  await expect(session.run({ image: image() }, { outputs: ['nope'] })).rejects.toThrow(
    /outputs must list graph outputs .*got nope/,
  );
  session.dispose();
});

it('leaves the NaN/Infinity check to a backend with checkFinite, same error, same policy', async () => {
  const session = await Session.create(smallPANet(3, 2), { backend: 'checking' });
  const backend = created.at(-1)!;
  const bad = image();
  bad.data[700] = Number.POSITIVE_INFINITY;
  await expect(session.run({ image: bad })).rejects.toThrow(
    /input 'image' contains Infinity at index 700/,
  );
  expect(backend.checks).toBe(1);
  expect((await session.run({ image: image() })).probabilities.shape).toEqual([2, 10]);
  expect(backend.checks).toBe(2);
  session.dispose();
  const tolerant = await Session.create(smallPANet(3, 2), {
    backend: 'checking',
    allowNonFinite: true,
  });
  expect((await tolerant.run({ image: bad })).probabilities.shape).toEqual([2, 10]);
  expect(created.at(-1)!.checks).toBe(0);
  tolerant.dispose();
});
