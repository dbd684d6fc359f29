// The js backend's float kernels against TF.js (backend-cpu), an independent implementation.
import { executeCase, type OpCase, relativeMaxError } from '@pabnn/backend/conformance';
import { type Tensor, tensor } from '@pabnn/ir';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { JsBackend } from '../src/index.js';

const backend = new JsBackend();
let seed = 42;
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32 - 0.5;
};
const t = (shape: number[]) =>
  tensor('float32', shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, random));
const tfOf = (x: Tensor) => tf.tensor(Array.from(x.data), [...x.shape]);
/** OHWI -> TF's HWIO */
const hwio = (w: Tensor) => tf.transpose(tfOf(w), [1, 2, 3, 0]);

async function ours(c: Omit<OpCase, 'constant'>): Promise<Float32Array> {
  const [out] = await executeCase(backend, { ...c, constant: c.inputs.map((_, i) => i > 0) });
  return out.data as Float32Array;
}

function expectClose(actual: Float32Array, expected: tf.Tensor) {
  expect(relativeMaxError(actual, expected.dataSync())).toBeLessThan(1e-5);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('js float kernels vs TF.js cpu', () => {
  it('Conv2D: stride 2, same padding, dilation, bias', async () => {
    const x = t([2, 9, 8, 5]);
    const w = t([7, 3, 3, 5]);
    const b = t([7]);
    expectClose(
      await ours({
        title: '',
        op: 'Conv2D',
        inputs: [x, w, b],
        attrs: { strides: [2, 2], padding: 'same' },
      }),
      tf.add(tf.conv2d(tfOf(x) as tf.Tensor4D, hwio(w) as tf.Tensor4D, 2, 'same'), tfOf(b)),
    );
    expectClose(
      await ours({
        title: '',
        op: 'Conv2D',
        inputs: [x, w],
        attrs: { dilations: [2, 2], padding: 'valid' },
      }),
      tf.conv2d(tfOf(x) as tf.Tensor4D, hwio(w) as tf.Tensor4D, 1, 'valid', 'NHWC', 2),
    );
    expectClose(
      await ours({ title: '', op: 'Conv2D', inputs: [x, w], attrs: { pads: [1, 2, 0, 1] } }),
      tf.conv2d(tfOf(x) as tf.Tensor4D, hwio(w) as tf.Tensor4D, 1, [
        [0, 0],
        [1, 0],
        [2, 1],
        [0, 0],
      ]),
    );
  });

  it('DepthwiseConv2D with multiplier 2', async () => {
    const x = t([1, 7, 7, 4]);
    const w = t([8, 3, 3, 1]); // output channel o reads input o / 2
    const tfW = tf.transpose(tf.reshape(tfOf(w), [4, 2, 3, 3]), [2, 3, 0, 1]); // [kh, kw, C, mult]
    expectClose(
      await ours({
        title: '',
        op: 'DepthwiseConv2D',
        inputs: [x, w],
        attrs: { strides: [2, 2], padding: 'same' },
      }),
      tf.depthwiseConv2d(tfOf(x) as tf.Tensor4D, tfW as tf.Tensor4D, 2, 'same'),
    );
  });

  it('pooling, BatchNorm, PRelu, Add with broadcast, Concat, Dense, Softmax', async () => {
    const x = t([2, 8, 8, 3]);
    expectClose(
      await ours({
        title: '',
        op: 'MaxPool',
        inputs: [x],
        attrs: { kernelShape: [3, 3], strides: [2, 2], padding: 'same' },
      }),
      tf.maxPool(tfOf(x) as tf.Tensor4D, 3, 2, 'same'),
    );
    expectClose(
      await ours({
        title: '',
        op: 'AvgPool',
        inputs: [x],
        attrs: { kernelShape: [3, 3], strides: [2, 2], padding: 'same' },
      }),
      tf.avgPool(tfOf(x) as tf.Tensor4D, 3, 2, 'same'),
    );
    expectClose(
      await ours({ title: '', op: 'GlobalAvgPool', inputs: [x], attrs: {} }),
      tf.mean(tfOf(x), [1, 2]),
    );
    const [g, b, m, v] = [t([3]), t([3]), t([3]), tensor('float32', [3], [0.5, 1, 2])];
    expectClose(
      await ours({ title: '', op: 'BatchNorm', inputs: [x, g, b, m, v], attrs: { epsilon: 1e-3 } }),
      tf.batchNorm(tfOf(x), tfOf(m), tfOf(v), tfOf(b), tfOf(g), 1e-3),
    );
    const slope = t([3]);
    expectClose(
      await ours({ title: '', op: 'PRelu', inputs: [x, slope], attrs: {} }),
      tf.prelu(tfOf(x), tfOf(slope)),
    );
    const c = t([3]);
    expectClose(
      await ours({ title: '', op: 'Add', inputs: [x, c], attrs: {} }),
      tf.add(tfOf(x), tfOf(c)),
    );
    const y = t([2, 8, 8, 5]);
    expectClose(
      await ours({ title: '', op: 'Concat', inputs: [x, y], attrs: {} }),
      tf.concat([tfOf(x), tfOf(y)], -1),
    );
    const f = t([3, 20]);
    const w = t([6, 20]);
    const bias = t([6]);
    expectClose(
      await ours({ title: '', op: 'Dense', inputs: [f, w, bias], attrs: {} }),
      tf.add(tf.matMul(tfOf(f), tfOf(w), false, true), tfOf(bias)),
    );
    expectClose(
      await ours({ title: '', op: 'Softmax', inputs: [f], attrs: {} }),
      tf.softmax(tfOf(f)),
    );
    expectClose(await ours({ title: '', op: 'Relu', inputs: [x], attrs: {} }), tf.relu(tfOf(x)));
    expectClose(
      await ours({ title: '', op: 'Sigmoid', inputs: [x], attrs: {} }),
      tf.sigmoid(tfOf(x)),
    );
    expectClose(
      await ours({ title: '', op: 'Pad', inputs: [x], attrs: { pads: [1, 2, 3, 0] } }),
      tf.pad(tfOf(x), [
        [0, 0],
        [1, 3],
        [2, 0],
        [0, 0],
      ]),
    );
    expectClose(
      await ours({ title: '', op: 'Clip', inputs: [x], attrs: { min: -0.2, max: 0.3 } }),
      tf.clipByValue(tfOf(x), -0.2, 0.3),
    );
  });
});

describe('js float kernels vs float64', () => {
  it('Sigmoid, saturating both ways, within 1e-4 of the largest output', async () => {
    const x = tensor(
      'float32',
      [3, 50],
      Float32Array.from({ length: 150 }, (_, i) => (i - 75) * 1.3 + random()),
    );
    const expected = Array.from(x.data, (v) => 1 / (1 + Math.exp(-v)));
    const got = await ours({ title: '', op: 'Sigmoid', inputs: [x], attrs: {} });
    expect(relativeMaxError(got, expected)).toBeLessThanOrEqual(1e-4);
    expect(got.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
