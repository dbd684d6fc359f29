import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { exportOnnx } from '@pabnn/convert';
import { load, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import {
  allocateBases,
  choicesFromSensitivity,
  type LayerCost,
  loadDataset,
  measureSensitivity,
  useDevice,
} from '@pabnn/train';
import { createModel, type LayerBases } from '@pabnn/zoo';
import { machineInfo } from '../machine.js';
import { profileNodes } from '../node-profile.js';
import { ortBatchMs } from '../ort-timing.js';
import { markdownTable, reportsDir, writeReport } from '../reports.js';
import { modelsDir } from './accuracy/paths.js';
import { floatState } from './accuracy/train-run.js';

const USAGE = `pnpm bench allocate [--images N] [--targets 1,1.25] [--reuse-sensitivity]
  per-layer bases for Fashion-MNIST ResNet-8 (issue 25): each binarized layer's sensitivity (KL to the float
  model when only it drops to fewer bases, after calibration and batch-norm re-estimation, before fine-tuning),
  each layer's wasm time (1 thread) at each (M, N), onnxruntime-web's time for the float model, and the
  allocation of least summed sensitivity whose predicted time beats ORT by each target ratio
  (reports/allocation.*). The recipe's per-layer runs (accuracy/recipe.ts) take their (M, N) from it.
  --reuse-sensitivity: take the sensitivity from reports/allocation.json (it needs no quiet machine and
  ~10 min) and measure only the times again (these do: run it when nothing else is running).`;

/**
 * The bases a layer may drop to; the reference (4, 5) is PA's nearly lossless setting. 3x4,
 * 4x3 and 4x4 lie between the uniform 3x3 (1.2 points below float after the recipe,
 * reports/accuracy.md) and 4x5 (0.55): where the kernels leave time under ORT's, the 1x
 * allocation spends it on them.
 */
export const CANDIDATES: LayerBases[] = [
  [1, 1],
  [1, 2],
  [2, 1],
  [2, 2],
  [2, 3],
  [3, 2],
  [3, 3],
  [3, 4],
  [4, 3],
  [4, 4],
].map(([weightBases, activationBases]) => ({ weightBases, activationBases }));
const REFERENCE: LayerBases = { weightBases: 4, activationBases: 5 };
const OPTIONS = { scheme: 'pa', input: 'mnist' } as const;

const key = (b: LayerBases) => `${b.weightBases}x${b.activationBases}`;

/**
 * Each binarized layer's mean wasm time (ms, 1 thread, batch 1) at every candidate (M, N),
 * from the per-node profile of the whole model at uniform (M, N): a layer's kernel time
 * depends on its shape and bases, not on its weights. Also the time of the rest of a run
 * (float nodes and the runtime's own work) at the reference bases.
 */
async function layerTimes(): Promise<{
  times: Record<string, Record<string, number>>;
  restMs: number;
}> {
  const times: Record<string, Record<string, number>> = {};
  let restMs = 0;
  const image = tensor(
    'float32',
    [1, 28, 28, 1],
    Float32Array.from({ length: 784 }, (_, i) => Math.sin(i * 0.37)),
  );
  for (const bases of [...CANDIDATES, REFERENCE]) {
    const graph = createModel('resnet8', { ...OPTIONS, ...bases, seed: 3 });
    const session = await Session.create(graph, {
      backend: 'wasm',
      backendOptions: { threads: 1 },
    });
    const { nodes, runMs } = await profileNodes(session, { image });
    session.dispose();
    let pa = 0;
    for (const n of nodes.filter((n) => n.op === 'PAConv2D')) {
      (times[n.node] ??= {})[key(bases)] = n.ms;
      pa += n.ms;
    }
    if (bases === REFERENCE) restMs = runMs - pa;
    process.stderr.write(`[allocate] wasm PA ${key(bases)}: ${runMs.toFixed(3)} ms a run\n`);
  }
  return { times, restMs };
}

/** `pnpm bench allocate`: reports/allocation.{json,md}. */
export async function runAllocate(argv = process.argv.slice(3)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      images: { type: 'string', default: '1024' },
      targets: { type: 'string', default: '1,1.25' },
      'reuse-sensitivity': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const targets = values.targets.split(',').map(Number);
  const floatFile = join(modelsDir(), 'fashion-mnist__resnet8__float.pabnn');
  const floatGraph = load(readFileSync(floatFile));
  const one = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i * 0.37));
  const ortMs = () =>
    ortBatchMs(exportOnnx(floatGraph), [{ name: 'image', dims: [1, 28, 28, 1], data: one }], 1);
  const ortBefore = ortMs();
  const { times, restMs } = await layerTimes();
  const ortFloatMs = Math.min(ortBefore, ortMs());

  const previous = values['reuse-sensitivity'] ? previousSensitivity() : undefined;
  await useDevice('wasm');
  const began = performance.now();
  const sensitivity =
    previous?.sensitivity ??
    (await measureSensitivity({
      model: 'resnet8',
      options: { ...OPTIONS, ...REFERENCE },
      floatState: floatState(floatFile),
      data: loadDataset('fashion-mnist', 'train', { limit: 4096 }),
      images: Number(values.images),
      candidates: CANDIDATES,
      onProgress: (done, total, row) =>
        process.stderr.write(
          `[allocate] sensitivity ${done}/${total}${row ? ` ${row.layer} ${key(row)}: KL +${row.klIncrease.toFixed(4)}` : ''}\n`,
        ),
    }));
  const sensitivitySeconds = previous?.sensitivitySeconds ?? (performance.now() - began) / 1000;
  const latency: LayerCost = (layer, bases) => times[layer][key(bases)];
  const choices = choicesFromSensitivity(sensitivity, latency);
  const allocations = targets.map((target) => {
    // the layers get what is left of ORT's time / target after the rest of the run
    const budget = ortFloatMs / target - restMs;
    const a = allocateBases(choices, budget);
    return { target, budgetMs: budget, predictedMs: restMs + a.cost, ...a };
  });
  const data: Report = {
    images: Number(values.images),
    machine: machineInfo(),
    ortFloatMs,
    restMs,
    times,
    sensitivity,
    allocations,
  };
  writeReport('allocation.json', {
    machine: data.machine,
    reference: REFERENCE,
    candidates: CANDIDATES,
    ortFloatMs,
    restMs,
    layerTimes: times,
    sensitivity,
    sensitivitySeconds,
    allocations,
  });
  writeReport('allocation.md', report(data));
  for (const a of allocations)
    process.stdout.write(
      `${a.target}x ORT: ${JSON.stringify(a.layerBases)} predicted ${a.predictedMs.toFixed(3)} ms\n`,
    );
}

/** The sensitivity of the last `pnpm bench allocate`, if it measured every candidate of this one. */
function previousSensitivity(): {
  sensitivity: Awaited<ReturnType<typeof measureSensitivity>>;
  sensitivitySeconds: number;
} {
  const file = join(reportsDir(), 'allocation.json');
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const measured = new Set((data.sensitivity?.layers ?? []).map((r: LayerBases) => key(r)));
  const missing = CANDIDATES.filter((c) => !measured.has(key(c)));
  if (missing.length > 0)
    throw new Error(
      `--reuse-sensitivity: ${file} has no sensitivity for ${missing.map(key).join(', ')}; run without it`,
    );
  return { sensitivity: data.sensitivity, sensitivitySeconds: data.sensitivitySeconds };
}

type Report = {
  images: number;
  machine: ReturnType<typeof machineInfo>;
  ortFloatMs: number;
  restMs: number;
  times: Record<string, Record<string, number>>;
  sensitivity: Awaited<ReturnType<typeof measureSensitivity>>;
  allocations: {
    target: number;
    budgetMs: number;
    predictedMs: number;
    layerBases: Record<string, LayerBases>;
    error: number;
  }[];
};

function report({
  images,
  machine,
  ortFloatMs,
  restMs,
  times,
  sensitivity,
  allocations,
}: Report): string {
  const all = [...CANDIDATES, REFERENCE];
  const layers = Object.keys(times);
  const klTable = markdownTable(
    ['layer', ...CANDIDATES.map(key)],
    layers.map((l) => [
      l,
      ...CANDIDATES.map((c) => {
        const row = sensitivity.layers.find((r) => r.layer === l && key(r) === key(c));
        return row ? `${row.klIncrease.toFixed(3)} (${(100 * row.agreement).toFixed(1)} %)` : '-';
      }),
    ]),
  );
  const timeTable = markdownTable(
    ['layer', ...all.map(key)],
    layers.map((l) => [l, ...all.map((b) => (1000 * times[l][key(b)]).toFixed(0))]),
  );
  const allocTable = markdownTable(
    ['target vs ORT', 'predicted ms', 'summed KL increase', ...layers],
    allocations.map((a) => [
      `${a.target}x`,
      a.predictedMs.toFixed(3),
      a.error.toFixed(3),
      ...layers.map((l) => key(a.layerBases[l])),
    ]),
  );
  const r = sensitivity.reference;
  return `# Per-layer bases for Fashion-MNIST ResNet-8 (\`pnpm bench allocate\`)

Measured on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date.slice(0, 10)}. onnxruntime-web (wasm EP, 1 thread) runs the float ResNet-8 in ${ortFloatMs.toFixed(3)} ms a batch-1 run (lower of two child processes, before and after ours).

## Sensitivity

Each binarized layer alone at the column's (M, N), every other one at the reference ${key(REFERENCE)}, quantized from the float model (fashion-mnist/resnet8/float), its staircases calibrated and its batch-norm statistics re-estimated on 8 training batches, no fine-tuning; measured on the first ${images} training images against the float model's outputs: the increase of the mean KL divergence to the float model's softmax (nats per image) over the reference's ${r.kl.toFixed(3)} (reference: ${(100 * r.agreement).toFixed(1)} % top-1 agreement with float, ${(100 * r.top1).toFixed(1)} % top-1), and in brackets the variant's top-1 agreement with float. Negative values are measurement noise around zero.

${klTable}

## wasm time per layer (us, 1 thread, batch 1)

The layer's mean time in the per-node profile of the whole model at uniform (M, N), 300 runs. The rest of a run (float stem, BN, adds, pooling, classifier, the runtime's own work) takes ${restMs.toFixed(3)} ms.

${timeTable}

## Allocations

For each target, the (M, N) per layer of least summed KL increase whose predicted time (the rest plus the layers' times above) is at most ORT's time / target (multiple-choice knapsack over the Pareto front: allocateBases of @pabnn/train). The recipe fine-tunes them (reports/accuracy.md, reports/pareto.md) and \`npm start\` measures them.

${allocTable}
`;
}
