import { relativeMaxError } from '@pabnn/backend/conformance';
import { GraphBuilder, tensor } from '@pabnn/ir';
import { createModel } from '@pabnn/zoo';
import { describe, expect, it } from 'vitest';
import { ConvertError, exportOnnx, importOnnx } from '../src/index.js';
import { onnx } from '../src/onnx/proto.js';
import { randomImage, runOrt, runOurs } from './onnx-helpers.js';

/** A float graph with every op the ONNX path maps, spatial Flatten included. */
function allOpsGraph() {
  const r = randomImage([1, 1, 1, 4096], 9).data;
  let i = 0;
  const t = (shape: number[], scale = 0.3) =>
    tensor(
      'float32',
      shape,
      Float32Array.from(
        { length: shape.reduce((a, b) => a * b, 1) },
        () => r[i++ % r.length] * scale,
      ),
    );
  const g = new GraphBuilder('all-ops');
  const x = g.input('image', 'float32', [-1, 9, 8, 3]);
  // the Pad modes: edge, reflect and a constant other than 0 (together [1, 0, 2, 1])
  const edge = g.node('Pad', [x], { pads: [1, 0, 0, 0], mode: 'edge' });
  const reflect = g.node('Pad', [edge], { pads: [0, 0, 1, 1], mode: 'reflect' });
  const padded = g.node('Pad', [reflect], { pads: [0, 0, 1, 0], value: 0.5 });
  let y = g.conv2d(padded, t([8, 3, 3, 3]), {
    stride: 2,
    padding: 'same',
    bias: t([8]),
  });
  y = g.batchNorm(y, {
    gamma: t([8]),
    beta: t([8]),
    mean: t([8]),
    variance: tensor('float32', [8], new Float32Array(8).fill(0.7)),
  });
  y = g.prelu(y, t([8]));
  const dw = g.depthwiseConv2d(y, t([16, 3, 3, 1]), { padding: 1 });
  const grouped = g.conv2d(y, t([16, 1, 1, 4]), { groups: 2 });
  y = g.clip(g.add(dw, grouped), -0.5, 0.8);
  y = g.add(y, t([16]));
  y = g.node('Sigmoid', [y]);
  y = g.node('Tanh', [y]);
  // a Transpose there and back (H and W swapped, then C and W): the exported perms compose
  y = g.node('Transpose', [g.node('Transpose', [y], { perm: [0, 2, 1, 3] })], {
    perm: [0, 3, 2, 1],
  });
  y = g.node('Transpose', [y], { perm: [0, 2, 3, 1] });
  y = g.concat([
    g.maxPool(y, 2, { stride: 1 }),
    g.avgPool(y, 2, { stride: 1, countIncludePad: false }),
  ]);
  // a dilated MaxPool, padded to keep the size (opset 13's AveragePool has no dilations)
  y = g.add(
    y,
    g.node('MaxPool', [y], { kernelShape: [3, 2], dilations: [1, 2], pads: [1, 1, 1, 1] }),
  );
  const flat = g.flatten(y);
  g.output(
    g.softmax(g.dense(flat, t([10, 640]), { bias: t([10]) }), { name: 'probs' }),
    g.node('LogSoftmax', [g.dense(flat, t([4, 640]))], {}, 'logp'),
    g.globalAvgPool(y, { keepDims: true, name: 'gap' }),
    g.node(
      'ConvTranspose2D',
      [y, t([6, 3, 2, 16]), t([6])],
      { strides: [2, 1], pads: [1, 0, 0, 1], outputPadding: [1, 0], groups: 2, dilations: [1, 2] },
      'up',
    ),
  );
  return g.build();
}

describe('ONNX export runs in onnxruntime-web with our numbers', () => {
  it('every float op', async () => {
    const graph = allOpsGraph();
    const feeds = { image: randomImage([2, 9, 8, 3]) };
    const ort = await runOrt(exportOnnx(graph), feeds);
    const ours = await runOurs(graph, feeds);
    for (const name of graph.outputs)
      expect(relativeMaxError(ort[name], ours[name]), name).toBeLessThan(1e-4);
  });

  it.each(['resnet8', 'pa_resnet8', 'xnor_resnet8', 'abc_resnet8'])(
    '%s (PA simulated in float)',
    async (name) => {
      const graph = createModel(name, {
        input: 'mnist',
        weightBases: name === 'xnor_resnet8' ? undefined : 2,
        activationBases: name === 'xnor_resnet8' ? undefined : 3,
      });
      const feeds = { image: randomImage([2, 28, 28, 1], 3) };
      const ort = await runOrt(exportOnnx(graph), feeds);
      const ours = await runOurs(graph, feeds);
      expect(relativeMaxError(ort.fc, ours.fc)).toBeLessThan(1e-4);
    },
  );
});

describe('ONNX import', () => {
  it('round-trips exported float graphs (NCHW inside, NHWC in the IR)', async () => {
    for (const graph of [allOpsGraph(), createModel('resnet8', { input: 'cifar' })]) {
      const imported = importOnnx(exportOnnx(graph));
      const feeds = {
        image: randomImage(
          graph.inputs[0].shape.map((d) => (d < 0 ? 2 : d)),
          5,
        ),
      };
      const [a, b] = [await runOurs(graph, feeds), await runOurs(imported, feeds)];
      for (const name of graph.outputs)
        expect(relativeMaxError(b[name], a[name]), name).toBeLessThan(1e-5);
    }
  });

  it('imports an NCHW model built with onnx-proto, Flatten of a spatial map feeding Gemm included', async () => {
    const w = randomImage([4, 2, 3, 3], 11).data as Float32Array;
    const fc = randomImage([3, 4 * 5 * 5], 12).data as Float32Array;
    const init = (name: string, dims: number[], data: Float32Array) => ({
      name,
      dims,
      dataType: 1,
      rawData: new Uint8Array(data.slice().buffer),
    });
    const model = onnx.ModelProto.encode({
      irVersion: 7,
      opsetImport: [{ version: 13 }],
      graph: {
        name: 'nchw',
        input: [
          {
            name: 'x',
            type: {
              tensorType: {
                elemType: 1,
                shape: {
                  dim: [{ dimValue: 1 }, { dimValue: 2 }, { dimValue: 5 }, { dimValue: 5 }],
                },
              },
            },
          },
        ],
        output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
        initializer: [init('w', [4, 2, 3, 3], w), init('fc', [3, 100], fc)],
        node: [
          {
            opType: 'Conv',
            input: ['x', 'w'],
            output: ['c'],
            attribute: [{ name: 'pads', ints: [1, 1, 1, 1], type: 7 }],
          },
          { opType: 'Relu', input: ['c'], output: ['r'] },
          { opType: 'Flatten', input: ['r'], output: ['f'] },
          {
            opType: 'Gemm',
            input: ['f', 'fc'],
            output: ['y'],
            attribute: [{ name: 'transB', i: 1, type: 2 }],
          },
        ],
      },
    }).finish();
    const graph = importOnnx(model);
    const nchw = randomImage([1, 2, 5, 5], 13);
    const nhwc = tensor('float32', [1, 5, 5, 2], new Float32Array(50));
    for (let c = 0; c < 2; c++)
      for (let p = 0; p < 25; p++) nhwc.data[p * 2 + c] = nchw.data[c * 25 + p];
    const ours = await runOurs(graph, { x: nhwc });
    const ort = await runOrt(model, { x: nchw });
    expect(relativeMaxError(ours.y, ort.y)).toBeLessThan(1e-5);
  });

  it('lists every unsupported node and rejects bytes that are not ONNX', () => {
    const model = onnx.ModelProto.encode({
      opsetImport: [{ version: 13 }],
      graph: {
        input: [
          {
            name: 'x',
            type: {
              tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } },
            },
          },
        ],
        node: [
          { opType: 'Gelu', input: ['x'], output: ['a'], name: 'gelu1' },
          { opType: 'Relu', input: ['a'], output: ['b'] },
          { opType: 'Resize', input: ['b'], output: ['c'], name: 'up' },
        ],
      },
    }).finish();
    expect(() => importOnnx(model)).toThrow(
      /unsupported ONNX nodes: gelu1 \(Gelu\), up \(Resize\)/,
    );
    expect(() =>
      importOnnx(new TextEncoder().encode('definitely not a protobuf \xff\xff\xff')),
    ).toThrow(ConvertError);
    expect(() => importOnnx(new Uint8Array())).toThrow(/no graph/);
  });
});
