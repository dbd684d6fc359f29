// Export of a model with depthwise convs: TF.js keeps depthwise filters [kh, kw, C, 1], the IR
// [C, kh, kw, 1]; the runtime on the exported graph must compute what TF.js computes.
import '@pabnn/backend-js';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { TrainableModel, useDevice } from '../src/index.js';

beforeAll(async () => {
  await useDevice('wasm');
});

it('float MobileNet-V1: the exported graph gives TF.js logits on the runtime, and loads back', async () => {
  const model = new TrainableModel('mobilenet_v1', { input: 'mnist', scheme: 'float' });
  const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  await model.prepare(x);
  const expected = model.forward(x, false).dataSync() as Float32Array;
  const graph = await model.toGraph();
  const session = await Session.create(graph, { backend: 'js' });
  const out = await session.run({
    [graph.inputs[0].name]: tensor('float32', [2, 28, 28, 1], x.dataSync() as Float32Array),
  });
  const got = out[graph.outputs[0]].data as Float32Array;
  const scale = Math.max(...Array.from(expected, Math.abs));
  expect(scale).toBeGreaterThan(0);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(got[i] - expected[i])).toBeLessThanOrEqual(1e-4 * scale);
  // state -> load round trip: a second model given the exported state computes the same
  const copy = new TrainableModel('mobilenet_v1', { input: 'mnist', scheme: 'float' });
  await copy.prepare(x);
  copy.load(await model.state());
  const again = copy.forward(x, false).dataSync() as Float32Array;
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(again[i] - expected[i])).toBeLessThanOrEqual(1e-5 * scale);
  session.dispose();
  model.dispose();
  copy.dispose();
}, 120_000);
