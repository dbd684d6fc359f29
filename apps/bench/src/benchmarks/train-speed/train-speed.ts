import { parseArgs } from 'node:util';
import {
  type Device,
  datasetFromArrays,
  fit,
  type StaircaseFormulation,
  TrainableModel,
  useDevice,
} from '@pabnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { type Counts, installCounters } from './counters.js';

/** A scheme of the accuracy table on Fashion-MNIST ResNet-8, as `float`, `xnor-1x1`, `pa-2x2`... */
export interface SpeedModel {
  label: string;
  scheme: 'float' | 'pa' | 'abc' | 'xnor';
  M: number;
  N: number;
}

export function parseModel(label: string): SpeedModel {
  if (label === 'float') return { label, scheme: 'float', M: 32, N: 32 };
  const m = /^(pa|abc|xnor)-(\d+)x(\d+)$/.exec(label);
  if (!m)
    throw new Error(
      `train-speed: unknown model '${label}' (float, xnor-1x1, abc-3x3, pa-2x2, ...)`,
    );
  return { label, scheme: m[1] as SpeedModel['scheme'], M: Number(m[2]), N: Number(m[3]) };
}

export interface SpeedRow {
  model: string;
  device: string;
  steps: number;
  batchSize: number;
  /** PA's activation staircase formulation (the backend's default when absent). */
  staircase?: string;
  /** Per step, over the timed steps. */
  kernels: number;
  /** Kernels less Reshape and Identity, which TF.js webgpu runs without a dispatch. */
  dispatches: number;
  readBacks: number;
  ms: number;
  imagesPerSecond: number;
  topKernels: [string, number][];
}

/** Random Fashion-MNIST-shaped images: a step's cost does not depend on the pixel values. */
function syntheticData(count: number) {
  let s = 12345;
  const next = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  };
  return datasetFromArrays({
    name: 'synthetic-28x28',
    images: Uint8Array.from({ length: count * 784 }, next),
    labels: Uint8Array.from({ length: count }, () => next() % 10),
    count,
    height: 28,
    width: 28,
    channels: 1,
    classes: 10,
    mean: 0.286,
    std: 0.353,
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  });
}

/**
 * Times `steps` training steps of `fit` (after `warmup` untimed ones, which include the
 * calibration of the activation staircases and the backend's shader compiles) for the model
 * the accuracy job trains: Fashion-MNIST ResNet-8 at batch 128, PA thresholds refitted every
 * 10 steps (apps/bench accuracy recipe). Counts kernels and read-backs over the timed steps.
 */
export async function timeSteps(
  spec: SpeedModel,
  {
    steps,
    warmup,
    batchSize,
    refitEvery,
    staircase,
  }: {
    steps: number;
    warmup: number;
    batchSize: number;
    refitEvery: number;
    staircase?: StaircaseFormulation;
  },
): Promise<SpeedRow> {
  const binary = spec.scheme !== 'float';
  const model = new TrainableModel('resnet8', {
    scheme: spec.scheme,
    input: 'mnist',
    ...(binary ? { weightBases: spec.M, activationBases: spec.N } : {}),
    calibration: 'relu',
    weightRefitEvery: refitEvery,
    activationStaircase: staircase,
  });
  const total = warmup + steps;
  const data = syntheticData(batchSize * total);
  const counters = installCounters();
  let started = 0;
  let counts: Counts | undefined;
  try {
    await fit(model, data, {
      epochs: 1,
      batchSize,
      learningRate: 5e-4,
      maxSteps: total,
      onProgress: (p) => {
        if (p.batch === warmup) {
          counters.start();
          started = performance.now();
        }
      },
    });
    counts = counters.take();
  } finally {
    counters.restore();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    model: spec.label,
    device: tf.getBackend(),
    steps,
    batchSize,
    staircase,
    kernels: counts.kernels / steps,
    dispatches:
      counts.byKernel
        .filter(([k]) => k !== 'Reshape' && k !== 'Identity')
        .reduce((sum, [, n]) => sum + n, 0) / steps,
    readBacks: counts.readBacks / steps,
    ms: (seconds * 1000) / steps,
    imagesPerSecond: (steps * batchSize) / seconds,
    topKernels: counts.byKernel.slice(0, 8).map(([k, n]) => [k, n / steps]),
  };
}

export function formatRows(rows: SpeedRow[]): string {
  const lines = [
    '| model | device | staircase | kernels/step | less Reshape, Identity | read-backs/step | ms/step | images/s |',
    '|---|---|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.device} | ${r.staircase ?? 'default'} | ${r.kernels.toFixed(0)} | ${r.dispatches.toFixed(0)} | ${r.readBacks.toFixed(2)} | ${r.ms.toFixed(0)} | ${r.imagesPerSecond.toFixed(0)} |`,
    ),
  ];
  return lines.join('\n');
}

/**
 * `train-speed --backend wasm|cpu|webgpu --steps 20 --warmup 10 --models float,pa-2x2`:
 * prints a table (and, with --json FILE, writes the rows). A step counts from the end of one
 * step's progress report to the next, so it includes the weight quantization (prepare).
 */
export async function runTrainSpeed(argv: string[]): Promise<SpeedRow[]> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'wasm' },
      steps: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '10' },
      batch: { type: 'string', default: '128' },
      'refit-every': { type: 'string', default: '10' },
      models: { type: 'string', default: 'float,xnor-1x1,abc-3x3,pa-2x2,pa-4x5' },
      kernels: { type: 'boolean', default: false },
      /** PA's activation staircase formulation; default: the backend's (TrainableModelOptions). */
      staircase: { type: 'string' },
      json: { type: 'string' },
    },
  });
  await useDevice(values.backend as Device);
  const rows: SpeedRow[] = [];
  for (const label of values.models.split(',')) {
    const row = await timeSteps(parseModel(label), {
      steps: Number(values.steps),
      warmup: Number(values.warmup),
      batchSize: Number(values.batch),
      refitEvery: Number(values['refit-every']),
      staircase: values.staircase as StaircaseFormulation | undefined,
    });
    rows.push(row);
    process.stdout.write(
      `${row.model}: ${row.ms.toFixed(0)} ms/step, ${row.kernels.toFixed(0)} kernels, ${row.readBacks.toFixed(2)} read-backs` +
        (values.kernels
          ? `\n  ${row.topKernels.map(([k, n]) => `${k} ${n.toFixed(1)}`).join(', ')}`
          : '') +
        '\n',
    );
  }
  process.stdout.write(`${formatRows(rows)}\n`);
  if (values.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(values.json, `${JSON.stringify(rows, null, 2)}\n`);
  }
  return rows;
}
