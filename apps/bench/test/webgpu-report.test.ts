// The WebGPU job's report (src/webgpu-job/report.ts) from a results file: tables, the kernel
// 'auto' picks, images/s ratios and issue 29's targets are computed from the rows.
import { expect, it } from 'vitest';
import { webgpuReport } from '../src/webgpu-job/report.js';
import type { JobResults, LayerRow, ModelRow } from '../src/webgpu-job/results.js';

const layer = (
  M: number,
  N: number,
  kernel: 'direct' | 'tiled' | 'halo',
  oursMs: number,
  differenceVsDirect?: number,
): LayerRow => ({
  layer: '32x7x7x512 -> 512, 3x3',
  batch: 32,
  M,
  N,
  kernel,
  autoKernel: M * N >= 4 ? 'tiled' : 'direct',
  oursMs,
  tfjsWebgpuMs: 1,
  speedup: 1 / oursMs,
  differenceVsDirect,
});
const model = (
  runtime: ModelRow['runtime'],
  M: number | null,
  N: number | null,
  batch: number,
  ms: number,
): ModelRow => ({
  runtime,
  model: M === null ? 'resnet18' : 'pa_resnet18',
  M,
  N,
  batch,
  ms,
  imagesPerSecond: (1000 * batch) / ms,
});

const results: JobResults = {
  job: 'webgpu-throughput',
  adapter: 'nvidia hopper NVIDIA H100 80GB HBM3',
  card: 'NVIDIA H100 80GB HBM3',
  driver: '580.1',
  software: false,
  tiny: false,
  layerRepeat: 10,
  machine: { cpu: 'Xeon', node: 'v20' },
  startedAt: '2026-12-06T17:00:00.000Z',
  finishedAt: '2026-12-06T17:05:00.000Z',
  notes: ['onnxruntime-web WebGPU EP failed at batch 32: out of memory'],
  layers: [
    layer(1, 1, 'direct', 0.08),
    layer(1, 1, 'tiled', 0.2, 3e-7),
    layer(1, 1, 'halo', 0.05, 2e-6),
    layer(4, 5, 'direct', 1),
    layer(4, 5, 'tiled', 0.5, 1e-6),
  ],
  models: [
    model('tfjs-webgpu', null, null, 32, 32),
    model('ort-webgpu', null, null, 32, 16),
    model('ours', 2, 2, 32, 8),
    model('ours', 4, 5, 32, 40),
  ],
};

it('writes the card, the driver, every kernel (- where one was not timed) and the speed-ups of the kernel auto picks', () => {
  const { markdown, json } = webgpuReport(results);
  expect(markdown).toContain('**NVIDIA H100 80GB HBM3, driver 580.1**');
  expect(markdown).toContain(
    '| 32x7x7x512 -> 512, 3x3 | 1 x 1 | 0.080 | 0.200 | - | 0.050 | - | - | direct | 1.000 | - | - | 12.50x | 20.00x | - | - |',
  );
  expect(markdown).toContain(
    '| 32x7x7x512 -> 512, 3x3 | 4 x 5 | 1.000 | 0.500 | - | - | - | - | tiled | 1.000 | - | - | 2.00x | 2.00x | - | - |',
  );
  // each kernel's output against the direct one's, on the GPU
  expect(markdown).toContain(
    'largest difference 2.0e-6 of the largest magnitude (halo, 32x7x7x512 -> 512, 3x3 (1,1)), within the 1e-4 the conformance suite asks.',
  );
  // images/s: 4000 vs TF.js 1000 and ORT 2000
  expect(markdown).toContain(
    '| pa_resnet18 | 2 x 2 | 32 | 8.00 | 4000.0 | 1000.0 | 2000.0 | 4.00x | 2.00x | - |',
  );
  expect(markdown).toContain('- met: PAConv2D 32x7x7x512 -> 512, 3x3 (1,1)');
  expect(markdown).toContain('- met: PAConv2D 32x7x7x512 -> 512, 3x3 (4,5)');
  expect(markdown).toContain(
    '- met: PA ResNet-18 (2,2) at batch 32, images/s vs TF.js float: 4.00x (at least 3x)',
  );
  expect(markdown).toContain(
    '- not met: PA ResNet-18 (4,5) at batch 32, images/s vs TF.js float: 0.80x (at least 1.5x)',
  );
  expect(markdown).toContain(
    '- not met: PA ResNet-18 (1,1) at batch 1, images/s vs TF.js float: - (at least 5x)',
  );
  expect(markdown).toContain('- onnxruntime-web WebGPU EP failed at batch 32: out of memory');
  expect((json as { summary: { targets: unknown[] } }).summary.targets).toHaveLength(6);
});

it('reads the layers against a measured peak: % of peak and the best speed-up it allows', () => {
  // 32 x 7 x 7 x 512 x 512 x 9 = 3.70e9 MACs; at (4,5) 7.40e10 binary MACs, 0.740 ms at 100 T/s
  const peak = {
    binaryMacsPerSecond: 100e12,
    variants: [
      {
        name: 'u32' as const,
        invocations: 1024,
        iterations: 8,
        wordsPerIteration: 32,
        ms: 1,
        binaryMacsPerSecond: 100e12,
        checked: true,
      },
    ],
  };
  const slow = { ...layer(4, 5, 'tiled', 1), tfjsWebgpuMs: 0.5 };
  const { markdown } = webgpuReport({ ...results, peak, layers: [slow] });
  expect(markdown).toContain('**Peak: 100.0 T binary MAC/s**');
  expect(markdown).toContain('| tiled | 0.500 | - | - | 0.50x | 0.50x | - | 74 % |');
  expect(markdown).toContain(
    "- not met: PAConv2D 32x7x7x512 -> 512, 3x3 (4,5), kernel 'tiled' (auto): 0.50x (at least 1.2x); binary kernels at the measured popcount peak at most 0.68x: beyond this GPU for the binary form",
  );
  // the dequantized kernel does no binary MACs: no % of peak; our float conv beside TF.js's
  const dequantized: LayerRow = {
    ...layer(4, 5, 'tiled', 0.4),
    kernel: 'dequantized',
    autoKernel: 'dequantized',
    oursFloatMs: 0.35,
  };
  const withFloat = webgpuReport({ ...results, peak, layers: [dequantized] }).markdown;
  expect(withFloat).toContain(
    '| - | 0.400 | dequantized | 1.000 | - | 0.350 | 2.50x | 2.50x | - | - |',
  );
  expect(withFloat).toContain(
    "- met: PAConv2D 32x7x7x512 -> 512, 3x3 (4,5), kernel 'dequantized' (auto): 2.50x (at least 1.2x)",
  );
});

it('adds where the time goes from a profile, per op, with PAConv2D split by timestamps', () => {
  const node = (name: string, op: string, gpuMs: number, dispatchMs: number[]) => ({
    node: name,
    op,
    hostMs: 0.01,
    gpuMs,
    dispatchMs,
  });
  const profile = {
    model: 'pa_resnet18',
    M: 1,
    N: 1,
    batch: 32,
    runs: 5,
    inputBytes: 19267584,
    waitMs: 0.05,
    uploadHostMs: 4,
    inputQueueMs: 1.5,
    readbackMs: 0.5,
    finiteReadMs: 0.1,
    profiledRunMs: 20,
    runMs: 15,
    runUploadHostMs: 4,
    runRecordHostMs: 1,
    runDrainMs: 9,
    timestamps: true,
    finiteCheckMs: 0.1,
    nodes: [
      node('stem', 'Conv2D', 3, [2.5]),
      node('a', 'PAConv2D', 0.25, [0.05, 0.15]),
      node('b', 'PAConv2D', 0.5, [0.1, 0.3]),
    ],
  };
  const { markdown } = webgpuReport({ ...results, profiles: [profile] });
  expect(markdown).toContain('## Where the time goes at batch 32');
  expect(markdown).toContain('| PAConv2D | 2 | 0.75 | 0.60 | 0.02 |');
  expect(markdown).toContain('| ... PAConv2D binarize | 2 | - | 0.15 | - |');
  expect(markdown).toContain('| ... PAConv2D conv | 2 | - | 0.45 | - |');
  expect(markdown).toContain('| input upload (host) | 1 | - | - | 4.00 |');
  // every dispatch: the NaN check 0.1 + 2.5 + 0.2 + 0.4
  expect(markdown).toContain(
    '| **run without waits**: end to end (timestamps: all dispatches) | - | 15.00 | 3.20 | - |',
  );
  expect(markdown).toContain('Slowest nodes: (1,1): stem (Conv2D) 3.00 ms, b (PAConv2D) 0.50 ms');
});

it("flags a kernel whose output is off the direct kernel's on the GPU", () => {
  const { markdown } = webgpuReport({
    ...results,
    layers: [layer(1, 1, 'direct', 0.08), layer(1, 1, 'halo', 0.05, 0.3)],
  });
  expect(markdown).toContain(
    '**over 1e-4 (wrong results, timings not comparable)**: halo on 32x7x7x512 -> 512, 3x3 (1,1)',
  );
});

it("reads the layers against onnxruntime-web's conv too, where it ran and matched ours", () => {
  const withOrt = (row: LayerRow, ortDifference: number): LayerRow => ({
    ...row,
    ortWebgpuMs: 0.6,
    ortDifference,
  });
  const { markdown } = webgpuReport({
    ...results,
    layers: [
      withOrt(layer(1, 1, 'direct', 0.08), 5e-7),
      withOrt(layer(4, 5, 'tiled', 0.5, 1e-6), 2e-7),
    ],
  });
  // ORT 0.6 ms against the auto kernel: 0.6 / 0.08 and 0.6 / 0.5
  expect(markdown).toContain('| direct | 1.000 | 0.600 | - | 12.50x | 12.50x | 7.50x | - |');
  expect(markdown).toContain('| tiled | 1.000 | 0.600 | - | 2.00x | 2.00x | 1.20x | - |');
  expect(markdown).toContain(
    "Its outputs against our float conv's: largest difference 5.0e-7 of the largest magnitude (32x7x7x512 -> 512, 3x3).",
  );
  expect(markdown).toContain(
    "- PAConv2D 32x7x7x512 -> 512, 3x3 (1,1) vs ORT's float conv: 7.50x (TF.js's threshold 10x)",
  );
  // the whole-model rows against ORT: 4000 images/s against 2000
  expect(markdown).toContain(
    "- PA ResNet-18 (2,2) at batch 32 vs ORT float: 2.00x (TF.js's threshold 3x)",
  );
  // without ORT layer rows the report says so
  expect(webgpuReport(results).markdown).toContain('onnxruntime-web did not time the layers');
});

it('gives no ratio against an ORT conv whose output did not match ours, and says so', () => {
  const wrong: LayerRow = {
    ...layer(1, 1, 'direct', 0.08),
    ortWebgpuMs: 0.6,
    ortDifference: Number.NaN,
  };
  const { markdown } = webgpuReport({ ...results, layers: [wrong] });
  expect(markdown).toContain('| direct | 1.000 | 0.600 | - | 12.50x | 12.50x | - | - |');
  expect(markdown).toContain(
    '**over 1e-4 or not compared (no "vs ORT" ratio)**: 32x7x7x512 -> 512, 3x3',
  );
  expect(markdown).not.toContain("vs ORT's float conv");
});
