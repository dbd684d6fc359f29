import '@pabnn/backend-webgpu';
import { relativeMaxError } from '@pabnn/backend/conformance';
import { WebGpuBackend } from '@pabnn/backend-webgpu';
import { type Graph, save, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { TrainableModel } from '@pabnn/train';
import { createModel } from '@pabnn/zoo';
import * as tf from '@tensorflow/tfjs-core';
import { machineInfo } from '../machine.js';
import { preparePALayer, RESNET18_3X3_LAYERS } from '../pa-layer.js';
import { markdownTable, writeReport } from '../reports.js';
import { tfjsConv3x3Ms, wave } from '../tfjs-conv-timing.js';
import { medianMs, medianQueuedMs } from '../timing.js';

const BASES: [number, number][] = [
  [1, 1],
  [2, 2],
  [4, 5],
];

async function startTfjsWebgpu(): Promise<void> {
  // TF.js webgpu looks for navigator.gpu: in Node, our backend's Dawn instance provides it
  const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GPU };
  if (!nav.gpu) {
    const { getGpu } = await import('@pabnn/backend-webgpu/gpu');
    Object.defineProperty(nav, 'gpu', { value: await getGpu(), configurable: true });
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
}

/**
 * One ResNet-18 3x3 layer: GPU time per conv, inputs resident on the device, for TF.js's float
 * conv and our PAConv2D at each (M, N) (binarize + popcount conv, fused epilogue).
 */
async function layerRows(
  backend: WebGpuBackend,
  batch: number,
  size: number,
  c: number,
  software: boolean,
) {
  // a software adapter takes ~1 s a float conv: one conv a sample, three samples
  const timing = software
    ? { repeat: 1, warmupMs: 0, minRuns: 3, minMs: 0 }
    : { repeat: batch > 1 ? 10 : 20 };
  const { x, w, ms: tfjsMs } = await tfjsConv3x3Ms([batch, size, c], timing);
  const rows = [];
  for (const [m, n] of BASES) {
    const pa = preparePALayer(backend, m, n, [batch, size, c], x, w);
    const oursMs = await medianQueuedMs(
      () => pa.run(),
      () => backend.finish(),
      timing,
    );
    pa.free();
    const layer = `${batch}x${size}x${size}x${c} -> ${c}, 3x3`;
    rows.push({ layer, batch, M: m, N: n, oursMs, tfjsWebgpuMs: tfjsMs, speedup: tfjsMs / oursMs });
    process.stderr.write(
      `${layer} (${m},${n}): ours ${oursMs.toFixed(3)} ms, TF.js webgpu float ${tfjsMs.toFixed(3)} ms\n`,
    );
  }
  return rows;
}

/**
 * Whole ResNet-18 at 224 x 224, end to end (host input in, host logits out) on both sides: TF.js
 * webgpu running the float model, our session on the webgpu backend running the same float
 * weights (its logits checked against TF.js's) and PA models at (1,1), (2,2), (4,5).
 */
async function modelRows(batch: number, runs: { minRuns: number; minMs: number }) {
  const tfModel = new TrainableModel('resnet18', { input: 'imagenet' });
  await tfModel.prepare();
  const shape = [batch, 224, 224, 3] as [number, number, number, number];
  const x = wave(
    shape.reduce((a, b) => a * b, 1),
    3,
  );
  const tfjsRun = async () => {
    const logits = tf.tidy(() => tfModel.forward(tf.tensor4d(x, shape), false));
    const data = await logits.data();
    logits.dispose();
    return data;
  };
  const timing = { warmup: 1, warmupMs: 0, ...runs };
  const tfjsMs = await medianMs(tfjsRun, timing);
  const reference = await tfjsRun();
  const floatGraph = await tfModel.toGraph();
  tfModel.dispose();
  const models: [Graph, number | null, number | null][] = [
    [floatGraph, null, null],
    ...BASES.map(([m, n]): [Graph, number, number] => [
      createModel('pa_resnet18', { input: 'imagenet', weightBases: m, activationBases: n }),
      m,
      n,
    ]),
  ];
  const rows = [];
  for (const [graph, m, n] of models) {
    const session = await Session.create(graph, { backend: 'webgpu' });
    const feeds = { [graph.inputs[0].name]: tensor('float32', shape, x) };
    const output = graph.outputs[0];
    const oursMs = await medianMs(() => session.run(feeds), timing);
    const fallbacks = session.profile().fallbacks.length;
    // the float model has TF.js's weights: its logits must agree with TF.js's
    const logits = m === null ? (await session.run(feeds))[output].data : undefined;
    const errorVsTfjs = logits ? relativeMaxError(logits, reference) : undefined;
    if (logits)
      process.stderr.write(
        `float logits, ours ${Array.from(logits.slice(0, 3))} vs TF.js ${Array.from(reference.slice(0, 3))}\n`,
      );
    session.dispose();
    const model = m === null ? 'resnet18' : 'pa_resnet18';
    rows.push({
      model,
      batch,
      M: m,
      N: n,
      oursMs,
      tfjsWebgpuMs: tfjsMs,
      speedup: tfjsMs / oursMs,
      modelBytes: save(graph).length,
      fallbacks,
      errorVsTfjs,
    });
    process.stderr.write(
      `${model} ${m === null ? 'float' : `${m}x${n}`} batch ${batch}: ours ${oursMs.toFixed(2)} ms, TF.js webgpu float ${tfjsMs.toFixed(2)} ms${errorVsTfjs === undefined ? '' : `, logits vs TF.js ${errorVsTfjs.toExponential(1)}`}\n`,
    );
  }
  return rows;
}

/**
 * Our WGSL kernels against TF.js's webgpu backend on the same adapter (named in the report):
 * ResNet-18's 3x3 layers (GPU time per conv) and the whole ResNet-18 (end to end). A software
 * adapter (SwiftShader, a CPU) runs batch 1 only and says little about GPUs; on a GPU the
 * default is batches 1 and 32 (PABNN_WEBGPU_BATCHES=1,32).
 */
export async function runWebgpu(): Promise<void> {
  const backend = await WebGpuBackend.create();
  await startTfjsWebgpu();
  const exit = () =>
    console.error(
      'bench webgpu: the event loop emptied before the benchmark finished (a GPU promise never settled)',
    );
  process.once('beforeExit', exit);
  const software = /swiftshader|llvmpipe|lavapipe/i.test(backend.adapterName);
  const batches = (process.env.PABNN_WEBGPU_BATCHES ?? (software ? '1' : '1,32'))
    .split(',')
    .map(Number);
  // PABNN_WEBGPU_PARTS=layers or =models runs one half
  const parts = process.env.PABNN_WEBGPU_PARTS ?? 'layers,models';
  const layers = [];
  if (parts.includes('layers'))
    for (const batch of batches)
      for (const [size, c] of RESNET18_3X3_LAYERS)
        layers.push(...(await layerRows(backend, batch, size, c, software)));
  const models = [];
  if (parts.includes('models'))
    for (const batch of batches)
      models.push(
        ...(await modelRows(
          batch,
          software ? { minRuns: 2, minMs: 0 } : { minRuns: 5, minMs: 1000 },
        )),
      );
  const machine = machineInfo();
  const name = process.env.PABNN_WEBGPU_REPORT ?? 'webgpu';
  writeReport(`${name}.json`, { adapter: backend.adapterName, software, machine, layers, models });
  const layerTable = markdownTable(
    ['layer', 'M x N', 'ours (ms)', 'TF.js webgpu float (ms)', 'speed-up'],
    layers.map((r) => [
      r.layer,
      `${r.M} x ${r.N}`,
      r.oursMs.toFixed(3),
      r.tfjsWebgpuMs.toFixed(3),
      `${r.speedup.toFixed(2)}x`,
    ]),
  );
  const modelTable = markdownTable(
    ['model', 'batch', 'M x N', 'ours (ms)', 'TF.js webgpu float (ms)', 'speed-up', 'model MB'],
    models.map((r) => [
      r.model,
      r.batch,
      r.M === null ? 'float' : `${r.M} x ${r.N}`,
      r.oursMs.toFixed(2),
      r.tfjsWebgpuMs.toFixed(2),
      `${r.speedup.toFixed(2)}x`,
      (r.modelBytes / 1e6).toFixed(1),
    ]),
  );
  const float = models.find((r) => r.errorVsTfjs !== undefined);
  writeReport(
    `${name}.md`,
    `# WebGPU: our WGSL kernels vs TF.js webgpu (float)

Adapter: **${backend.adapterName}**${software ? ' (a software rasterizer on the CPU: these numbers say nothing about GPUs)' : ''}; ${machine.cpu}, Node ${machine.node}, ${machine.date.slice(0, 10)}.

## ResNet-18 3x3 layers (stride 1, pad 1): GPU time per conv

Inputs resident on the GPU; each sample queues the conv ${software ? 'once' : '10 (batch > 1) or 20 times'} and waits for the queue to drain
(ours: onSubmittedWorkDone; TF.js: reading one element of the last output), median of the per-conv times. Ours = binarize into bit-planes + XOR/popcount conv with
the fused epilogue; TF.js = \`tf.conv2d\` in float32.

${layerTable}

## Whole ResNet-18 (224 x 224), end to end

Host input in, host logits out, on both sides (upload, every layer, read-back). TF.js runs the zoo's float ResNet-18 (seeded
weights) through @pabnn/train's TrainableModel; our \`Session\` runs on the webgpu backend with every node on the GPU
(fallbacks to js: ${models.reduce((a, r) => a + r.fallbacks, 0)}). The float row runs TF.js's very weights: its logits differ from
TF.js's by ${float?.errorVsTfjs?.toExponential(1)} of their largest magnitude. PA rows: the zoo's seeded PA models (latency only).

${modelTable}

Regenerate with \`pnpm bench webgpu\`.
`,
  );
  process.stdout.write(`${layerTable}\n\n${modelTable}\n`);
  process.off('beforeExit', exit);
  // last: TF.js runs on the Dawn instance this backend keeps alive (startTfjsWebgpu)
  backend.dispose();
}
