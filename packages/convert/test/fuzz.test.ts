// Importers treat files as untrusted: mutated ONNX protobufs and TF.js model.json files must
// end in a valid graph or a typed PabnnError, never another exception, a hang or a crash.
import { mutateBytes, mutateJson, pick, rng } from '@pabnn/config/fuzz';
import { PabnnError, validateGraph } from '@pabnn/ir';
import { createModel } from '@pabnn/zoo';
import { expect, it } from 'vitest';
import { exportOnnx, importOnnx, importTfjsLayers, type NamedWeight } from '../src/index.js';
import { onnx } from '../src/onnx/proto.js';

function survive(label: string, run: () => unknown, outcome: Map<string, number>) {
  const started = performance.now();
  try {
    validateGraph(run() as never);
    outcome.set('valid', (outcome.get('valid') ?? 0) + 1);
  } catch (error) {
    if (!(error instanceof PabnnError))
      throw new Error(`${label}: untyped ${String(error)}`, { cause: error });
    outcome.set(error.code, (outcome.get(error.code) ?? 0) + 1);
  }
  expect(performance.now() - started, label).toBeLessThan(2000);
}

it('ONNX importer survives 3,200 mutated models', () => {
  const r = rng(4242);
  const good = exportOnnx(createModel('resnet8', { input: 'mnist', numClasses: 3 }));
  const decoded = onnx.ModelProto.toObject(onnx.ModelProto.decode(good), {
    longs: Number,
    bytes: Array,
  });
  const outcome = new Map<string, number>();
  for (let i = 0; i < 3200; i++) {
    const label = `onnx case ${i}`;
    if (i % 2 === 0) {
      survive(label, () => importOnnx(mutateBytes(r, good)), outcome);
    } else {
      // structural: mutate the decoded message (dims, attributes, names, op types), re-encode
      let bytes: Uint8Array;
      try {
        const mutated = mutateJson(r, decoded, [
          'dims',
          'opType',
          'input',
          'output',
          'ints',
          'i',
          'rawData',
        ]) as object;
        bytes = onnx.ModelProto.encode(onnx.ModelProto.fromObject(mutated)).finish();
      } catch {
        continue; // protobufjs refused to encode the mutation: nothing to import
      }
      survive(label, () => importOnnx(bytes), outcome);
    }
  }
  console.log('onnx fuzz outcomes', Object.fromEntries(outcome));
  expect(outcome.get('valid') ?? 0).toBeGreaterThan(0);
  expect(outcome.get('onnx-decode') ?? 0).toBeGreaterThan(0);
});

/** A small Keras functional model (conv, BN, ReLU, residual add, pooling, dense) as TF.js files. */
function kerasModel() {
  const layer = (name: string, className: string, config: object, inputs: string[]) => ({
    name,
    class_name: className,
    config: { name, ...config },
    inbound_nodes: inputs.length ? [inputs.map((n) => [n, 0, 0, {}])] : [],
  });
  const layers = [
    layer('input', 'InputLayer', { batch_input_shape: [null, 8, 8, 3] }, []),
    layer(
      'pad',
      'ZeroPadding2D',
      {
        padding: [
          [1, 1],
          [1, 1],
        ],
      },
      ['input'],
    ),
    layer(
      'conv',
      'Conv2D',
      {
        filters: 4,
        kernel_size: [3, 3],
        strides: [1, 1],
        padding: 'valid',
        use_bias: true,
        activation: 'linear',
      },
      ['pad'],
    ),
    layer('bn', 'BatchNormalization', { axis: [3], epsilon: 0.001 }, ['conv']),
    layer('relu', 'Activation', { activation: 'relu' }, ['bn']),
    layer(
      'conv2',
      'Conv2D',
      { filters: 4, kernel_size: [1, 1], padding: 'same', use_bias: false, activation: 'relu' },
      ['relu'],
    ),
    layer('add', 'Add', {}, ['relu', 'conv2']),
    layer('pool', 'MaxPooling2D', { pool_size: [2, 2], strides: [2, 2], padding: 'valid' }, [
      'add',
    ]),
    layer('gap', 'GlobalAveragePooling2D', {}, ['pool']),
    layer('drop', 'Dropout', { rate: 0.5 }, ['gap']),
    layer('fc', 'Dense', { units: 5, activation: 'softmax', use_bias: true }, ['drop']),
  ];
  const modelJson = {
    modelTopology: {
      model_config: {
        class_name: 'Model',
        config: { name: 'mini', layers, output_layers: [['fc', 0, 0]] },
      },
    },
  };
  const w = (shape: number[]): NamedWeight => ({
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)),
  });
  const weights = new Map<string, NamedWeight>([
    ['conv/kernel', w([3, 3, 3, 4])],
    ['conv/bias', w([4])],
    ['bn/gamma', w([4])],
    ['bn/beta', w([4])],
    ['bn/moving_mean', w([4])],
    ['bn/moving_variance', { shape: [4], data: new Float32Array(4).fill(1) }],
    ['conv2/kernel', w([1, 1, 4, 4])],
    ['fc/kernel', w([4, 5])],
    ['fc/bias', w([5])],
  ]);
  return { modelJson, weights };
}

it('TF.js layers importer survives 2,000 mutated model.json files', () => {
  const r = rng(777);
  const good = kerasModel();
  expect(validateGraph(importTfjsLayers(good)).values.get('fc')?.shape).toEqual([-1, 5]);
  const outcome = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const modelJson = mutateJson(r, good.modelJson, [
      'class_name',
      'padding',
      'strides',
      'units',
      'filters',
      'axis',
      'inbound_nodes',
    ]) as never;
    const weights = new Map(good.weights);
    if (r() < 0.2) weights.delete(pick(r, [...weights.keys()]));
    survive(`tfjs case ${i}`, () => importTfjsLayers({ modelJson, weights }), outcome);
  }
  console.log('tfjs fuzz outcomes', Object.fromEntries(outcome));
  expect(outcome.get('valid') ?? 0).toBeGreaterThan(0);
});
