import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { load, save } from '@pabnn/ir';
import {
  consoleProgress,
  type Device,
  evaluate,
  fit,
  loadDataset,
  reestimateBatchNorm,
  TrainableModel,
  TrainError,
  takeImages,
  useDevice,
} from '@pabnn/train';
import { modelsDir, runsDir, trainCacheDir } from './paths.js';
import { BATCH_SIZE, CPU_MICRO_BATCH, type RunSpec, runFileName } from './recipe.js';

export interface RunOptions {
  device: Device;
  /** Folder with one subfolder per dataset holding its IDX files (GPU machines). */
  dataDir?: string;
  /** A few batches only: checks the whole pipeline in seconds. */
  smoke?: boolean;
}

/** What a finished run records (reports/accuracy-runs/<run>.json). */
export interface RunResult {
  spec: RunSpec;
  top1: number;
  epochs: number;
  trainSeconds: number;
  imagesPerSecond: number;
  history: unknown[];
  modelFile: string;
  modelBytes: number;
  device: string;
  /** TF.js's predicted class of every test image, base64 bytes (the runtime must agree). */
  predictions: string;
  smoke: boolean;
  /** Training images used (the recipe may train a family on a subset). */
  trainImages: number;
  /** Images per share when the batch ran as micro-batches (recipe.ts CPU_MICRO_BATCH), else absent. */
  microBatchSize?: number;
  /** With spec.bnReestimationBatches: the top-1 before re-estimation (the ablation's row without it). */
  top1BeforeBnReestimation?: number;
  /** Seconds the re-estimation took (forward passes over its training batches). */
  bnReestimationSeconds?: number;
  /** Where this process picked the run up (a checkpoint of an earlier process, maybe another device). */
  resumedFrom?: { epoch: number; batch: number };
}

/** The float tensors of a saved model by name: the state a binarized run starts from. */
export function floatState(file: string): Record<string, Float32Array> {
  if (!existsSync(file)) {
    throw new TrainError('missing-run', `${file} does not exist: train the float run first`);
  }
  const graph = load(readFileSync(file));
  const state: Record<string, Float32Array> = {};
  for (const [name, t] of graph.constants)
    if (t.dtype === 'float32') state[name] = t.data as Float32Array;
  return state;
}

/** "<id> test 2,000/10,000" about every tenth of the test set, for the run's log. */
const evaluationProgress = (id: string) => {
  let shown = 0;
  return (done: number, total: number) => {
    if (done < total && done - shown < total / 10) return;
    shown = done;
    console.log(`${id} test ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
  };
};

export const modelFile = (id: string) => join(modelsDir(), `${runFileName(id)}.pabnn`);

export async function trainRun(spec: RunSpec, options: RunOptions): Promise<RunResult> {
  const device = await useDevice(options.device);
  const dir = options.dataDir ? join(options.dataDir, spec.dataset) : undefined;
  let train = loadDataset(spec.dataset, 'train', { dir });
  let test = loadDataset(spec.dataset, 'test', { dir });
  if (spec.trainImages !== undefined) train = takeImages(train, spec.trainImages);
  if (options.smoke) {
    train = takeImages(train, BATCH_SIZE * 4);
    test = takeImages(test, 500);
  }
  const binary = spec.scheme !== 'float';
  const model = new TrainableModel(spec.model, {
    scheme: spec.scheme,
    input: 'mnist',
    ...(binary ? { weightBases: spec.M, activationBases: spec.N } : {}),
    ...(spec.layerBases ? { layerBases: spec.layerBases } : {}),
    ...(spec.floatConvs ? { floatConvs: spec.floatConvs } : {}),
    calibration: spec.calibration,
    weightRefitEvery: spec.weightRefitEvery,
  });
  if (spec.from) model.load(floatState(modelFile(spec.from)));
  // the distillation teacher: a float run (`teacher`, else the one this run starts from), in
  // inference mode
  let teacher: TrainableModel | undefined;
  if (spec.teacher && !spec.distill) {
    throw new TrainError('options', `${spec.id}: a teacher (${spec.teacher}) without distill`);
  }
  if (spec.distill) {
    const teacherRun = spec.teacher ?? spec.from;
    if (!teacherRun) {
      throw new TrainError('options', `${spec.id}: distill needs a float teacher run`);
    }
    teacher = new TrainableModel(spec.model, { scheme: 'float', input: 'mnist' });
    teacher.load(floatState(modelFile(teacherRun)));
  }
  const name = runFileName(spec.id);
  const checkpoint = join(trainCacheDir(), `${name}${options.smoke ? '.smoke' : ''}.ckpt.json`);
  if (options.smoke) rmSync(checkpoint, { force: true });
  let stopRequested = false;
  process.once('SIGTERM', () => {
    stopRequested = true;
  });
  const microBatchSize = device === 'webgpu' ? undefined : CPU_MICRO_BATCH[spec.model];
  const result = await fit(model, train, {
    epochs: options.smoke ? 1 : spec.epochs,
    batchSize: BATCH_SIZE,
    microBatchSize,
    learningRate: spec.learningRate,
    schedule: 'cosine',
    checkpoint,
    onProgress: consoleProgress(spec.id),
    shouldStop: () => stopRequested,
    distill: teacher && spec.distill ? { teacher, ...spec.distill } : undefined,
    stagedBinarization: spec.stagedBinarization,
  });
  teacher?.dispose();
  if (result.stopped) {
    throw new TrainError(
      'stopped',
      `${spec.id} stopped at a checkpoint (${checkpoint}); run again to resume`,
    );
  }
  // the shares a device trains in fit its inference too (DenseNet-121 on wasm overflows at 500)
  let evaluation = await evaluate(model, test, {
    batchSize: microBatchSize,
    onProgress: evaluationProgress(spec.id),
  });
  let top1BeforeBnReestimation: number | undefined;
  let bnReestimationSeconds: number | undefined;
  if (spec.bnReestimationBatches !== undefined) {
    // after fine-tuning, before export: the running statistics become the average over these
    // batches with the final weights (reports/accuracy.md, Notes)
    top1BeforeBnReestimation = evaluation.top1;
    const began = performance.now();
    await reestimateBatchNorm(model, train, {
      batches: options.smoke ? 2 : spec.bnReestimationBatches,
      batchSize: microBatchSize ?? BATCH_SIZE,
    });
    bnReestimationSeconds = (performance.now() - began) / 1000;
    evaluation = await evaluate(model, test, {
      batchSize: microBatchSize,
      onProgress: evaluationProgress(spec.id),
    });
    console.log(
      `${spec.id} batch-norm re-estimation: top-1 ${(100 * top1BeforeBnReestimation).toFixed(2)} % -> ${(100 * evaluation.top1).toFixed(2)} %`,
    );
  }
  const graph = await model.toGraph({
    dataset: spec.dataset,
    labels: train.classNames,
    preprocess: { scale: 1 / 255, mean: [train.mean], std: [train.std] },
    training: { run: spec.id, epochs: spec.epochs, top1: evaluation.top1, device },
  });
  const bytes = save(graph);
  const file = modelFile(spec.id);
  if (!options.smoke) writeFileSync(file, bytes);
  const last = result.history[result.history.length - 1];
  const run: RunResult = {
    spec,
    top1: evaluation.top1,
    epochs: result.history.length,
    trainImages: train.count,
    trainSeconds: result.seconds,
    imagesPerSecond: last?.imagesPerSecond ?? 0,
    history: result.history,
    modelFile: `models/${basename(file)}`,
    modelBytes: bytes.length,
    device: result.devices.join(' + '),
    predictions: Buffer.from(evaluation.predictions).toString('base64'),
    smoke: Boolean(options.smoke),
    microBatchSize,
    resumedFrom: result.resumedFrom,
    top1BeforeBnReestimation,
    bnReestimationSeconds,
  };
  if (!options.smoke)
    writeFileSync(join(runsDir(), `${name}.json`), `${JSON.stringify(run, null, 2)}\n`);
  model.dispose();
  return run;
}
