import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { exportOnnx } from '@pabnn/convert';
import { type Graph, load, tensor } from '@pabnn/ir';
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

const USAGE = `pnpm bench allocate [--images N] [--targets 1,1.25] [--max-kb N] [--reuse-sensitivity]
  per-layer bases for Fashion-MNIST ResNet-8 (issue 25): each binarized layer's sensitivity (KL to the float
  model when only it drops to fewer bases, after calibration and batch-norm re-estimation, before fine-tuning),
  each layer's wasm time (1 thread) at each (M, N), onnxruntime-web's time for the float model, and the
  allocation of least summed sensitivity whose predicted time beats ORT by each target ratio
  (reports/allocation.*). The recipe's per-layer runs (accuracy/recipe.ts) take their (M, N) from it.
  Each target is allocated twice: over (M, N) only, and with float as a choice per layer (the zoo's floatConvs:
  its time from our float model's profile) under a budget of weight bytes as well, --max-kb (default: a quarter
  of the allocated layers' float weights, so the model stays at least 4x smaller than float there).
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

const FLOAT = 'float';

/** Weight bytes of each conv of a graph: every constant named `<conv>/...`. */
function convBytes(graph: Graph, convs: string[]): Record<string, number> {
  const bytes: Record<string, number> = {};
  for (const [name, t] of graph.constants) {
    const conv = name.slice(0, name.lastIndexOf('/'));
    if (convs.includes(conv))
      bytes[conv] = (bytes[conv] ?? 0) + (t.data as ArrayBufferView).byteLength;
  }
  return bytes;
}

/**
 * Each binarized layer's mean wasm time (ms, 1 thread, batch 1) at every candidate (M, N),
 * from the per-node profile of the whole model at uniform (M, N): a layer's kernel time
 * depends on its shape and bases, not on its weights; and as a float conv (key 'float'), from
 * the float model's profile, with the ReLU the float net has in front of a main-path conv (a
 * float conv gets it back; a shortcut reads the block input as it is). Also the time of the
 * rest of a run (float nodes and the runtime's own work) at the reference bases, and each
 * layer's weight bytes at each choice.
 */
async function layerTimes(): Promise<{
  times: Record<string, Record<string, number>>;
  bytes: Record<string, Record<string, number>>;
  restMs: number;
}> {
  const times: Record<string, Record<string, number>> = {};
  const bytes: Record<string, Record<string, number>> = {};
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
    const sizes = convBytes(graph, Object.keys(times));
    for (const l of Object.keys(times)) (bytes[l] ??= {})[key(bases)] = sizes[l];
    if (bases === REFERENCE) restMs = runMs - pa;
    process.stderr.write(`[allocate] wasm PA ${key(bases)}: ${runMs.toFixed(3)} ms a run\n`);
  }
  const floatGraph = createModel('resnet8', { scheme: 'float', input: 'mnist', seed: 3 });
  const session = await Session.create(floatGraph, {
    backend: 'wasm',
    backendOptions: { threads: 1 },
  });
  const { nodes, runMs } = await profileNodes(session, { image });
  session.dispose();
  const sizes = convBytes(floatGraph, Object.keys(times));
  for (const l of Object.keys(times)) {
    const conv = floatGraph.nodes.find((n) => n.name === l);
    const producer = floatGraph.nodes.find((n) => conv && n.outputs.includes(conv.inputs[0]));
    const ms = (name?: string) => nodes.find((n) => n.node === name)?.ms ?? 0;
    const relu = producer?.op === 'Relu' && !l.includes('.downsample.') ? ms(producer.name) : 0;
    times[l][FLOAT] = ms(l) + relu;
    bytes[l][FLOAT] = sizes[l];
  }
  process.stderr.write(`[allocate] wasm float: ${runMs.toFixed(3)} ms a run\n`);
  return { times, bytes, restMs };
}

/** `pnpm bench allocate`: reports/allocation.{json,md}. */
export async function runAllocate(argv = process.argv.slice(3)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      images: { type: 'string', default: '1024' },
      targets: { type: 'string', default: '1,1.25' },
      'reuse-sensitivity': { type: 'boolean', default: false },
      'max-kb': { type: 'string' },
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
  const { times, bytes, restMs } = await layerTimes();
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
  const floatKb = Object.values(bytes).reduce((a, b) => a + b[FLOAT], 0) / 1024;
  const maxKb = values['max-kb'] === undefined ? floatKb / 4 : Number(values['max-kb']);
  const withFloat = choicesFromSensitivity(sensitivity, latency, {
    bytes: (layer, bases) => bytes[layer][key(bases)],
    float: (layer) => ({ cost: times[layer][FLOAT], bytes: bytes[layer][FLOAT] }),
  });
  const allocations = targets.flatMap((target) => {
    // the layers get what is left of ORT's time / target after the rest of the run
    const budget = ortFloatMs / target - restMs;
    const plain = allocateBases(choices, budget);
    const mixed = allocateBases(withFloat, budget, { maxBytes: maxKb * 1024 });
    return [plain, mixed].map((a, i) => ({
      target,
      floatChoices: i === 1,
      budgetMs: budget,
      predictedMs: restMs + a.cost,
      kb:
        Object.entries(bytes).reduce(
          (sum, [l, b]) => sum + (a.floatConvs.includes(l) ? b[FLOAT] : b[key(a.layerBases[l])]),
          0,
        ) / 1024,
      ...a,
    }));
  });
  const data: Report = {
    images: Number(values.images),
    machine: machineInfo(),
    ortFloatMs,
    restMs,
    times,
    bytes,
    floatKb,
    maxKb,
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
    layerBytes: bytes,
    maxKb,
    sensitivity,
    sensitivitySeconds,
    allocations,
  });
  writeReport('allocation.md', report(data));
  for (const a of allocations)
    process.stdout.write(
      `${a.target}x ORT${a.floatChoices ? ' (float choices)' : ''}: ${JSON.stringify(a.layerBases)}${a.floatConvs.length > 0 ? ` float ${a.floatConvs.join(', ')}` : ''} predicted ${a.predictedMs.toFixed(3)} ms, ${a.kb.toFixed(1)} KB\n`,
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
  bytes: Record<string, Record<string, number>>;
  floatKb: number;
  maxKb: number;
  sensitivity: Awaited<ReturnType<typeof measureSensitivity>>;
  allocations: {
    target: number;
    floatChoices: boolean;
    budgetMs: number;
    predictedMs: number;
    kb: number;
    layerBases: Record<string, LayerBases>;
    floatConvs: string[];
    error: number;
  }[];
};

function report({
  images,
  machine,
  ortFloatMs,
  restMs,
  times,
  floatKb,
  maxKb,
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
    ['layer', ...all.map(key), FLOAT],
    layers.map((l) => [l, ...[...all.map(key), FLOAT].map((k) => (1000 * times[l][k]).toFixed(0))]),
  );
  const allocTable = markdownTable(
    ['target vs ORT', 'choices', 'predicted ms', 'layers KB', 'summed KL increase', ...layers],
    allocations.map((a) => [
      `${a.target}x`,
      a.floatChoices ? `(M, N) or float, <= ${maxKb.toFixed(0)} KB` : '(M, N)',
      a.predictedMs.toFixed(3),
      a.kb.toFixed(1),
      a.error.toFixed(3),
      ...layers.map((l) => (a.floatConvs.includes(l) ? FLOAT : key(a.layerBases[l]))),
    ]),
  );
  const r = sensitivity.reference;
  return `# Per-layer bases for Fashion-MNIST ResNet-8 (\`pnpm bench allocate\`)

Measured on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date.slice(0, 10)}. onnxruntime-web (wasm EP, 1 thread) runs the float ResNet-8 in ${ortFloatMs.toFixed(3)} ms a batch-1 run (lower of two child processes, before and after ours).

## Sensitivity

Each binarized layer alone at the column's (M, N), every other one at the reference ${key(REFERENCE)}, quantized from the float model (fashion-mnist/resnet8/float), its staircases calibrated and its batch-norm statistics re-estimated on 8 training batches, no fine-tuning; measured on the first ${images} training images against the float model's outputs: the increase of the mean KL divergence to the float model's softmax (nats per image) over the reference's ${r.kl.toFixed(3)} (reference: ${(100 * r.agreement).toFixed(1)} % top-1 agreement with float, ${(100 * r.top1).toFixed(1)} % top-1), and in brackets the variant's top-1 agreement with float. Negative values are measurement noise around zero.

${klTable}

## wasm time per layer (us, 1 thread, batch 1)

The layer's mean time in the per-node profile of the whole model at uniform (M, N), 300 runs; 'float': its conv in our float model's profile, plus the ReLU in front of it for a main-path conv (a conv kept float gets it back). The rest of a run (float stem, BN, adds, pooling, classifier, the runtime's own work) takes ${restMs.toFixed(3)} ms.

${timeTable}

## Allocations

For each target, the (M, N) per layer of least summed KL increase whose predicted time (the rest plus the layers' times above) is at most ORT's time / target (multiple-choice knapsack over the Pareto front: allocateBases of @pabnn/train); then the same with float as one more choice per layer (error 0, the reference's: an upper bound of what a float layer adds) under a second budget, the allocated layers' weights at most ${maxKb.toFixed(0)} KB (their float weights: ${floatKb.toFixed(0)} KB). Without that second budget float would win every layer where our float conv is faster than the candidates. The recipe fine-tunes them (reports/accuracy.md, reports/pareto.md) and \`npm start\` measures them.

${allocTable}
`;
}
