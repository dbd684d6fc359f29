// The WebGPU job's report (src/webgpu-job/report.ts) from a results file: tables, the kernel
// 'auto' picks, images/s ratios and issue 29's targets are computed from the rows.
import { expect, it } from 'vitest';
import { webgpuReport } from '../src/webgpu-job/report.js';
import type { JobResults, LayerRow, ModelRow } from '../src/webgpu-job/results.js';

const layer = (M: number, N: number, kernel: 'direct' | 'tiled', oursMs: number): LayerRow => ({
  layer: '32x7x7x512 -> 512, 3x3',
  batch: 32,
  M,
  N,
  kernel,
  autoKernel: M * N >= 4 ? 'tiled' : 'direct',
  oursMs,
  tfjsWebgpuMs: 1,
  speedup: 1 / oursMs,
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
    layer(1, 1, 'tiled', 0.2),
    layer(4, 5, 'direct', 1),
    layer(4, 5, 'tiled', 0.5),
  ],
  models: [
    model('tfjs-webgpu', null, null, 32, 32),
    model('ort-webgpu', null, null, 32, 16),
    model('ours', 2, 2, 32, 8),
    model('ours', 4, 5, 32, 40),
  ],
};

it('writes the card, the driver, both kernels and the speed-ups of the kernel auto picks', () => {
  const { markdown, json } = webgpuReport(results);
  expect(markdown).toContain('**NVIDIA H100 80GB HBM3, driver 580.1**');
  expect(markdown).toContain(
    '| 32x7x7x512 -> 512, 3x3 | 1 x 1 | 0.080 | 0.200 | direct | 1.000 | 12.50x | 12.50x |',
  );
  expect(markdown).toContain(
    '| 32x7x7x512 -> 512, 3x3 | 4 x 5 | 1.000 | 0.500 | tiled | 1.000 | 2.00x | 2.00x |',
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
