import { type Attrs, type Tensor, tensor } from '@pabnn/ir';
import { createQuantizer, quantizeWeights } from '@pabnn/quantizer';
import type { OpCase } from './execute.js';
import { randomTensor, rng } from './random.js';

export interface PACaseSpec {
  title: string;
  batch?: number;
  size?: [number, number];
  cin: number;
  cout: number;
  kernel: number;
  m: number;
  n: number;
  attrs?: Attrs;
  perChannel?: boolean;
  /** Some inputs land exactly on a threshold (they belong to the upper piece). */
  onBoundary?: boolean;
  /** Every k-th input is NaN (it belongs to the lowest piece). */
  nanEvery?: number;
  scaleBias?: boolean;
}

/** The edge cases every PAConv2D kernel must get right (issue: stride, padding, 1x1 / 3x3 / 7x7, dilation, groups, depthwise, channels 1..65, batch 3, M and N 1..5, boundaries, NaN). */
export const PA_CASES: PACaseSpec[] = [
  { title: '1x1, 1 channel, M1 N1', cin: 1, cout: 4, kernel: 1, m: 1, n: 1 },
  {
    title: '3x3 pad 1, 64 channels, M1 N1, 10 outputs',
    cin: 64,
    cout: 10,
    kernel: 3,
    m: 1,
    n: 1,
    attrs: { pads: [1, 1, 1, 1] },
    scaleBias: true,
  },
  {
    title: '3x3 pad 1, 31 channels, M2 N2',
    cin: 31,
    cout: 8,
    kernel: 3,
    m: 2,
    n: 2,
    attrs: { pads: [1, 1, 1, 1] },
  },
  {
    title: '3x3 stride 2 pad 1, 32 channels, M3 N3',
    cin: 32,
    cout: 8,
    kernel: 3,
    m: 3,
    n: 3,
    attrs: { strides: [2, 2], pads: [1, 1, 1, 1] },
  },
  {
    title: "3x3 stride 2 'same', 33 channels, M4 N5, relu, scale and bias",
    cin: 33,
    cout: 16,
    kernel: 3,
    m: 4,
    n: 5,
    attrs: { strides: [2, 2], padding: 'same', activation: 'relu' },
    scaleBias: true,
  },
  {
    title: '7x7 stride 2 pad 3, 64 channels, M1 N2',
    size: [11, 9],
    cin: 64,
    cout: 5,
    kernel: 7,
    m: 1,
    n: 2,
    attrs: { strides: [2, 2], pads: [3, 3, 3, 3] },
  },
  {
    title: '3x3 dilation 2 pad 2, 65 channels, M5 N4',
    cin: 65,
    cout: 6,
    kernel: 3,
    m: 5,
    n: 4,
    attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] },
  },
  {
    title: "1x1 stride 2, 65 channels, M5 N5, 'valid'",
    cin: 65,
    cout: 7,
    kernel: 1,
    m: 5,
    n: 5,
    attrs: { strides: [2, 2], padding: 'valid' },
  },
  {
    title: '3x3 groups 2, 64 channels, M2 N3',
    cin: 64,
    cout: 8,
    kernel: 3,
    m: 2,
    n: 3,
    attrs: { groups: 2, pads: [1, 1, 1, 1] },
  },
  {
    title: '3x3 depthwise (groups = 33), M2 N2',
    cin: 33,
    cout: 33,
    kernel: 3,
    m: 2,
    n: 2,
    attrs: { groups: 33, pads: [1, 1, 1, 1] },
  },
  {
    title: 'batch 3, 33 channels, NaN inputs, M2 N2',
    batch: 3,
    cin: 33,
    cout: 4,
    kernel: 3,
    m: 2,
    n: 2,
    attrs: { pads: [1, 0, 1, 2] },
    nanEvery: 7,
  },
  {
    title: 'per-channel thresholds, 31 channels, M2 N3',
    cin: 31,
    cout: 5,
    kernel: 3,
    m: 2,
    n: 3,
    perChannel: true,
    attrs: { padding: 'same' },
  },
  {
    title: 'inputs exactly on thresholds, hardtanh, M3 N4',
    cin: 40,
    cout: 6,
    kernel: 3,
    m: 3,
    n: 4,
    onBoundary: true,
    attrs: { activation: 'hardtanh', pads: [1, 1, 1, 1] },
    scaleBias: true,
  },
  // small channel counts: the wasm kernel packs the taps of an im2col row densely (8, 16 or 32
  // bits a tap), so rows end mid-word and taps straddle words
  {
    title: '3x3 pad 1, 16 channels, M4 N5 (dense taps, 3 words a row)',
    cin: 16,
    cout: 9,
    kernel: 3,
    m: 4,
    n: 5,
    attrs: { pads: [1, 1, 1, 1] },
    scaleBias: true,
  },
  {
    title: '3x3 stride 2 dilation 2 pad 2, 24 channels, M2 N3',
    size: [9, 8],
    cin: 24,
    cout: 6,
    kernel: 3,
    m: 2,
    n: 3,
    attrs: { strides: [2, 2], dilations: [2, 2], pads: [2, 2, 2, 2] },
  },
  {
    title: '7x7 stride 2 pad 3, 3 channels, M2 N2 (8-bit taps)',
    size: [12, 11],
    cin: 3,
    cout: 5,
    kernel: 7,
    m: 2,
    n: 2,
    attrs: { strides: [2, 2], pads: [3, 3, 3, 3], activation: 'relu' },
  },
  {
    title: '1x1, 16 channels, M3 N2',
    cin: 16,
    cout: 6,
    kernel: 1,
    m: 3,
    n: 2,
  },
  {
    title: '3x3 pad 1, 96 channels, M2 N2, 1 plane interior path',
    cin: 96,
    cout: 5,
    kernel: 3,
    m: 2,
    n: 1,
    attrs: { pads: [1, 1, 1, 1] },
  },
  {
    title: 'asymmetric pads, 2x2 input under a 3x3 kernel',
    size: [2, 2],
    cin: 32,
    cout: 3,
    kernel: 3,
    m: 1,
    n: 1,
    attrs: { pads: [2, 1, 0, 1] },
  },
  // one plane word per pixel (up to 64 channels): the wasm kernel builds both pixels' row
  // words of a pair in registers (pa-conv-tiled.ts gatherPair), odd widths repeat a pixel
  {
    title: "1x1 stride 2, 32 channels, M4 N5, odd width (ResNet-8's downsampling)",
    size: [9, 7],
    cin: 32,
    cout: 12,
    kernel: 1,
    m: 4,
    n: 5,
    attrs: { strides: [2, 2] },
    scaleBias: true,
  },
  {
    title: '3x3 pad 1, 48 channels, M2 N3 (64-bit taps, 3 planes), batch 2',
    batch: 2,
    size: [5, 7],
    cin: 48,
    cout: 9,
    kernel: 3,
    m: 2,
    n: 3,
    attrs: { pads: [1, 1, 1, 1], activation: 'relu' },
  },
  // the wasm kernel's micro-kernels by row length (backend-wasm src/kernel-choice.ts): rows of
  // 1 word, of at most 31 words (one byte-counter chunk) and longer ones (chunked counters)
  {
    title: '3x3 pad 1, 1 channel, M3 N3 (8-bit taps, 2 words a row)',
    size: [6, 5],
    cin: 1,
    cout: 9,
    kernel: 3,
    m: 3,
    n: 3,
    attrs: { pads: [1, 1, 1, 1] },
  },
  {
    title: '3x3 pad 1, 224 channels, M2 N3 (36 words a row: counters widened per 31 words)',
    size: [4, 5],
    cin: 224,
    cout: 10,
    kernel: 3,
    m: 2,
    n: 3,
    attrs: { pads: [1, 1, 1, 1] },
    scaleBias: true,
  },
];

function sortedRandom(r: () => number, count: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: count }, () => lo + (hi - lo) * r()).sort();
}

export function paCase(spec: PACaseSpec, seed: number): OpCase {
  const r = rng(seed);
  const [h, w] = spec.size ?? [7, 6];
  const groups = (spec.attrs?.groups as number) ?? 1;
  const x = randomTensor(r, [spec.batch ?? 1, h, w, spec.cin], -1, 1, spec.nanEvery ?? 0);
  const weights = randomTensor(r, [spec.cout, spec.kernel, spec.kernel, spec.cin / groups]);
  const q = quantizeWeights(
    weights.data,
    weights.shape,
    createQuantizer({ name: 'pa', bases: spec.m }),
  );
  const stairs = spec.perChannel ? spec.cin : 1;
  const thresholds = new Float32Array(stairs * spec.n);
  const levels = new Float32Array(stairs * (spec.n + 1));
  for (let c = 0; c < stairs; c++) {
    thresholds.set(sortedRandom(r, spec.n, -0.8, 0.8), c * spec.n);
    levels.set(sortedRandom(r, spec.n + 1, -1.2, 1.2), c * (spec.n + 1));
  }
  if (spec.onBoundary) {
    for (let i = 0; i < x.data.length; i += 3) x.data[i] = thresholds[(i / 3) % spec.n];
  }
  const inputs: (Tensor | undefined)[] = [
    x,
    q.bits,
    q.scales,
    q.offset,
    tensor('float32', spec.perChannel ? [spec.cin, spec.n] : [spec.n], thresholds),
    tensor('float32', spec.perChannel ? [spec.cin, spec.n + 1] : [spec.n + 1], levels),
  ];
  if (spec.scaleBias)
    inputs.push(randomTensor(r, [spec.cout], 0.5, 2), randomTensor(r, [spec.cout]));
  return {
    title: spec.title,
    op: 'PAConv2D',
    inputs,
    constant: inputs.map((_, i) => i > 0),
    attrs: { weightBases: spec.m, activationBases: spec.n, ...spec.attrs },
  };
}

/** Cases for the float ops, compared against the reference backend. */
export function floatCases(seed: number): OpCase[] {
  const r = rng(seed);
  const t = (shape: number[], lo = -1, hi = 1, nanEvery = 0) =>
    randomTensor(r, shape, lo, hi, nanEvery);
  const c = (
    op: string,
    title: string,
    inputs: (Tensor | undefined)[],
    attrs: Attrs = {},
    constantFrom = 1,
  ): OpCase => ({
    title,
    op,
    inputs,
    constant: inputs.map((_, i) => i >= constantFrom),
    attrs,
  });
  return [
    c(
      'Conv2D',
      "3x3 stride 2 'same', 33 -> 8, bias",
      [t([1, 9, 8, 33]), t([8, 3, 3, 33]), t([8])],
      { strides: [2, 2], padding: 'same' },
    ),
    c('Conv2D', '1x1 groups 2, batch 3, NaN', [t([3, 5, 5, 64], -1, 1, 11), t([6, 1, 1, 32])], {
      groups: 2,
    }),
    c('Conv2D', '7x7 stride 2 pad 3, 3 channels', [t([1, 16, 15, 3]), t([4, 7, 7, 3])], {
      strides: [2, 2],
      pads: [3, 3, 3, 3],
    }),
    // narrow stems (the wasm backend's stem kernels: 1 -> 16 on asm/conv-tap-rows.ts, 2 -> 12 on
    // asm/conv-few-inputs.ts)
    c('Conv2D', '3x3 pad 1, 1 -> 16, bias, batch 2', [t([2, 7, 6, 1]), t([16, 3, 3, 1]), t([16])], {
      pads: [1, 1, 1, 1],
    }),
    c('Conv2D', '3x3 stride 2 dilation 2 pad 1, 2 -> 12', [t([1, 9, 8, 2]), t([12, 3, 3, 2])], {
      strides: [2, 2],
      dilations: [2, 2],
      pads: [1, 1, 1, 1],
    }),
    c('Conv2D', '3x3 dilation 2, 1 channel', [t([2, 9, 9, 1]), t([3, 3, 3, 1])], {
      dilations: [2, 2],
      pads: [2, 2, 2, 2],
    }),
    c(
      'DepthwiseConv2D',
      '3x3 stride 2 pad 1, multiplier 2, bias',
      [t([2, 9, 8, 31]), t([62, 3, 3, 1]), t([62])],
      { strides: [2, 2], pads: [1, 1, 1, 1] },
    ),
    c('DepthwiseConv2D', "5x5 'same', 65 channels", [t([1, 7, 7, 65]), t([65, 5, 5, 1])], {
      padding: 'same',
    }),
    c(
      'DepthwiseConv2D',
      '3x3 stride 2 pad 1, multiplier 1, 6 channels, bias, batch 2',
      [t([2, 9, 8, 6]), t([6, 3, 3, 1]), t([6])],
      { strides: [2, 2], pads: [1, 1, 1, 1] },
    ),
    c('BatchNorm', '65 channels', [t([2, 3, 3, 65]), t([65]), t([65]), t([65]), t([65], 0.1, 2)], {
      epsilon: 1e-3,
    }),
    c('Relu', 'with NaN', [t([2, 4, 4, 33], -1, 1, 5)]),
    c('PRelu', 'per channel', [t([2, 3, 3, 31]), t([31], 0, 0.5)]),
    c('PRelu', 'shared slope', [t([1, 3, 3, 4]), t([1], 0, 0.5)]),
    c('Clip', 'hardtanh and [0, 6]', [t([1, 4, 4, 8], -8, 8)], { min: 0, max: 6 }),
    c('Add', 'same shape', [t([2, 4, 4, 33]), t([2, 4, 4, 33])], {}, 2),
    c('Add', 'broadcast a channel vector', [t([2, 4, 4, 33]), t([33])], {}, 2),
    c(
      'Concat',
      'three inputs on channels',
      [t([1, 3, 3, 31]), t([1, 3, 3, 1]), t([1, 3, 3, 33])],
      {},
      3,
    ),
    c('Concat', 'on axis 1', [t([2, 2, 3, 4]), t([2, 5, 3, 4])], { axis: 1 }, 2),
    c('MaxPool', "3x3 stride 2 'same'", [t([2, 9, 9, 33])], {
      kernelShape: [3, 3],
      strides: [2, 2],
      padding: 'same',
    }),
    c('MaxPool', '2x2 stride 2, all negative', [t([1, 6, 6, 5], -9, -1)], {
      kernelShape: [2, 2],
      strides: [2, 2],
    }),
    c('AvgPool', '3x3 pad 1, taps inside only', [t([1, 7, 7, 33])], {
      kernelShape: [3, 3],
      pads: [1, 1, 1, 1],
    }),
    c('AvgPool', '3x3 pad 1, count pad', [t([1, 7, 7, 33])], {
      kernelShape: [3, 3],
      pads: [1, 1, 1, 1],
      countIncludePad: true,
    }),
    c('GlobalAvgPool', 'batch 3', [t([3, 5, 4, 65])]),
    c('Pad', 'asymmetric, batch 2', [t([2, 3, 4, 33])], { pads: [1, 2, 0, 3] }),
    c('GlobalAvgPool', 'keepDims', [t([1, 3, 3, 8])], { keepDims: true }),
    c('Dense', 'batch 3, bias', [t([3, 65]), t([10, 65]), t([10])]),
    c('Flatten', 'NHWC order', [t([2, 3, 4, 5])]),
    c('Reshape', 'to [0, -1]', [t([2, 3, 4, 5])], { shape: [0, -1] }),
    c('Softmax', 'last axis, large logits', [t([3, 1000], -60, 60)]),
    c('Softmax', 'axis 1', [t([2, 5, 3])], { axis: 1 }),
    // last, so that the cases above keep their random inputs
    c('Sigmoid', 'saturating both ways', [t([2, 3, 3, 33], -40, 40)]),
    c('Transpose', 'NHWC to NCHW, batch 2', [t([2, 3, 4, 33])], { perm: [0, 3, 1, 2] }),
    c('Transpose', 'rank 6, reversed', [t([2, 1, 3, 2, 4, 3])], { perm: [5, 4, 3, 2, 1, 0] }),
    c('Transpose', 'rank 2', [t([7, 65])], { perm: [1, 0] }),
    c('MaxPool', '3x3 dilation 2 stride 2 pad 2', [t([2, 11, 10, 9])], {
      kernelShape: [3, 3],
      strides: [2, 2],
      dilations: [2, 2],
      pads: [2, 2, 2, 1],
    }),
    c('AvgPool', '2x3 dilation [3, 2] pad 1, taps inside only', [t([1, 9, 9, 33])], {
      kernelShape: [2, 3],
      dilations: [3, 2],
      pads: [1, 1, 1, 1],
    }),
    c('AvgPool', '3x3 dilation 2 pad 1, count pad', [t([1, 8, 7, 5])], {
      kernelShape: [3, 3],
      dilations: [2, 2],
      pads: [1, 1, 1, 1],
      countIncludePad: true,
    }),
    c('Pad', 'reflect, pads up to H - 1', [t([2, 4, 5, 33])], {
      pads: [3, 1, 2, 4],
      mode: 'reflect',
    }),
    c('Pad', 'edge', [t([1, 3, 4, 5])], { pads: [2, 0, 1, 3], mode: 'edge' }),
    c('Pad', 'wrap, wider than W', [t([1, 3, 2, 5])], { pads: [1, 3, 0, 2], mode: 'wrap' }),
    c('Pad', 'constant 1.5', [t([2, 3, 4, 7])], { pads: [1, 0, 2, 1], value: 1.5 }),
    c('Tanh', 'saturating both ways', [t([2, 3, 3, 33], -30, 30)]),
    c('LogSoftmax', 'last axis, large logits', [t([3, 1000], -60, 60)]),
    c('LogSoftmax', 'axis 1', [t([2, 5, 3])], { axis: 1 }),
    c('MatMul', 'batch 2, constant b', [t([2, 3, 65]), t([2, 65, 7])]),
    c(
      'MatMul',
      'broadcast [2, 1] x [3], two runtime inputs',
      [t([2, 1, 4, 5]), t([3, 5, 6])],
      {},
      2,
    ),
    c('MatMul', '2-D', [t([9, 33]), t([33, 4])]),
    c(
      'ConvTranspose2D',
      '3x3 stride 2 pad 1, output padding 1, bias',
      [t([2, 5, 4, 9]), t([6, 3, 3, 9]), t([6])],
      { strides: [2, 2], pads: [1, 1, 1, 1], outputPadding: [1, 1] },
    ),
    c(
      'ConvTranspose2D',
      '2x3 groups 3, dilation [2, 1], stride [1, 3]',
      [t([1, 4, 5, 6]), t([9, 2, 3, 2])],
      {
        groups: 3,
        dilations: [2, 1],
        strides: [1, 3],
        pads: [0, 2, 1, 0],
      },
    ),
  ];
}
