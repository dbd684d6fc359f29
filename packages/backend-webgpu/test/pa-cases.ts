import type { PACaseSpec } from '@pabnn/backend/conformance';

/**
 * PAConv2D shapes for the tiled kernel (src/pa-conv2d-tiled-wgsl.ts) on top of the shared
 * PA_CASES: input channels 1, 3, 16, 32, 96 (words partly filled, one, three), stride 2, 1x1,
 * dilation, M x N up to 4 x 5 and 8 x 8 (fewer staged steps), more than one 32-channel tile
 * with a partial last one, several 32- and 64-pixel tiles (7 x 6 and 9 x 9 outputs, batch 2), and N 9, which
 * the tiled kernel does not take (the direct one runs it). For the halo kernel
 * (src/pa-conv2d-halo-wgsl.ts): several 8 x 8 tiles with partial ones at the right and bottom
 * and two 64-channel blocks (72 outputs), and stride 2 over partial words at batch 3.
 */
export const GPU_PA_CASES: PACaseSpec[] = [
  {
    title: 'batch 2, 3x3 pad 1, 64 channels, 9 x 9 outputs (2.5 64-pixel tiles), M2 N4',
    batch: 2,
    size: [9, 9],
    cin: 64,
    cout: 24,
    kernel: 3,
    m: 2,
    n: 4,
    attrs: { pads: [1, 1, 1, 1] },
  },
  {
    title: '3x3 pad 1, 1 channel, M2 N2',
    cin: 1,
    cout: 8,
    kernel: 3,
    m: 2,
    n: 2,
    attrs: { pads: [1, 1, 1, 1] },
  },
  {
    title: '3x3 stride 2 pad 1, 3 channels, 40 outputs, M4 N5, relu, scale and bias',
    size: [9, 8],
    cin: 3,
    cout: 40,
    kernel: 3,
    m: 4,
    n: 5,
    attrs: { strides: [2, 2], pads: [1, 1, 1, 1], activation: 'relu' },
    scaleBias: true,
  },
  { title: '1x1, 16 channels, 33 outputs, M3 N3', cin: 16, cout: 33, kernel: 1, m: 3, n: 3 },
  {
    title: '3x3 dilation 2 pad 2, 32 channels, M2 N3',
    cin: 32,
    cout: 16,
    kernel: 3,
    m: 2,
    n: 3,
    attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] },
  },
  {
    title: 'batch 2, 3x3 pad 1, 96 channels, 36 outputs, M4 N5, hardtanh',
    batch: 2,
    cin: 96,
    cout: 36,
    kernel: 3,
    m: 4,
    n: 5,
    attrs: { pads: [1, 1, 1, 1], activation: 'hardtanh' },
    scaleBias: true,
  },
  {
    title: '3x3 stride 2 pad 1, 96 channels, M1 N1',
    cin: 96,
    cout: 32,
    kernel: 3,
    m: 1,
    n: 1,
    attrs: { strides: [2, 2], pads: [1, 1, 1, 1] },
  },
  {
    title: '3x3 pad 1, 40 channels, M8 N8',
    cin: 40,
    cout: 8,
    kernel: 3,
    m: 8,
    n: 8,
    attrs: { pads: [1, 1, 1, 1] },
  },
  {
    title:
      'batch 2, 3x3 pad 1, 64 channels, 72 outputs, 11 x 10 outputs (2 x 2 8 x 8 tiles, 2 64-channel blocks), M1 N1',
    batch: 2,
    size: [11, 10],
    cin: 64,
    cout: 72,
    kernel: 3,
    m: 1,
    n: 1,
    attrs: { pads: [1, 1, 1, 1] },
  },
  {
    title:
      'batch 3, 3x3 stride 2 pad 1, 40 channels, 12 outputs, 10 x 9 outputs, M1 N1, relu, scale and bias',
    batch: 3,
    size: [19, 17],
    cin: 40,
    cout: 12,
    kernel: 3,
    m: 1,
    n: 1,
    attrs: { strides: [2, 2], pads: [1, 1, 1, 1], activation: 'relu' },
    scaleBias: true,
  },
  {
    title: '3x3 pad 1, 16 channels, M2 N9',
    cin: 16,
    cout: 8,
    kernel: 3,
    m: 2,
    n: 9,
    attrs: { pads: [1, 1, 1, 1] },
  },
];
