import { createModel } from '@pabnn/zoo';
import { describe, expect, it } from 'vitest';
import { binaryMacsPerRun, boundSection, paConvPaths } from '../src/benchmarks/main-bound.js';
import { layerSection } from '../src/benchmarks/model-layers.js';
import type { CpuPeak } from '../src/cpu-peak.js';

// ResNet-8 on 28x28x1: four 3x3 convs at 28x28x16 / 14x14x32 / 7x7x64 outputs with 16-64 input
// channels, two strided ones, two 1x1 downsampling convs (reports/main.md's per-plane MACs)
const PER_PLANE = 4 * 1_806_336 + 2 * 903_168 + 2 * 100_352;

describe('binaryMacsPerRun', () => {
  it('counts each conv on the binary path M x N times', () => {
    const pa = (m: number, n: number) =>
      createModel('resnet8', {
        input: 'mnist',
        scheme: 'pa',
        weightBases: m,
        activationBases: n,
        weights: 'zeros',
      });
    expect(binaryMacsPerRun(pa(1, 1))).toBe(PER_PLANE);
    // at 4 x 5 the wasm backend runs every layer of this net on the dequantized path
    expect(paConvPaths(pa(4, 5)).size).toBe(8);
    expect([...paConvPaths(pa(4, 5)).values()].every((p) => p === 'dequantized')).toBe(true);
    expect(binaryMacsPerRun(pa(4, 5))).toBe(0);
    const mixed = createModel('resnet8', {
      input: 'mnist',
      scheme: 'pa',
      weightBases: 2,
      activationBases: 2,
      layerBases: { 'layer1.0.conv1': { weightBases: 4, activationBases: 5 } },
      weights: 'zeros',
    });
    // 2 x 2 keeps the 3x3 convs binary; the 4 x 5 layer and the 1x1 downsampling convs
    // (one row word against 16 or 32 multiply-adds) run dequantized
    expect(binaryMacsPerRun(mixed)).toBe(4 * (PER_PLANE - 1_806_336 - 2 * 100_352));
  });

  it('is 0 for a float model', () => {
    expect(binaryMacsPerRun(createModel('resnet8', { input: 'mnist', weights: 'zeros' }))).toBe(0);
  });
});

describe('boundSection', () => {
  const peak = { perThread: 200e9, twoThreads: 0, kernel1: 'k', kernel2: 'k', loops: [] };
  const row = {
    scheme: 'pa-4x5',
    binaryMacs: 200e6, // 1 ms at the peak
    batch1Ms: 2,
    ortFloatMs: 0.5,
    nodes: [
      { node: 'conv1', op: 'Conv2D', ms: 0.25 },
      { node: 'l1', op: 'PAConv2D', ms: 1.5 },
    ],
    binaryNodes: new Set(['l1']),
  };

  it("divides ORT's time by the popcount floor, then by the floor plus the other nodes", () => {
    const md = boundSection([row], peak);
    expect(md).toContain('200.0 G binary MAC/s');
    expect(md).toContain(
      '| pa-4x5 | 200.0 | 1.000 | 1.500 | 67 % | 0.250 | 0.50 | 0.50x / 0.40x | 0.25x |',
    );
  });

  it('is left out without a peak or rows', () => {
    expect(boundSection([row], undefined)).toBe('');
    expect(boundSection([], peak)).toBe('');
  });
});

describe('layerSection', () => {
  it("gives each binary PAConv2D its shape and its rate's share of the peak", () => {
    const graph = createModel('resnet8', {
      input: 'mnist',
      scheme: 'pa',
      weightBases: 2,
      activationBases: 2,
      weights: 'zeros',
    });
    // layer1.0.conv1: 28x28x16 -> 16, 3x3: 1,806,336 MACs a plane pair, 4 pairs; 0.1 ms is
    // 72.25 G/s, a quarter of a 289 G/s peak
    const peak = { perThread: 289.01e9 } as CpuPeak;
    const nodes = [
      { node: 'layer1.0.conv1', op: 'PAConv2D', ms: 0.1 },
      { node: 'layer2.0.downsample.0', op: 'PAConv2D', ms: 0.02 },
    ];
    const section = layerSection([{ scheme: 'pa 2 x 2', graph, nodes }], peak);
    expect(section).toContain('| layer1.0.conv1 | 28x28x16 -> 16, 3x3 s1 | 0.10 / 25 % |');
    // the 1x1 downsampling runs dequantized at 2 x 2 (see above): no rate
    expect(section).toContain('| layer2.0.downsample.0 | 28x28x16 -> 32, 1x1 s2 | 0.02 (f) |');
    // a layer not in the profile
    expect(section).toContain('| layer3.0.conv2 | 7x7x64 -> 64, 3x3 s1 | - |');
  });
});
