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

describe('js layout kernels vs TF.js cpu', () => {
  it('Transpose of ranks 2, 4 and 6', async () => {
    for (const [shape, perm] of [
      [
        [5, 7],
        [1, 0],
      ],
      [
        [2, 3, 4, 5],
        [0, 3, 1, 2],
      ],
      [
        [2, 3, 4, 5],
        [2, 0, 3, 1],
      ],
      [
        [1, 3, 2, 2, 4, 3],
        [0, 1, 4, 2, 5, 3],
      ],
    ]) {
      const x = t(shape);
      const got = await ours({ title: '', op: 'Transpose', inputs: [x], attrs: { perm } });
      // a permutation moves values, it computes nothing: exactly TF.js's
      expect(Array.from(got)).toEqual(Array.from(tf.transpose(tfOf(x), perm).dataSync()));
    }
  });
});

describe('Pad modes and dilated pooling', () => {
  it('Pad reflect and constant value vs TF.js mirrorPad and pad', async () => {
    const x = t([2, 4, 5, 3]);
    const tfPads: [number, number][] = [
      [0, 0],
      [3, 2],
      [1, 4],
      [0, 0],
    ];
    expectClose(
      await ours({
        title: '',
        op: 'Pad',
        inputs: [x],
        attrs: { pads: [3, 1, 2, 4], mode: 'reflect' },
      }),
      tf.mirrorPad(tfOf(x), tfPads, 'reflect'),
    );
    expectClose(
      await ours({ title: '', op: 'Pad', inputs: [x], attrs: { pads: [3, 1, 2, 4], value: -2.5 } }),
      tf.pad(tfOf(x), tfPads, -2.5),
    );
  });

  it('Pad edge and wrap vs numpy.pad semantics, built by repeated one-step growth', async () => {
    // numpy.pad: 'edge' repeats the border value, 'wrap' takes values from the opposite side;
    // grown here one row or column at a time, an independent construction of the same result
    const x = t([1, 3, 2, 2]);
    for (const mode of ['edge', 'wrap']) {
      const pads = [2, 3, 1, 5];
      const [, h, w, c] = x.shape;
      const pixel = (i: number, j: number) =>
        Array.from({ length: c }, (_, ch) => x.data[(i * w + j) * c + ch]);
      // rows of pixels, widened then heightened one step at a time
      let rows = Array.from({ length: h }, (_, i) =>
        Array.from({ length: w }, (_, j) => pixel(i, j)),
      );
      const width = () => rows[0].length;
      for (let k = 0; k < pads[1]; k++)
        rows = rows.map((r, i) => [
          mode === 'edge' ? r[0] : pixel(i, (w - 1 - (k % w) + w) % w),
          ...r,
        ]);
      for (let k = 0; k < pads[3]; k++)
        rows = rows.map((r, i) => [...r, mode === 'edge' ? r[r.length - 1] : pixel(i, k % w)]);
      const wide = rows.map((r) => r.map((p) => [...p]));
      for (let k = 0; k < pads[0]; k++)
        rows = [mode === 'edge' ? rows[0] : wide[(h - 1 - (k % h) + h) % h], ...rows];
      for (let k = 0; k < pads[2]; k++)
        rows = [...rows, mode === 'edge' ? rows[rows.length - 1] : wide[k % h]];
      expect(width()).toBe(w + pads[1] + pads[3]);
      const expected = rows.flat(2);
      const got = await ours({ title: '', op: 'Pad', inputs: [x], attrs: { pads, mode } });
      expect(Array.from(got)).toEqual(expected.map((v) => Math.fround(v)));
    }
  });

  it('dilated MaxPool and AvgPool vs TF.js pool with a dilation rate', async () => {
    const x = t([2, 9, 8, 3]);
    for (const [type, op] of [
      ['max', 'MaxPool'],
      ['avg', 'AvgPool'],
    ] as const)
      expectClose(
        await ours({
          title: '',
          op,
          inputs: [x],
          attrs: { kernelShape: [3, 2], dilations: [2, 3], padding: 'valid' },
        }),
        tf.pool(tfOf(x) as tf.Tensor4D, [3, 2], type, 'valid', [2, 3]),
      );
  });
});

describe('Tanh and LogSoftmax', () => {
  it('vs TF.js tanh and logSoftmax', async () => {
    const x = t([2, 4, 4, 5]);
    expectClose(await ours({ title: '', op: 'Tanh', inputs: [x], attrs: {} }), tf.tanh(tfOf(x)));
    const f = t([3, 20]);
    expectClose(
      await ours({ title: '', op: 'LogSoftmax', inputs: [f], attrs: {} }),
      tf.logSoftmax(tfOf(f)),
    );
  });

  it('vs float64, saturating, with logits 1e4 apart, on a middle axis', async () => {
    const x = tensor(
      'float32',
      [2, 3, 4],
      Float32Array.from({ length: 24 }, (_, i) => (i % 2 ? 1e4 : -1e4) * random() + i),
    );
    const tanh = await ours({ title: '', op: 'Tanh', inputs: [x], attrs: {} });
    expect(relativeMaxError(tanh, Array.from(x.data, Math.tanh))).toBeLessThanOrEqual(1e-4);
    const got = await ours({ title: '', op: 'LogSoftmax', inputs: [x], attrs: { axis: 1 } });
    const expected = Array.from(x.data, (v, i) => {
      // log(sum_k exp(x_k)) over the 3 entries of axis 1 that share i's outer and inner index
      const [o, inner] = [Math.floor(i / 12), i % 4];
      const row = [0, 1, 2].map((k) => x.data[o * 12 + k * 4 + inner]);
      const max = Math.max(...row);
      return v - max - Math.log(row.reduce((a, r) => a + Math.exp(r - max), 0));
    });
    expect(relativeMaxError(got, expected)).toBeLessThanOrEqual(1e-4);
    expect(got.every(Number.isFinite)).toBe(true);
  });
});

describe('MatMul', () => {
  it('batched and broadcast, vs TF.js matMul on the broadcast operands', async () => {
    for (const [as, bs, batch] of [
      [[2, 3, 4], [2, 4, 5], [2]],
      [
        [2, 1, 3, 4],
        [3, 4, 5],
        [2, 3],
      ],
      [
        [3, 4],
        [2, 2, 4, 5],
        [2, 2],
      ],
    ]) {
      const [a, b] = [t(as), t(bs)];
      const full = (x: Tensor) =>
        tf.reshape(tf.broadcastTo(tfOf(x), [...batch, ...x.shape.slice(-2)]), [
          -1,
          x.shape[x.shape.length - 2],
          x.shape[x.shape.length - 1],
        ]) as tf.Tensor3D;
      expectClose(
        await ours({ title: '', op: 'MatMul', inputs: [a, b], attrs: {} }),
        tf.matMul(full(a), full(b)),
      );
    }
  });
});

describe('ConvTranspose2D', () => {
  it('stride 2, no pads, vs TF.js conv2dTranspose', async () => {
    const x = t([2, 4, 3, 5]);
    const w = t([6, 3, 3, 5]); // [Cout, kh, kw, Cin]; TF.js wants [kh, kw, Cout, Cin]
    expectClose(
      await ours({ title: '', op: 'ConvTranspose2D', inputs: [x, w], attrs: { strides: [2, 2] } }),
      tf.conv2dTranspose(
        tfOf(x) as tf.Tensor4D,
        tf.transpose(tfOf(w), [1, 2, 0, 3]) as tf.Tensor4D,
        [2, 9, 7, 6],
        2,
        'valid',
      ),
    );
  });

  it('groups, dilations, pads and output padding vs float64, gathered per output pixel', async () => {
    const x = t([1, 4, 5, 6]);
    const w = t([9, 2, 3, 2]);
    const bias = t([9]);
    const attrs = {
      groups: 3,
      dilations: [2, 1],
      strides: [2, 3],
      pads: [1, 2, 0, 1],
      outputPadding: [1, 2],
    };
    const got = await ours({ title: '', op: 'ConvTranspose2D', inputs: [x, w, bias], attrs });
    // output (oy, ox) reads input (iy, ix) through tap (ky, kx) where oy = iy*2 - 1 + ky*2 and
    // ox = ix*3 - 2 + kx: the gather form of the same sum
    const [outH, outW] = [(4 - 1) * 2 + 2 + 1 + 1 - 1, (5 - 1) * 3 + 2 + 1 + 2 - 3];
    const expected: number[] = [];
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let o = 0; o < 9; o++) {
          let sum = bias.data[o];
          for (let ky = 0; ky < 2; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const [ny, nx] = [oy + 1 - ky * 2, ox + 2 - kx];
              if (ny % 2 || nx % 3 || ny < 0 || nx < 0 || ny / 2 >= 4 || nx / 3 >= 5) continue;
              for (let c = 0; c < 2; c++)
                sum +=
                  x.data[((ny / 2) * 5 + nx / 3) * 6 + Math.floor(o / 3) * 2 + c] *
                  w.data[((o * 2 + ky) * 3 + kx) * 2 + c];
            }
          expected.push(sum);
        }
    expect(got.length).toBe(expected.length);
    expect(relativeMaxError(got, expected)).toBeLessThanOrEqual(1e-5);
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
