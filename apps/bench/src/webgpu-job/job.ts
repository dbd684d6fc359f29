import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { PA_CONV_KERNELS, type PAConvKernel, WebGpuBackend } from '@pabnn/backend-webgpu';
import { createModel } from '@pabnn/zoo';
import * as tf from '@tensorflow/tfjs-core';
import { machineInfo } from '../machine.js';
import { RESNET18_3X3_LAYERS } from '../pa-layer.js';
import { wave } from '../tfjs-conv-timing.js';
import { timeLayer } from './layers.js';
import { timeModels } from './models.js';
import { loadOrtWebgpu, type OrtModule } from './ort-webgpu.js';
import { measurePeak } from './peak.js';
import { profileModel } from './profile.js';
import { ResultsFile } from './results.js';

/** Card and driver as nvidia-smi names them, where it exists (the GPU machine); else undefined. */
function nvidiaSmi(): { card?: string; driver?: string } {
  try {
    const line = execFileSync(
      'nvidia-smi',
      ['--query-gpu=name,driver_version', '--format=csv,noheader'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .split('\n')[0]
      .trim();
    const [card, driver] = line.split(',').map((s) => s.trim());
    return { card, driver };
  } catch {
    return {};
  }
}

export interface JobOptions {
  /** Where webgpu-results.json goes (the GPU machine's $OUT). */
  outDir: string;
  /** onnxruntime-web's files (ORT_FILES, the wasm maybe gzipped). */
  ortDir: string;
  /** Small shapes and one run a sample: proves the job end to end on SwiftShader. */
  tiny: boolean;
}

/**
 * The WebGPU throughput job (reports/webgpu-nvidia.md): PAConv2D at batch 32 on ResNet-18's four
 * 3x3 layers on every conv kernel vs TF.js webgpu's and onnxruntime-web WebGPU EP's float conv
 * (each ORT timing guarded by a time limit; after one failure ORT skips the remaining layers),
 * then whole ResNet-18 (float and PA (1,1), (2,2), (3,3), (4,5)) at batches 1, 8, 32 against
 * TF.js webgpu and onnxruntime-web's WebGPU EP. Results are rewritten to webgpu-results.json
 * after every row; report.ts turns them into the report. Layers first: the models part is the
 * longer one and the one a deadline cuts.
 */
export async function runWebgpuJob({ outDir, ortDir, tiny }: JobOptions): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const started = performance.now();
  // the device machine gives a command 10 minutes; stop starting new parts past 7
  const budgetMs = Number(process.env.PABNN_WEBGPU_BUDGET_S ?? 420) * 1000;
  const backends = Object.fromEntries(
    await Promise.all(
      PA_CONV_KERNELS.map(
        async (k) => [k, await WebGpuBackend.create({ paConvKernel: k })] as const,
      ),
    ),
  ) as Record<PAConvKernel, WebGpuBackend>;
  const adapter = backends.direct.adapterName;
  // what the adapter offers beyond the core (timestamp-query would time single dispatches;
  // subgroups would let the binarize pass gather plane words without workgroup memory)
  const features = await (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu
    ?.requestAdapter()
    .then((a) => (a ? [...a.features].sort() : []))
    .catch(() => undefined);
  const layerTiming = tiny
    ? { repeat: 1, warmupMs: 0, minRuns: 1, minMs: 0 }
    : // 40 convs a sample: the wait for the queue at its end (one submit and read-back round
      // trip, the profile's waitMs) is shared by 40, not 10, convs of either side
      { repeat: 40, warmupMs: 200, minRuns: 5, minMs: 300 };
  const file = new ResultsFile(outDir, {
    job: 'webgpu-throughput',
    adapter,
    ...nvidiaSmi(),
    adapterFeatures: features,
    software: /swiftshader|llvmpipe|lavapipe/i.test(adapter),
    tiny,
    layerRepeat: layerTiming.repeat,
    machine: machineInfo(),
    startedAt: new Date().toISOString(),
    notes: [],
    layers: [],
    models: [],
  });
  process.stderr.write(`adapter: ${adapter}; results in ${file.path}\n`);
  // a watchdog past the budget: whatever hangs, the process ends with its results written
  // before the device machine's 10-minute limit kills it
  setTimeout(() => {
    file.results.notes.push('the job was stopped by its watchdog: the rows so far are kept.');
    file.save();
    process.exit(3);
  }, budgetMs + 120_000).unref();
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
  const note = (text: string) => {
    file.results.notes.push(text);
    file.save();
    process.stderr.write(`${text}\n`);
  };

  const layers: [number, number, number][] = tiny
    ? [
        [2, 8, 16],
        [2, 4, 32],
      ]
    : RESNET18_3X3_LAYERS.map(([size, c]) => [32, size, c]);
  // the adapter's binary peak first (a second or two): the layer rows are read against it
  try {
    file.results.peak = await measurePeak(
      backends.direct.device,
      tiny
        ? { groups: 16, iterations: 2, repeat: 1, samples: 1 }
        : { groups: 8192, iterations: 256, repeat: 5, samples: 5 },
    );
    file.save();
    for (const v of file.results.peak.variants)
      process.stderr.write(
        `peak ${v.name}: ${(v.binaryMacsPerSecond / 1e12).toFixed(2)} T binary MAC/s (${v.ms.toFixed(2)} ms, ${v.checked ? 'checked' : 'WRONG RESULT'})\n`,
      );
  } catch (error) {
    note(`the popcount peak could not be measured: ${(error as Error).message}`);
  }
  // onnxruntime-web's WebGPU EP, for the layer rows and the whole-model ones
  let ort: OrtModule | { unavailable: string };
  try {
    ort = loadOrtWebgpu(ortDir);
  } catch (error) {
    ort = { unavailable: `onnxruntime-web could not be loaded: ${(error as Error).message}` };
  }
  // ORT on the layers until it fails once (a timed-out run may still occupy the GPU)
  let ortOnLayers = !('unavailable' in ort);
  for (const shape of layers) {
    const { ortFailed } = await timeLayer(
      backends,
      shape,
      layerTiming,
      (r) => file.layer(r),
      ortOnLayers ? (ort as OrtModule) : undefined,
      note,
    );
    if (ortFailed) ortOnLayers = false;
  }

  // where a batch-32 PA ResNet-18 run's time goes (per node, with a queue wait after each)
  const input = tiny ? 'cifar' : 'imagenet';
  for (const [m, n] of [
    [1, 1],
    [2, 2],
  ]) {
    if (performance.now() - started > budgetMs) {
      note(`time budget spent: the PA (${m},${n}) profile skipped.`);
      break;
    }
    const graph = createModel('pa_resnet18', { input, weightBases: m, activationBases: n });
    const shape = [tiny ? 2 : 32, ...graph.inputs[0].shape.slice(1)];
    const profile = await profileModel(
      graph,
      { model: 'pa_resnet18', M: m, N: n },
      wave(
        shape.reduce((a, b) => a * b, 1),
        3,
      ),
      shape,
      tiny ? 1 : 5,
    );
    file.profile(profile);
    process.stderr.write(
      `profile PA (${m},${n}) batch ${shape[0]}: ${profile.runMs.toFixed(2)} ms a run, ${profile.nodes
        .reduce((a, r) => a + r.gpuMs, 0)
        .toFixed(2)} ms of node waits\n`,
    );
  }

  if (performance.now() - started < budgetMs)
    await timeModels({
      input,
      batches: tiny ? [1, 2] : [1, 8, 32],
      timing: tiny
        ? { warmup: 1, warmupMs: 0, minRuns: 1, minMs: 0 }
        : { warmup: 2, warmupMs: 200, minRuns: 5, minMs: 800 },
      ort,
      onRow: (r) => file.model(r),
      onNote: note,
      deadline: started + budgetMs,
    });
  else note('the whole-model part was skipped: the layers took the time budget');
  file.results.finishedAt = new Date().toISOString();
  file.save();
  for (const b of Object.values(backends)) b.dispose();
}
