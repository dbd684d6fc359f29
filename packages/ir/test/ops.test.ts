import { describe, expect, it } from 'vitest';
import {
  GraphValidationError,
  getOpSchema,
  listOps,
  resolveAttrs,
  resolveWindow,
  ShapeError,
  type TensorInfo,
} from '../src/index.js';

const f32 = (...shape: number[]): TensorInfo => ({ dtype: 'float32', shape });
const bits = (...shape: number[]): TensorInfo => ({ dtype: 'bits', shape });

function infer(
  op: string,
  inputs: (TensorInfo | undefined)[],
  attrs: Record<string, unknown> = {},
) {
  const schema = getOpSchema(op)!;
  return schema.inferShapes(inputs, resolveAttrs(schema, attrs as never)).map((o) => o.shape);
}

describe('op registry', () => {
  it('has every op the issue lists', () => {
    for (const op of [
      'Conv2D',
      'DepthwiseConv2D',
      'PAConv2D',
      'BatchNorm',
      'Relu',
      'PRelu',
      'Clip',
      'Add',
      'Concat',
      'MaxPool',
      'AvgPool',
      'GlobalAvgPool',
      'Dense',
      'Flatten',
      'Softmax',
    ]) {
      expect(listOps()).toContain(op);
    }
  });

  it('fills defaults and rejects unknown, missing and mistyped attributes', () => {
    const conv = getOpSchema('Conv2D')!;
    expect(resolveAttrs(conv, {})).toMatchObject({
      strides: [1, 1],
      groups: 1,
      padding: 'explicit',
    });
    expect(() => resolveAttrs(conv, { stride: [2, 2] }, 'c1')).toThrow(
      /node 'c1': Conv2D has no attribute 'stride'/,
    );
    expect(() => resolveAttrs(conv, { strides: [2] })).toThrow(/ints of length 2/);
    expect(() => resolveAttrs(conv, { strides: [0, 1] })).toThrow(/>= 1/);
    expect(() => resolveAttrs(conv, { padding: 'full' })).toThrow(/one of 'explicit'/);
    expect(() => resolveAttrs(conv, { groups: 1.5 })).toThrow(GraphValidationError);
    expect(() => resolveAttrs(conv, { __proto__: 1 } as never)).not.toThrow();
    expect(() => resolveAttrs(conv, JSON.parse('{"__proto__": 1}'))).toThrow(
      /no attribute '__proto__'/,
    );
    expect(() => resolveAttrs(getOpSchema('MaxPool')!, {})).toThrow(
      /needs attribute 'kernelShape'/,
    );
  });
});

describe('window arithmetic', () => {
  const attrs = (padding: string, strides: number[], pads = [0, 0, 0, 0]) => ({
    padding,
    strides,
    pads,
  });
  it('same padding gives ceil(in / stride) with the extra pad at the end', () => {
    expect(resolveWindow(56, 56, [3, 3], attrs('same', [1, 1]))).toMatchObject({
      outH: 56,
      padTop: 1,
      padBottom: 1,
    });
    expect(resolveWindow(56, 56, [3, 3], attrs('same', [2, 2]))).toMatchObject({
      outH: 28,
      padTop: 0,
      padBottom: 1,
    });
    expect(resolveWindow(7, 7, [1, 1], attrs('same', [2, 2]))).toMatchObject({
      outH: 4,
      padTop: 0,
      padBottom: 0,
    });
  });
  it('explicit and valid padding', () => {
    expect(resolveWindow(224, 224, [7, 7], attrs('explicit', [2, 2], [3, 3, 3, 3]))).toMatchObject({
      outH: 112,
      outW: 112,
    });
    expect(resolveWindow(5, 5, [3, 3], attrs('valid', [1, 1], [9, 9, 9, 9]))).toMatchObject({
      outH: 3,
      padTop: 0,
    });
    expect(resolveWindow(10, 10, [3, 3], attrs('explicit', [1, 1]), [2, 2])).toMatchObject({
      outH: 6,
    });
  });
  it('rejects a window larger than the padded input', () => {
    expect(() => resolveWindow(2, 2, [3, 3], attrs('valid', [1, 1]))).toThrow(ShapeError);
  });
});

describe('shape inference', () => {
  it('convolutions', () => {
    expect(
      infer('Conv2D', [f32(1, 56, 56, 64), f32(128, 3, 3, 64)], {
        strides: [2, 2],
        pads: [1, 1, 1, 1],
      }),
    ).toEqual([[1, 28, 28, 128]]);
    expect(infer('Conv2D', [f32(-1, 8, 8, 4), f32(6, 1, 1, 2)], { groups: 2 })).toEqual([
      [-1, 8, 8, 6],
    ]);
    expect(() => infer('Conv2D', [f32(1, 8, 8, 4), f32(6, 1, 1, 3)])).toThrow(
      /weight dim 3 \(C \/ groups\) must be 4, got 3/,
    );
    expect(() => infer('Conv2D', [f32(1, 8, 8, 5), f32(6, 1, 1, 2)], { groups: 2 })).toThrow(
      /not divisible by groups/,
    );
    expect(
      infer('DepthwiseConv2D', [f32(2, 9, 9, 8), f32(16, 3, 3, 1)], { padding: 'same' }),
    ).toEqual([[2, 9, 9, 16]]);
  });

  it('PAConv2D checks every parameter tensor against M, N and the channels', () => {
    const ok = [f32(1, 8, 8, 33), bits(4, 64, 3, 3, 33), f32(64, 4), f32(64), f32(5), f32(6)];
    const attrs = { weightBases: 4, activationBases: 5, pads: [1, 1, 1, 1] };
    expect(infer('PAConv2D', ok, attrs)).toEqual([[1, 8, 8, 64]]);
    const perChannel = [...ok.slice(0, 4), f32(33, 5), f32(33, 6), f32(64), f32(64)];
    expect(infer('PAConv2D', perChannel, attrs)).toEqual([[1, 8, 8, 64]]);
    const wrongM = [ok[0], bits(3, 64, 3, 3, 33), ...ok.slice(2)];
    expect(() => infer('PAConv2D', wrongM, attrs)).toThrow(
      /weightBits dim 0 \(weightBases\) must be 4, got 3/,
    );
    const wrongLevels = [...ok.slice(0, 5), f32(5)];
    expect(() => infer('PAConv2D', wrongLevels, attrs)).toThrow(/actLevels must have shape \[6\]/);
    expect(() => infer('PAConv2D', ok, { activationBases: 5, pads: [1, 1, 1, 1] })).toThrow(
      /needs attribute 'weightBases'/,
    );
  });

  it('pooling, dense, reshape, concat, broadcasting', () => {
    expect(
      infer('MaxPool', [f32(1, 112, 112, 64)], {
        kernelShape: [3, 3],
        strides: [2, 2],
        padding: 'same',
      }),
    ).toEqual([[1, 56, 56, 64]]);
    expect(infer('GlobalAvgPool', [f32(3, 7, 7, 512)])).toEqual([[3, 512]]);
    expect(infer('Pad', [f32(-1, 224, 224, 3)], { pads: [3, 3, 2, 1] })).toEqual([
      [-1, 229, 228, 3],
    ]);
    expect(infer('GlobalAvgPool', [f32(3, 7, 7, 512)], { keepDims: true })).toEqual([
      [3, 1, 1, 512],
    ]);
    expect(infer('Dense', [f32(3, 512), f32(10, 512), f32(10)])).toEqual([[3, 10]]);
    expect(() => infer('Dense', [f32(3, 512), f32(10, 500)])).toThrow(/input features/);
    expect(infer('Flatten', [f32(2, 3, 4, 5)])).toEqual([[2, 60]]);
    expect(infer('Reshape', [f32(2, 3, 4)], { shape: [0, -1] })).toEqual([[2, 12]]);
    expect(() => infer('Reshape', [f32(2, 3, 4)], { shape: [5, -1] })).toThrow(/cannot reshape/);
    expect(infer('Concat', [f32(1, 4, 4, 3), f32(1, 4, 4, 5)])).toEqual([[1, 4, 4, 8]]);
    expect(() => infer('Concat', [f32(1, 4, 4, 3), f32(1, 5, 4, 5)])).toThrow(/incompatible/);
    expect(infer('Add', [f32(2, 4, 4, 8), f32(8)])).toEqual([[2, 4, 4, 8]]);
    expect(() => infer('Add', [f32(2, 4), f32(3)])).toThrow(/do not broadcast/);
    expect(() => infer('Clip', [f32(2)], { min: 1, max: 0 })).toThrow(/greater than max/);
    expect(() => infer('Softmax', [f32(2, 3)], { axis: 2 })).toThrow(/out of range/);
  });

  it('dilated pools and Pad modes', () => {
    expect(
      infer('MaxPool', [f32(1, 9, 9, 4)], {
        kernelShape: [3, 3],
        dilations: [2, 2],
        pads: [1, 1, 1, 1],
      }),
    ).toEqual([[1, 7, 7, 4]]);
    expect(infer('AvgPool', [f32(1, 9, 8, 4)], { kernelShape: [2, 3], dilations: [3, 2] })).toEqual(
      [[1, 6, 4, 4]],
    );
    expect(infer('Pad', [f32(1, 3, 4, 5)], { pads: [2, 0, 1, 3], mode: 'reflect' })).toEqual([
      [1, 6, 7, 5],
    ]);
    expect(() =>
      infer('Pad', [f32(1, 3, 4, 5)], { pads: [1, 1, 1, 1], mode: 'symmetric' }),
    ).toThrow(/one of 'constant', 'reflect', 'edge', 'wrap'/);
    expect(() => infer('Pad', [f32(1, 0, 4, 5)], { pads: [1, 0, 0, 0], mode: 'edge' })).toThrow(
      /cannot pad an empty axis/,
    );
  });

  it('ConvTranspose2D and batched MatMul shapes', () => {
    expect(
      infer('ConvTranspose2D', [f32(-1, 7, 6, 4), f32(8, 3, 3, 2)], {
        groups: 2,
        strides: [2, 3],
        pads: [1, 0, 1, 2],
        outputPadding: [1, 0],
      }),
    ).toEqual([[-1, 14, 16, 8]]);
    expect(() =>
      infer('ConvTranspose2D', [f32(1, 7, 6, 4), f32(8, 3, 3, 4)], { outputPadding: [1, 0] }),
    ).toThrow(/below the stride/);
    expect(() => infer('ConvTranspose2D', [f32(1, 7, 6, 4), f32(8, 3, 3, 3)])).toThrow(
      /C \/ groups/,
    );
    expect(infer('MatMul', [f32(2, 1, 3, 4), f32(5, 4, 6)])).toEqual([[2, 5, 3, 6]]);
    expect(() => infer('MatMul', [f32(3, 4), f32(5, 6)])).toThrow(/\(K\)/);
    expect(() => infer('MatMul', [f32(4), f32(4, 6)])).toThrow(/rank >= 2/);
  });

  it('Transpose permutes the dims and takes only a permutation of the rank', () => {
    expect(infer('Transpose', [f32(-1, 2, 3, 4)], { perm: [0, 3, 1, 2] })).toEqual([[-1, 4, 2, 3]]);
    expect(infer('Transpose', [f32(1, 2, 3, 4, 5, 6)], { perm: [5, 4, 3, 2, 1, 0] })).toEqual([
      [6, 5, 4, 3, 2, 1],
    ]);
    expect(() => infer('Transpose', [f32(2, 3)], { perm: [0, 0] })).toThrow(/not a permutation/);
    expect(() => infer('Transpose', [f32(2, 3)], { perm: [1, 0, 2] })).toThrow(
      /not a permutation of rank 2/,
    );
    expect(() => infer('Transpose', [f32(2, 3)], { perm: [1, -1] })).toThrow(GraphValidationError);
  });
});
