// Ops that common exports use, mapped onto existing IR ops at import: each against
// onnxruntime-web on the same model, and the forms the importer refuses.
import { describe, expect, it } from 'vitest';
import { errorAgainstOrt, node, refusal } from './onnx-import-check.js';
import { floatAttr } from './onnx-model.js';

const map = { x: [2, 3, 4, 5] };
const perChannel = { dims: [3, 1, 1], values: [0.5, -2, 1.25] };
const scalar = { dims: [], values: [0.75] };
const wide = (dims: number[]) => ({
  dims,
  values: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(i) + 0.1),
});

describe('constants folded at import', () => {
  it('a Constant node, an Identity of it and a Transpose of a weight feed Gemm/MatMul', async () => {
    const spec = {
      inputs: { x: [4, 6] },
      initializers: { wt: wide([5, 6]) },
      nodes: [
        {
          opType: 'Constant',
          input: [],
          output: ['bias'],
          attribute: [
            { name: 'value', type: 4, t: { dims: [5], dataType: 1, floatData: [1, 2, 3, 4, 5] } },
          ],
        },
        { ...node('Identity', ['bias']), output: ['b2'] },
        { ...node('Transpose', ['wt'], { perm: [1, 0] }), output: ['w'] },
        { ...node('MatMul', ['x', 'w']), output: ['m'] },
        node('Add', ['m', 'b2']),
      ],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-5);
  });
});

describe('elementwise ops with constants', () => {
  it.each([
    ['Mul', perChannel],
    ['Mul', scalar],
    ['Div', perChannel],
    ['Sub', perChannel],
    ['Sub', wide([4, 5])],
  ])('%s by a constant %j', async (op, k) => {
    const spec = {
      inputs: map,
      initializers: { k },
      nodes: [node(op, ['x', 'k'])],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
  });

  it('Mul with the constant first', async () => {
    const spec = {
      inputs: map,
      initializers: { k: perChannel },
      nodes: [node('Mul', ['k', 'x'])],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
  });

  it('refuses Mul of two runtime values, by a full map, and constant - value', () => {
    expect(refusal({ inputs: map, nodes: [node('Mul', ['x', 'x'])], outputs: ['y'] })).toMatch(
      /\(Mul\): two runtime inputs/,
    );
    expect(
      refusal({
        inputs: map,
        initializers: { k: wide([4, 5]) },
        nodes: [node('Mul', ['x', 'k'])],
        outputs: ['y'],
      }),
    ).toMatch(/\(Mul\): a constant of shape \[4, 5\] is not supported/);
    expect(
      refusal({
        inputs: map,
        initializers: { k: scalar },
        nodes: [node('Sub', ['k', 'x'])],
        outputs: ['y'],
      }),
    ).toMatch(/\(Sub\): a constant first input/);
  });

  it('Sum of three inputs, a constant among them', async () => {
    const spec = {
      inputs: map,
      initializers: { k: perChannel },
      nodes: [{ ...node('Relu', ['x']), output: ['r'] }, node('Sum', ['x', 'r', 'k'])],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
  });
});

describe('pooling and activations', () => {
  it('GlobalMaxPool', async () => {
    expect(
      await errorAgainstOrt({ inputs: map, nodes: [node('GlobalMaxPool', ['x'])], outputs: ['y'] }),
    ).toBe(0);
  });

  it.each([
    [[2, 3], 1],
    [[-1, -2], 0],
    [[2], 1],
    [[3], 1],
  ])('ReduceMean over axes %j, keepdims %i', async (axes, keepdims) => {
    const spec = {
      opset: 13,
      inputs: map,
      nodes: [node('ReduceMean', ['x'], { axes, keepdims })],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
  });

  it('refuses ReduceMean over channels', () => {
    expect(
      refusal({
        opset: 13,
        inputs: map,
        nodes: [node('ReduceMean', ['x'], { axes: [1] })],
        outputs: ['y'],
      }),
    ).toMatch(/\(ReduceMean\): only axes over H and W/);
  });

  it('LeakyRelu with its alpha', async () => {
    const spec = { inputs: map, nodes: [node('LeakyRelu', ['x'], { alpha: 0.2 })], outputs: ['y'] };
    expect(await errorAgainstOrt(spec)).toBe(0);
  });

  it.each([
    ['MaxPool', { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }],
    ['AveragePool', { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }],
    ['AveragePool', { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }],
    ['MaxPool', { kernel_shape: [2, 3], strides: [2, 1], auto_pad: 'SAME_LOWER' }],
    ['Conv', { auto_pad: 'SAME_LOWER', strides: [2, 2] }],
  ])('%s with %j', async (op, a) => {
    const spec = {
      inputs: map,
      initializers: { w: wide([2, 3, 3, 2]) },
      nodes: [node(op, op === 'Conv' ? ['x', 'w'] : ['x'], a)],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-5);
  });

  it('refuses ceil_mode AveragePool counting pads when the last window passes them', () => {
    const a = { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1, count_include_pad: 1 };
    expect(
      refusal({ inputs: map, nodes: [node('AveragePool', ['x'], a)], outputs: ['y'] }),
    ).toMatch(/\(AveragePool\): ceil_mode with count_include_pad 1/);
  });
});

describe('Gemm C', () => {
  const gemm = (c: { dims: number[]; values: number[] }, beta: number) => ({
    inputs: { x: [2, 6] },
    initializers: { b: wide([6, 4]), c },
    nodes: [
      {
        ...node('Gemm', ['x', 'b', 'c']),
        attribute: [floatAttr('alpha', 0.5), floatAttr('beta', beta)],
      },
    ],
    outputs: ['y'],
  });
  it.each([
    [scalar, 1],
    [wide([4]), 2.5],
    [wide([1, 4]), 1],
    [wide([2, 4]), 0.5],
    [wide([2, 1]), 1],
    [wide([2, 4]), 0],
  ])('C %j, beta %d', async (c, beta) => {
    expect(await errorAgainstOrt(gemm(c, beta))).toBeLessThan(1e-6);
  });
});

describe('Squeeze, Unsqueeze and HardSigmoid', () => {
  const pooled = (squeeze: ReturnType<typeof node>, opset: number, initializers = {}) => ({
    opset,
    inputs: map,
    initializers,
    nodes: [{ ...node('GlobalAveragePool', ['x']), output: ['p'] }, squeeze],
    outputs: ['y'],
  });

  it('squeezes a pooled map to [N, C] (axes as attribute, then as input)', async () => {
    expect(
      await errorAgainstOrt(pooled(node('Squeeze', ['p'], { axes: [2, 3] }), 11)),
    ).toBeLessThan(1e-6);
    const axes = { dims: [2], values: [-1, -2], int64: true };
    expect(
      await errorAgainstOrt(pooled(node('Squeeze', ['p', 'axes']), 13, { axes })),
    ).toBeLessThan(1e-6);
  });

  it('unsqueezes [N, C] to a [N, C, 1, 1] map, and a 3-D value in its own layout', async () => {
    const spec = {
      opset: 11,
      inputs: { x: [2, 6] },
      nodes: [node('Unsqueeze', ['x'], { axes: [2, 3] })],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBe(0);
    const three = {
      opset: 11,
      inputs: { x: [2, 6, 4] },
      nodes: [node('Unsqueeze', ['x'], { axes: [-1] })],
      outputs: ['y'],
    };
    expect(refusal(three)).toMatch(/\(Unsqueeze\): making a 4-D map/);
    const two = {
      opset: 11,
      inputs: { x: [2, 6] },
      nodes: [node('Unsqueeze', ['x'], { axes: [0] })],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(two)).toBe(0);
  });

  it('refuses squeezing channels and unsqueezing a map', () => {
    expect(refusal(pooled(node('Squeeze', ['p'], { axes: [1] }), 11))).toMatch(
      /\(Squeeze\): only axes \[2, 3\]/,
    );
    expect(
      refusal({
        opset: 11,
        inputs: map,
        nodes: [node('Unsqueeze', ['x'], { axes: [0] })],
        outputs: ['y'],
      }),
    ).toMatch(/\(Unsqueeze\): adding axes to a 4-D map/);
  });

  it('HardSigmoid with its alpha and beta', async () => {
    const spec = {
      inputs: map,
      nodes: [
        {
          ...node('HardSigmoid', ['x']),
          attribute: [floatAttr('alpha', 0.3), floatAttr('beta', 0.4)],
        },
      ],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBeLessThan(1e-6);
    expect(
      await errorAgainstOrt({ inputs: map, nodes: [node('HardSigmoid', ['x'])], outputs: ['y'] }),
    ).toBeLessThan(1e-6);
  });
});

describe('shapes computed in the graph, folded at import', () => {
  const int64 = (values: number[], dims = [values.length]) => ({ dims, values, int64: true });
  const fc = wide([3, 50]);
  /** x.view(x.size(0), -1) as older PyTorch exports write it, then a Gemm. */
  const view = (reshaped: string) => ({
    opset: 11,
    inputs: { x: ['N', 2, 5, 5] },
    initializers: { zero: int64([0], []), minus: int64([-1]), fc },
    nodes: [
      { ...node('Relu', ['x']), output: ['r'] },
      { ...node('Shape', ['x']), output: ['s'] },
      { ...node('Gather', ['s', 'zero']), output: ['b'] },
      { ...node('Unsqueeze', ['b'], { axes: [0] }), output: ['b1'] },
      { ...node('Concat', ['b1', 'minus'], { axis: 0 }), output: ['target'] },
      { ...node('Cast', ['target'], { to: 7 }), output: ['t64'] },
      { ...node('Reshape', [reshaped, 't64']), output: ['f'] },
      node('Gemm', ['f', 'fc'], { transB: 1 }),
    ],
    outputs: ['y'],
  });

  it('Shape -> Gather -> Unsqueeze -> Concat -> Reshape with a dynamic batch', async () => {
    expect(await errorAgainstOrt(view('x'), 3, [3, 2, 5, 5])).toBeLessThan(1e-5);
  });

  it('refuses a run-time dim taken from another value', () => {
    expect(refusal(view('r'))).toMatch(/\(Reshape\): a shape with dims known only at run time/);
  });

  it('ConstantOfShape of a static shape, and Cast of a float value', async () => {
    const spec = {
      inputs: { x: [2, 3] },
      nodes: [
        { ...node('Shape', ['x']), output: ['s'] },
        {
          opType: 'ConstantOfShape',
          input: ['s'],
          output: ['k'],
          attribute: [{ name: 'value', type: 4, t: { dims: [1], dataType: 1, floatData: [0.5] } }],
        },
        { ...node('Cast', ['x'], { to: 1 }), output: ['xf'] },
        node('Add', ['xf', 'k']),
      ],
      outputs: ['y'],
    };
    expect(await errorAgainstOrt(spec)).toBe(0);
  });
});

describe('Slice of a shape', () => {
  const spec = (opset: number) => ({
    opset,
    inputs: { x: ['N', 6, 4] },
    initializers: {
      minus: { dims: [1], values: [-1], int64: true },
      starts: { dims: [1], values: [0], int64: true },
      ends: { dims: [1], values: [1], int64: true },
    },
    nodes: [
      { ...node('Shape', ['x']), output: ['s'] },
      opset < 10
        ? { ...node('Slice', ['s'], { starts: [0], ends: [1] }), output: ['b'] }
        : { ...node('Slice', ['s', 'starts', 'ends']), output: ['b'] },
      { ...node('Concat', ['b', 'minus'], { axis: 0 }), output: ['target'] },
      node('Reshape', ['x', 'target']),
    ],
    outputs: ['y'],
  });
  it.each([9, 13])('x.reshape(x.shape[:1] + (-1,)) at opset %i', async (opset) => {
    expect(await errorAgainstOrt(spec(opset), 3, [2, 6, 4])).toBe(0);
  });
});
