// The importer applies each op's ONNX semantics (per opset) or refuses the node with a
// ConvertError naming it: never a different answer. Numbers are checked against
// onnxruntime-web on the same model.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { onnx } from '../src/onnx/proto.js';
import { errorAgainstOrt, node, refusal } from './onnx-import-check.js';
import { buildModel } from './onnx-model.js';

const map = { x: [1, 2, 5, 5] };

describe('opsets and inputs', () => {
  it('refuses a model without a default-domain opset, or with one outside the supported range', () => {
    const spec = { inputs: map, nodes: [node('Relu', ['x'])], outputs: ['y'] };
    expect(refusal({ ...spec, opset: null })).toMatch(/imports no opset/);
    expect(refusal({ ...spec, opset: 1 })).toMatch(/opset 1 is not supported/);
    expect(refusal({ ...spec, opset: 999 })).toMatch(/opset 999 is not supported/);
    expect(refusal({ ...spec, domain: 'com.example' })).toMatch(/imports no opset/);
    expect(
      refusal({ ...spec, nodes: [{ ...node('Relu', ['x']), domain: 'com.microsoft' }] }),
    ).toMatch(/unknown domains.*com\.microsoft\.Relu/);
  });

  it('refuses input dims of 0 or below, and keeps symbolic ones as any size', () => {
    const spec = (dims: (number | string)[]) => ({
      inputs: { x: dims },
      nodes: [node('Relu', ['x'])],
      outputs: ['y'],
    });
    expect(refusal(spec([1, 0, 4, 4]))).toMatch(/graph input 'x' has dimension 0/);
    expect(refusal(spec([1, 2, -3, 4]))).toMatch(/graph input 'x' has dimension -3/);
    expect(importOnnx(buildModel(spec(['N', 2, 4, 4]))).inputs[0].shape).toEqual([-1, 4, 4, 2]);
  });
});

describe('ops the importer used to get wrong', () => {
  it.each([
    [10, { pads: [0, 0, 1, 1, 0, 0, 1, 2], value: 1.5 }],
    [10, { pads: [0, 0, 2, 1, 0, 0, 1, 3], mode: 'reflect' }],
    [10, { pads: [0, 0, 2, 1, 0, 0, 1, 3], mode: 'edge' }],
  ])('Pad at opset %i with %j (attributes): ONNX numbers', async (opset, a) => {
    const spec = { opset, inputs: map, nodes: [node('Pad', ['x'], a)], outputs: ['y'] };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
  });

  it('Pad with a constant value and axes as inputs: ONNX numbers', async () => {
    const spec = {
      opset: 18,
      inputs: map,
      initializers: {
        pads: { dims: [4], values: [2, 1, 0, 3], int64: true },
        v: { dims: [], values: [-2] },
        axes: { dims: [2], values: [-1, 2], int64: true },
      },
      nodes: [node('Pad', ['x', 'pads', 'v', 'axes'])],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
  });

  it('refuses Pad of the batch or channel axis, and negative pads', () => {
    const spec = (pads: number[]) => ({
      inputs: map,
      initializers: { pads: { dims: [8], values: pads, int64: true } },
      nodes: [node('Pad', ['x', 'pads'])],
      outputs: ['y'],
    });
    expect(refusal(spec([0, 1, 0, 0, 0, 0, 0, 0]))).toMatch(/\(Pad\): only padding of H and W/);
    expect(refusal(spec([0, 0, -1, 0, 0, 0, 0, 0]))).toMatch(/\(Pad\): negative pads/);
  });

  it('refuses Pad with pads computed at run time', () => {
    const spec = {
      opset: 13,
      inputs: { x: [1, 2, 5, 5], p: [8] },
      nodes: [node('Pad', ['x', 'p'])],
      outputs: ['y'],
    };
    expect(refusal(spec)).toMatch(/\(Pad\): only constant pads/);
  });

  it.each([
    ['MaxPool', {}],
    ['AveragePool', {}],
    ['AveragePool', { count_include_pad: 1 }],
    ['MaxPool', { ceil_mode: 1, strides: [2, 2] }],
  ])('%s with dilations and pads (%j): ONNX numbers', async (op, more) => {
    const a = { kernel_shape: [2, 3], dilations: [2, 2], pads: [1, 0, 1, 1], ...more };
    const nodes = [node(op, ['x'], a)];
    const spec = { opset: 19, inputs: { x: [1, 2, 7, 8] }, nodes, outputs: ['y'] };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
    // before opset 19 (AveragePool) or 10 (MaxPool) the attribute does not exist
    expect(refusal({ ...spec, opset: 9 })).toMatch(/dilations is not an attribute/);
  });

  it('imports a channel-major Flatten that no Gemm/MatMul absorbs (NCHW order first), with ONNX numbers', async () => {
    const alone = { inputs: map, nodes: [node('Flatten', ['x'])], outputs: ['y'] };
    expect(await errorAgainstOrt(alone)).toBeLessThan(1e-6);
    expect(importOnnx(buildModel(alone)).nodes.map((n) => n.op)).toEqual(['Transpose', 'Flatten']);
    const fc = { dims: [3, 50], values: Array.from({ length: 150 }, (_, i) => Math.sin(i)) };
    const gemm = {
      inputs: map,
      initializers: { fc },
      nodes: [
        { ...node('Flatten', ['x']), output: ['f'] },
        { ...node('Relu', ['f']), output: ['r'] },
        node('Gemm', ['r', 'fc'], { transB: 1 }),
      ],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(gemm)).toBeLessThan(1e-5);
    // read only by a Gemm, the order is absorbed by its weight columns: no Transpose
    const absorbed = { ...gemm, nodes: [gemm.nodes[0], node('Gemm', ['f', 'fc'], { transB: 1 })] };
    expect(await errorAgainstOrt(absorbed)).toBeLessThan(1e-5);
    expect(importOnnx(buildModel(absorbed)).nodes.map((n) => n.op)).toEqual(['Flatten', 'Dense']);
  });

  it.each([
    [[1, 2, 5, 5], { axis: 0 }],
    [[2, 3, 4, 5], { axis: 2 }],
    [[2, 3, 4, 5], { axis: -1 }],
    [[2, 3, 4, 5], { axis: 4 }],
    [[2, 3, 4], { axis: 2 }],
  ])('Flatten of %j with %j: ONNX numbers', async (dims, a) => {
    const spec = { inputs: { x: dims }, nodes: [node('Flatten', ['x'], a)], outputs: ['y'] };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
  });

  it('imports a Flatten that feeds Gemm through Identity with ONNX numbers', async () => {
    const fc = { dims: [3, 50], values: Array.from({ length: 150 }, (_, i) => Math.sin(i)) };
    const spec = {
      inputs: map,
      initializers: { fc },
      nodes: [
        { ...node('Flatten', ['x']), output: ['f'] },
        { ...node('Identity', ['f']), output: ['i'] },
        node('Gemm', ['i', 'fc'], { transB: 1 }),
      ],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-5);
  });

  it.each([
    [
      [1, 2, 5, 5],
      [10, 5],
    ],
    [
      [1, 2, 5, 5],
      [1, 5, 10],
    ],
    [
      [1, 2, 5, 5],
      [1, 5, 2, 5],
    ],
    [
      [2, 3, 4],
      [2, 3, 2, 2],
    ],
    [
      [2, 6, 2, 2],
      [2, 3, 0, -1],
    ],
  ])('Reshape of %j to %j, into or out of 4-D maps: ONNX numbers', async (dims, shape) => {
    const spec = {
      inputs: { x: dims },
      initializers: { s: { dims: [shape.length], values: shape, int64: true } },
      nodes: [node('Reshape', ['x', 's'])],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
  });

  it('Transpose of a map in any order, and Gemm with transA: ONNX numbers', async () => {
    for (const perm of [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [0, 2, 1, 3],
      [1, 0, 3, 2],
    ]) {
      const spec = {
        inputs: { x: [2, 3, 4, 5] },
        nodes: [node('Transpose', ['x'], { perm })],
        outputs: ['y'],
      };
      expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
    }
    const b = { dims: [4, 3], values: Array.from({ length: 12 }, (_, i) => Math.cos(i)) };
    const spec = {
      inputs: { x: [4, 5] },
      initializers: { b },
      nodes: [node('Gemm', ['x', 'b'], { transA: 1, alpha: 0.5 })],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-5);
  });

  it.each([
    [11, [1, 2, 5, 5], {}],
    [11, [2, 2, 3, 3], { axis: 0 }],
    [11, [2, 3, 4], { axis: 1 }],
    [11, [2, 3, 4], { axis: 0 }],
    [13, [1, 2, 5, 5], {}],
    [13, [1, 2, 5, 5], { axis: 1 }],
  ])('Softmax at opset %i on %j with %j: ONNX numbers', async (opset, dims, a) => {
    const spec = { opset, inputs: { x: dims }, nodes: [node('Softmax', ['x'], a)], outputs: ['y'] };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-5);
  });

  it('refuses Softmax over H and W before opset 13 (not contiguous in NHWC)', () => {
    expect(
      refusal({
        opset: 11,
        inputs: map,
        nodes: [node('Softmax', ['x'], { axis: 2 })],
        outputs: ['y'],
      }),
    ).toMatch(/\(Softmax\): axis 2 on a 4-D input is not supported before opset 13/);
  });

  it('refuses BatchNormalization in training mode and its statistics outputs', () => {
    const c = { dims: [2], values: [1, 2] };
    const spec = (a: Record<string, number>, outputs: string[]) => ({
      opset: 15,
      inputs: map,
      initializers: { s: c, b: c, m: c, v: c },
      nodes: [{ ...node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], a), output: outputs }],
      outputs,
    });
    expect(refusal(spec({ training_mode: 1 }, ['y']))).toMatch(
      /\(BatchNormalization\): training_mode 1/,
    );
    expect(refusal(spec({}, ['y', 'mean']))).toMatch(/output 1 \('mean'\) is not supported/);
  });

  it('Clip with min above max gives max everywhere, as ONNX', async () => {
    const spec = {
      inputs: map,
      initializers: { lo: { dims: [], values: [0.5] }, hi: { dims: [], values: [0.2] } },
      nodes: [node('Clip', ['x', 'lo', 'hi'])],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBe(0);
  });

  it('broadcasts Add and PRelu constants by ONNX rules on NCHW maps', async () => {
    const w = { dims: [5], values: [0.1, -0.2, 0.3, -0.4, 0.5] };
    const perChannel = { dims: [2, 1, 1], values: [0.25, -0.5] };
    for (const b of [w, perChannel])
      expect(
        await errorAgainstOrt({
          inputs: map,
          initializers: { b },
          nodes: [node('Add', ['x', 'b'])],
          outputs: ['y'],
        }),
      ).toBeLessThan(1e-6);
    expect(
      await errorAgainstOrt({
        inputs: map,
        initializers: { b: perChannel },
        nodes: [node('PRelu', ['x', 'b'])],
        outputs: ['y'],
      }),
    ).toBeLessThan(1e-6);
    expect(
      refusal({
        inputs: map,
        initializers: { b: w },
        nodes: [node('PRelu', ['x', 'b'])],
        outputs: ['y'],
      }),
    ).toMatch(/\(PRelu\): slope of shape \[5\] on a 4-D input/);
  });
});

describe('values the importer cannot place', () => {
  it('imports a Transpose to NHWC that a non-layout op reads as a real Transpose: ONNX numbers', async () => {
    const spec = {
      inputs: { x: [1, 2, 3, 2] },
      nodes: [
        { ...node('Transpose', ['x'], { perm: [0, 2, 3, 1] }), output: ['u'] },
        { ...node('Concat', ['u', 'u'], { axis: 1 }), output: ['v'] },
        node('Relu', ['v']),
      ],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
    expect(importOnnx(buildModel(spec)).nodes.map((n) => n.op)).toEqual([
      'Transpose',
      'Concat',
      'Relu',
    ]);
  });

  it('refuses a graph output that no node computes, and an input without a shape', () => {
    const constant = {
      opType: 'Constant',
      input: [],
      output: ['y'],
      attribute: [{ name: 'value_float', type: 1, f: 2 }],
    };
    expect(refusal({ inputs: map, nodes: [constant], outputs: ['y'] })).toMatch(
      /graph output 'y' is not computed/,
    );
    const model = buildModel({ inputs: map, nodes: [node('Relu', ['x'])], outputs: ['y'] });
    const decoded = onnx.ModelProto.decode(model);
    decoded.graph!.input![0].type!.tensorType!.shape = null;
    expect(() => importOnnx(onnx.ModelProto.encode(decoded).finish())).toThrow(
      /graph input 'x' has no shape/,
    );
  });

  it('imports Flatten at axis -3 of a 4-D map as axis 1', async () => {
    const fc = { dims: [3, 50], values: Array.from({ length: 150 }, (_, i) => Math.cos(i)) };
    const spec = {
      inputs: map,
      initializers: { fc },
      nodes: [
        { ...node('Flatten', ['x'], { axis: -3 }), output: ['f'] },
        node('Gemm', ['f', 'fc'], { transB: 1 }),
      ],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-5);
  });

  it('refuses Dropout in training mode and Reshape with allowzero', () => {
    expect(
      refusal({
        opset: 13,
        inputs: { x: [2, 3], r: [], t: [] },
        nodes: [node('Dropout', ['x', 'r', 't'])],
        outputs: ['y'],
      }),
    ).toMatch(/\(Dropout\): training_mode/);
    expect(
      refusal({
        opset: 14,
        inputs: { x: [2, 3] },
        initializers: { s: { dims: [2], values: [0, 6], int64: true } },
        nodes: [node('Reshape', ['x', 's'], { allowzero: 1 })],
        outputs: ['y'],
      }),
    ).toMatch(/\(Reshape\): allowzero 1/);
  });

  it.each([
    [
      [2, 3],
      [1, 3, 4],
    ],
    [
      [2, 3, 4],
      [4, 5],
    ],
    [
      [2, 2, 3, 4],
      [2, 4, 3],
    ],
    [
      [1, 2, 3, 4],
      [3, 1, 4, 2],
    ],
  ])('batched MatMul of %j by a constant %j: ONNX numbers', async (a, b) => {
    const count = b.reduce((p, d) => p * d, 1);
    const values = Array.from({ length: count }, (_, i) => Math.sin(i + 1));
    const spec = {
      inputs: { x: a },
      initializers: { b: { dims: b, values } },
      nodes: [node('MatMul', ['x', 'b'])],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-5);
  });

  it.each([
    [{ strides: [2, 2] }, 1],
    [{ strides: [2, 3], pads: [1, 0, 2, 1], output_padding: [1, 2], dilations: [1, 2] }, 1],
    [{ group: 2, strides: [1, 2], pads: [0, 1, 1, 0] }, 2],
  ])('ConvTranspose with %j: ONNX numbers', async (a, group) => {
    const w = { dims: [4, 3, 3, 2], values: Array.from({ length: 72 }, (_, i) => Math.cos(i)) };
    const spec = {
      inputs: { x: [1, 4, 5, 4] },
      initializers: {
        w,
        b: { dims: [3 * group], values: [0.5, -1, 2, 0, 1, -2].slice(0, 3 * group) },
      },
      nodes: [node('ConvTranspose', ['x', 'w', 'b'], a)],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-5);
  });

  it('MatMul of a map by itself transposed (two runtime operands): ONNX numbers', async () => {
    const spec = {
      inputs: { x: [1, 2, 3, 4] },
      nodes: [
        { ...node('Transpose', ['x'], { perm: [0, 1, 3, 2] }), output: ['t'] },
        node('MatMul', ['x', 't']),
      ],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-5);
    expect(
      refusal({ ...spec, nodes: [node('MatMul', ['x', 'v'])], inputs: { x: [2, 3], v: [3] } }),
    ).toMatch(/\(MatMul\): 1-D operands/);
  });
});

describe('external data', () => {
  it('refuses an initializer stored in an external file by name, reading nothing', () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        input: [
          {
            name: 'x',
            type: {
              tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } },
            },
          },
        ],
        output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
        initializer: [
          {
            name: 'w',
            dims: [4, 2],
            dataType: 1,
            dataLocation: 1,
            externalData: [{ key: 'location', value: '../../../etc/passwd' }],
          },
        ],
        node: [{ opType: 'MatMul', input: ['x', 'w'], output: ['y'] }],
      },
    }).finish();
    expect(() => importOnnx(bytes)).toThrow(/initializer 'w' keeps its data in an external file/);
  });
});
