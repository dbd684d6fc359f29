import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { exportOnnx } from '@pabnn/convert';
import { type Graph, save, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { createModel } from '@pabnn/zoo';
import { machineInfo } from '../machine.js';
import { ortBatchMs } from '../ort-timing.js';
import { markdownTable, writeReport } from '../reports.js';
import { bestMedianMs } from '../timing.js';

const BASES: [number, number][] = [
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 5],
];
const THREADS = [1, 2];
/** One image: a whole ResNet-18 at 224 takes up to seconds a run here, so fewer runs. */
const TIMING = { warmup: 1, warmupMs: 1000, minRuns: 3, minMs: 0 };

const image = (shape: number[]) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.01));

function timeOrt(graph: Graph, x: Float32Array, threads: number): number {
  const input = graph.inputs[0];
  return ortBatchMs(
    exportOnnx(graph),
    [{ name: input.name, dims: [1, ...input.shape.slice(1)], data: x }],
    threads,
    { timing: TIMING },
  );
}

async function timeOurs(graph: Graph, x: Float32Array, threads: number): Promise<number> {
  const input = graph.inputs[0];
  const session = await Session.create(graph, {
    backend: 'wasm',
    backendOptions: { threads },
  });
  const feeds = { [input.name]: tensor('float32', [1, ...input.shape.slice(1)], x) };
  const ms = await bestMedianMs(() => session.run(feeds), 3, TIMING);
  session.dispose();
  return ms;
}

/**
 * Whole ResNet-18 (224x224, batch 1) from the zoo: the float model in onnxruntime-web (wasm EP,
 * exported by @pabnn/convert) against our PA models at (1,1), (2,2), (4,5) on the wasm backend,
 * 1 thread vs 1 and 2 vs 2 (onnxruntime-web in a child process per thread count). Zoo weights are seeded, not trained: latency only.
 */
export async function runModelWasm(): Promise<void> {
  const float = createModel('resnet18', { input: 'imagenet' });
  const x = image(float.inputs[0].shape.slice(1));
  const rows = [];
  for (const threads of THREADS) {
    const ortFloat = timeOrt(float, x, threads);
    const ourFloat = await timeOurs(float, x, threads);
    process.stderr.write(
      `resnet18 float, ${threads} thread(s): ORT ${ortFloat.toFixed(1)} ms, ours (float on wasm) ${ourFloat.toFixed(1)} ms\n`,
    );
    rows.push({
      model: 'resnet18',
      M: null,
      N: null,
      threads,
      oursMs: ourFloat,
      ortMs: ortFloat,
      speedupVsOrt: ortFloat / ourFloat,
      modelBytes: save(float).length,
    });
    for (const [m, n] of BASES) {
      const pa = createModel('pa_resnet18', {
        input: 'imagenet',
        weightBases: m,
        activationBases: n,
      });
      const ours = await timeOurs(pa, x, threads);
      process.stderr.write(
        `resnet18 pa ${m}x${n}, ${threads} thread(s): ours ${ours.toFixed(1)} ms (${(ortFloat / ours).toFixed(2)}x ORT)\n`,
      );
      rows.push({
        model: 'pa_resnet18',
        M: m,
        N: n,
        threads,
        oursMs: ours,
        ortMs: ortFloat,
        speedupVsOrt: ortFloat / ours,
        modelBytes: save(pa).length,
      });
    }
  }
  const machine = machineInfo();
  writeReport('model.json', { machine, input: [1, 224, 224, 3], rows });
  const table = markdownTable(
    ['model', 'M x N', 'threads', 'ours (ms)', 'ORT float (ms)', 'vs ORT', 'model MB'],
    rows.map((r) => [
      r.model,
      r.M === null ? 'float' : `${r.M} x ${r.N}`,
      r.threads,
      r.oursMs.toFixed(1),
      r.ortMs.toFixed(1),
      `${r.speedupVsOrt.toFixed(2)}x`,
      (r.modelBytes / 1e6).toFixed(1),
    ]),
  );
  writeReport(
    'model.md',
    `# Whole ResNet-18 (224 x 224, batch 1) on the wasm backend vs onnxruntime-web

${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date.slice(0, 10)}. The zoo's ResNet-18 (seeded
weights: latency only) as float in onnxruntime-web (wasm EP, the ONNX file exported by @pabnn/convert) and as float and
PA models in our runtime on the wasm backend (PAConv2D and the float convs split by output rows over the worker pool;
BN, pooling, Add and the classifier on the calling thread; a layer too small to be worth a worker runs on one thread).
Each row compares equal thread counts; each time is the lowest of three medians of at least 3 runs after 1 s of warm-up.
onnxruntime-web runs in a child process per thread count (it reads its thread count once per process: timed in one
process, its "2 threads" would be 1), ours in this process.

${table}

Regenerate with \`pnpm bench model\`.
`,
  );
  process.stdout.write(`${table}\n`);
}
