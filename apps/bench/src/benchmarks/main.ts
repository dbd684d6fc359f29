import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import '@pabnn/backend-webgpu';
import { getBackend } from '@pabnn/backend';
import { exportOnnx } from '@pabnn/convert';
import { load, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { type DatasetName, evaluateSession, loadDataset } from '@pabnn/train';
import { higherPeak, quickPeak } from '../cpu-peak.js';
import { machineInfo } from '../machine.js';
import { profileNodes } from '../node-profile.js';
import { ortBatchMs } from '../ort-timing.js';
import { markdownTable, writeReport } from '../reports.js';
import { bestMedianMs } from '../timing.js';
import { wasmRunMs } from '../wasm-run-timing.js';
import { modelsDir } from './accuracy/paths.js';
import { MAIN_RUNS, runFileName } from './accuracy/recipe.js';
import { type BoundRow, binaryMacsPerRun, boundSection, paConvPaths } from './main-bound.js';
import { profileSection } from './main-profile.js';

/**
 * Test images the main job evaluates per model (on wasm; reports/accuracy.md compares the
 * runtime with TF.js): the first 1,000 keep \`npm start\` to a few minutes on 2 cores.
 */
const IMAGES = Number(process.env.PABNN_MAIN_IMAGES ?? 1000);
/** Accuracy is measured on the first (wasm), latency on each one available here. */
const BACKENDS = ['wasm', 'js', 'webgpu'];
/** wasm runs at 1 and at 2 threads, each against onnxruntime-web at the same count. */
const WASM_THREADS = [1, 2];

async function availableBackends(): Promise<string[]> {
  const found: string[] = [];
  for (const name of BACKENDS) {
    const ok = await Promise.resolve(getBackend(name).isSupported()).catch(() => false);
    if (ok) found.push(name);
    else process.stderr.write(`[main] ${name}: not available here (skipped)\n`);
  }
  return found;
}

/**
 * The main job on built-in defaults (`npm start`): the shipped trained ResNet-8 models
 * (models/, from `pnpm bench accuracy`): each one's size, top-1 on the shipped test data and
 * batch-1 latency on every backend, against the float model in onnxruntime-web.
 */
export async function runMainJob(): Promise<void> {
  const rows = [];
  const profiles = new Map<string, Awaited<ReturnType<typeof profileNodes>>>();
  const paths = new Map<string, ReturnType<typeof paConvPaths>>();
  const backends = await availableBackends();
  const peakBefore = quickPeak();
  const bounds: BoundRow[] = [];
  for (const dataset of ['fashion-mnist', 'mnist'] as DatasetName[]) {
    const floatFile = join(modelsDir(), `${runFileName(`${dataset}/resnet8/float`)}.pabnn`);
    if (!existsSync(floatFile)) continue;
    const test = loadDataset(dataset, 'test', { limit: IMAGES });
    const one = tensor('float32', [1, 28, 28, 1], (await firstImage(dataset)).slice());
    // the rival: the float model exported to ONNX, in onnxruntime-web (wasm EP), at each thread
    // count ours runs at
    const floatGraph = load(readFileSync(floatFile));
    const ortMs = new Map<number, number>();
    // timed before and after our models, the lower kept: one child process per timing can land
    // in one of the VM's slow phases, which would flatter every row of the dataset
    const timeOrt = () => {
      for (const threads of WASM_THREADS) {
        const input = { name: 'image', dims: [1, 28, 28, 1], data: one.data as Float32Array };
        const ms = ortBatchMs(exportOnnx(floatGraph), [input], threads);
        ortMs.set(threads, Math.min(ortMs.get(threads) ?? Infinity, ms));
      }
    };
    timeOrt();
    const first = rows.length;
    // the wasm rows are timed again after the loop, in reverse order: the VM's slow phases
    // come at about the same point of every run, and one pass left a row 1.7x slow in all
    // three runs of a session (PA 4x5: 2.25 ms here, 1.30 ms measured alone)
    const again: { row: (typeof rows)[number]; bytes: Uint8Array }[] = [];
    // every shipped ResNet-8 of the accuracy recipe's main rows for this dataset
    const prefix = `${dataset}/resnet8/`;
    for (const { id } of MAIN_RUNS.filter((r) => r.id.startsWith(prefix))) {
      const scheme = id.slice(prefix.length);
      const file = join(modelsDir(), `${runFileName(id)}.pabnn`);
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      let accuracy: Awaited<ReturnType<typeof evaluateSession>> | undefined;
      for (const backend of backends) {
        for (const threads of backend === 'wasm' ? WASM_THREADS : [1]) {
          const session = await Session.create(bytes, {
            backend,
            backendOptions: backend === 'wasm' ? { threads } : undefined,
          });
          accuracy ??= await evaluateSession(session, test);
          const ms = await bestMedianMs(() => session.run({ image: one }));
          // where the time goes: each node of the fashion-mnist models on wasm at 1 thread
          if (backend === 'wasm' && threads === 1 && dataset === 'fashion-mnist')
            profiles.set(scheme, await profileNodes(session, { image: one }));
          session.dispose();
          const ortFloatMs = ortMs.get(threads)!;
          rows.push({
            dataset,
            model: 'resnet8',
            scheme,
            backend,
            threads,
            fileBytes: bytes.length,
            top1: accuracy.top1,
            images: test.count,
            batch1Ms: ms,
            ortFloatMs,
            speedupVsOrtFloat: ortFloatMs / ms,
          });
          if (backend === 'wasm') again.push({ row: rows[rows.length - 1], bytes });
          process.stderr.write(
            `[main] ${dataset} ${scheme} on ${backend} (${threads} thread(s)): top-1 ${(100 * accuracy.top1).toFixed(2)} %, ${ms.toFixed(2)} ms (ORT float so far ${ortFloatMs.toFixed(2)} ms)\n`,
          );
        }
      }
    }
    for (const { row, bytes } of [...again].reverse())
      row.batch1Ms = Math.min(row.batch1Ms, await wasmRunMs(bytes, row.threads, { image: one }));
    // the bound of each binarized fashion-mnist model: its profile and its time at 1 thread
    for (const { row, bytes } of again) {
      const profile = profiles.get(row.scheme);
      if (!profile || row.threads !== 1 || dataset !== 'fashion-mnist') continue;
      const graph = load(bytes);
      const rowPaths = paConvPaths(graph);
      paths.set(row.scheme, rowPaths);
      if (rowPaths.size > 0)
        bounds.push({
          scheme: row.scheme,
          binaryMacs: binaryMacsPerRun(graph),
          batch1Ms: row.batch1Ms,
          ortFloatMs: 0,
          nodes: profile.nodes,
          binaryNodes: new Set([...rowPaths].filter(([, p]) => p === 'binary').map(([n]) => n)),
        });
    }
    timeOrt();
    for (const r of rows.slice(first)) {
      r.ortFloatMs = ortMs.get(r.threads)!;
      r.speedupVsOrtFloat = r.ortFloatMs / r.batch1Ms;
    }
    if (dataset === 'fashion-mnist') for (const b of bounds) b.ortFloatMs = ortMs.get(1)!;
  }
  const peak = higherPeak(peakBefore, quickPeak());
  if (rows.length === 0) {
    throw new Error(`no trained models in ${modelsDir()}: run \`pnpm bench accuracy\` first`);
  }
  const machine = machineInfo();
  writeReport('main.json', {
    machine,
    images: IMAGES,
    rows,
    profiles: Object.fromEntries(profiles),
    peak,
    bounds: bounds.map(({ nodes, binaryNodes, ...b }) => ({ ...b, binaryNodes: [...binaryNodes] })),
  });
  const table = markdownTable(
    [
      'dataset',
      'scheme',
      'backend',
      'threads',
      'file KB',
      `top-1 % (${IMAGES} test images)`,
      'batch-1 ms',
      'ORT float ms',
      'vs ORT float',
    ],
    rows.map((r) => [
      r.dataset,
      r.scheme,
      r.backend,
      r.threads,
      (r.fileBytes / 1024).toFixed(0),
      (100 * r.top1).toFixed(2),
      r.batch1Ms.toFixed(2),
      r.ortFloatMs.toFixed(2),
      `${r.speedupVsOrtFloat.toFixed(2)}x`,
    ]),
  );
  const md = `# Main job: trained ResNet-8 models on every backend\n\nMeasured on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date.slice(0, 10)}; ORT = onnxruntime-web 1.30 wasm EP running the float model at the same thread count as the row (in a child process per count: it reads its thread count once per process; js and webgpu rows: against ORT at 1 thread); each time is the lowest of three medians (wasm rows: of two such passes, the second after all models in reverse order; onnxruntime-web's: of two child processes, before and after our models).\n\n${table}\n${profileSection(profiles, paths)}${boundSection(bounds, peak)}`;
  writeReport('main.md', md);
  process.stdout.write(`\n${table}\n`);
}

async function firstImage(dataset: DatasetName): Promise<Float32Array> {
  const { batches } = await import('@pabnn/train');
  const [b] = batches(loadDataset(dataset, 'test', { limit: 1 }), { batchSize: 1, shuffle: false });
  return b.x;
}
