import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, batches, batchesPerEpoch } from '../data/batches.js';
import type { ImageDataset } from '../data/dataset.js';
import { TrainError } from '../errors.js';
import type { TrainableModel } from '../model/trainable-model.js';
import { type Checkpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { checkResumable } from './checkpoint-structure.js';
import { type DistillOptions, resolveDistill } from './distill.js';
import { Optimizer, type OptimizerName } from './optimizer.js';
import { learningRateAt, type ScheduleName } from './schedule.js';
import {
  resolveStaged,
  type StagedBinarization,
  weightsBinarizedAt,
} from './staged-binarization.js';
import { explainStepFailure } from './step-failure.js';
import { shareSizes, trainStep } from './train-step.js';

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  /**
   * Run each batch as shares of at most this many images whose gradients add up to the
   * batch's (trainStep): the same steps and schedule in less memory (DenseNet-121 at batch 128
   * on wasm). BatchNorm then normalises by each share's statistics. Default: the whole batch.
   */
  microBatchSize?: number;
  optimizer?: OptimizerName;
  learningRate?: number;
  schedule?: ScheduleName;
  /** Linear warm-up steps. Default 0. */
  warmup?: number;
  weightDecay?: number;
  seed?: number;
  augment?: Augmentation;
  /** Stop after this many steps in total (smoke runs); the schedule still spans all epochs. */
  maxSteps?: number;
  /** Checkpoint file: resumed from if present, written every `checkpointEvery` steps and per epoch. */
  checkpoint?: string;
  checkpointEvery?: number;
  onProgress?: (p: Progress) => void;
  /** Checked after every step: when true, a checkpoint is written and fit returns (stopped: true). */
  shouldStop?: () => boolean;
  /**
   * Knowledge distillation (Hinton, Vinyals and Dean 2015; distill.ts has the loss and its
   * gradient): every step's loss mixes the teacher's softened outputs (temperature T, default 4)
   * with weight alpha (default 0.9) and the labels' cross-entropy with 1 - alpha. The teacher
   * (e.g. the float model a binarized run starts from) is not trained. Default: labels only.
   */
  distill?: DistillOptions;
  /**
   * Staged binarization (staged-binarization.ts has the idea and the references): the first
   * `activationsOnlyFraction` of the run's steps quantize the activations only, with the convs
   * on their float latent weights; the weights are binarized for the rest (their staircases
   * refitted at the switch). The stage follows the global step, so resumed runs keep it.
   * Default: weights and activations binarized from the first step.
   */
  stagedBinarization?: StagedBinarization;
  /** Called after each epoch, e.g. to evaluate. */
  onEpoch?: (e: EpochStats) => void;
}

export interface Progress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean loss and accuracy over the epoch so far. */
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  learningRate: number;
}

export interface EpochStats {
  epoch: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  seconds: number;
}

export interface FitResult {
  history: EpochStats[];
  steps: number;
  /** Wall time over all sessions of this run (resumed runs add up). */
  seconds: number;
  /** Mean loss of the first and the last 10 % of steps of this call (to check learning). */
  firstLoss: number;
  lastLoss: number;
  resumedFrom?: { epoch: number; batch: number };
  /** True when shouldStop ended the run early (resume it from the checkpoint). */
  stopped: boolean;
  /** TF.js backends that trained this run, the earlier sessions' included. */
  devices: string[];
}

/**
 * Trains `model` on `data`: mini-batches in a seeded order, the chosen optimizer and schedule,
 * a checkpoint that a killed run resumes from, progress callbacks, and a clear error (with
 * the last good checkpoint kept) when the loss turns NaN.
 */
export async function fit(
  model: TrainableModel,
  data: ImageDataset,
  options: FitOptions,
): Promise<FitResult> {
  const batchSize = options.batchSize ?? 64;
  const baseLr = options.learningRate ?? 1e-3;
  const schedule = options.schedule ?? 'cosine';
  const seed = options.seed ?? 1;
  if (!(Number.isInteger(options.epochs) && options.epochs >= 1)) {
    throw new TrainError('options', `epochs must be a positive integer, got ${options.epochs}`);
  }
  if (!(Number.isInteger(batchSize) && batchSize >= 2)) {
    throw new TrainError('options', `batchSize must be an integer >= 2, got ${batchSize}`);
  }
  // a bad microBatchSize fails here, before the model is touched, not at the first step
  if (options.microBatchSize !== undefined) shareSizes(batchSize, options.microBatchSize);
  if (!(baseLr > 0)) throw new TrainError('options', `learningRate must be > 0, got ${baseLr}`);
  const distill = options.distill ? resolveDistill(options.distill) : undefined;
  const staged = options.stagedBinarization ? resolveStaged(options.stagedBinarization) : undefined;
  const perEpoch = batchesPerEpoch(data.count, batchSize, true);
  const total = perEpoch * options.epochs;
  const fingerprint = JSON.stringify({
    model: model.modelName,
    scheme: model.scheme,
    // a checkpoint of another M, N or calibration must not be resumed by mistake
    bases: [model.options.weightBases, model.options.activationBases],
    // per-layer bases (absent when none, so older checkpoints keep their fingerprints)
    ...(Object.keys(model.options.layerBases).length > 0
      ? { layerBases: model.options.layerBases }
      : {}),
    ...(model.options.floatConvs.length > 0 ? { floatConvs: model.options.floatConvs } : {}),
    calibration: model.calibration,
    // staircases fitted with batch statistics (absent for the running statistics, the only
    // calibration before the option, so older checkpoints keep their fingerprints)
    ...(model.calibrationStatistics === 'batch' ? { calibrationStatistics: 'batch' } : {}),
    learningRate: options.learningRate,
    data: [data.name, data.count],
    batchSize,
    epochs: options.epochs,
    seed,
    // a distilled run's checkpoint is not a plain run's (absent without distillation, so older
    // checkpoints keep their fingerprints)
    ...(distill ? { distill: [distill.temperature, distill.alpha] } : {}),
    // likewise a staged run's (absent without staging)
    ...(staged ? { stagedBinarization: staged.activationsOnlyFraction } : {}),
  });
  const shape = [data.height, data.width, data.channels];

  const saved: Checkpoint | undefined = options.checkpoint
    ? loadCheckpoint(options.checkpoint)
    : undefined;
  if (saved && saved.fingerprint !== fingerprint) {
    throw new TrainError(
      'checkpoint',
      `${options.checkpoint} belongs to another run (${saved.fingerprint}); delete it or pick another file`,
    );
  }
  if (saved) {
    const parameters = new Map(
      Object.entries(await model.state()).map(([name, data]) => [name, data.length]),
    );
    checkResumable(options.checkpoint as string, saved, {
      parameters,
      binarized: model.binarizedLayers(),
      epochs: options.epochs,
      batchesPerEpoch: perEpoch,
    });
    model.load(saved.state);
  }
  // the stage of a step: float latent weights in the activations-only stage
  const floatWeightsAt = (step: number) => !weightsBinarizedAt(step, total, staged);
  // staircases still missing are calibrated on the first batch, before the optimizer is made,
  // with the weights of the stage the run (re)starts in: those its first steps will see
  const first = batches(data, { batchSize, seed, epoch: 0 }).next().value;
  if (first) {
    const x = tf.tensor4d(first.x, [first.size, ...shape] as never);
    const resumeStep = saved ? saved.epoch * perEpoch + saved.batch : 0;
    await model.prepare(x, { floatWeights: floatWeightsAt(resumeStep) });
    const teacher = options.distill?.teacher;
    if (teacher && typeof teacher !== 'function') await teacher.prepare(x);
    x.dispose();
  }
  const variables = model.trainableVariables();
  const optimizer = new Optimizer(options.optimizer ?? 'adam', variables, options.weightDecay);
  let history: EpochStats[] = [];
  let startEpoch = 0;
  let startBatch = 0;
  let previousSeconds = 0;
  let resumedFrom: FitResult['resumedFrom'];
  if (saved) {
    optimizer.load(saved.optimizerStep, saved.optimizer);
    history = saved.history as EpochStats[];
    startEpoch = saved.epoch;
    startBatch = saved.batch;
    previousSeconds = saved.seconds;
    resumedFrom = { epoch: startEpoch, batch: startBatch };
  }
  const devices = [...new Set([...(saved?.devices ?? []), tf.getBackend()])];
  const started = performance.now();
  const seconds = () => previousSeconds + (performance.now() - started) / 1000;
  const save = async (epoch: number, batch: number) => {
    if (!options.checkpoint) return;
    saveCheckpoint(options.checkpoint, {
      epoch,
      batch,
      optimizerStep: optimizer.step,
      state: await model.state(),
      optimizer: await optimizer.state(),
      history,
      seconds: seconds(),
      fingerprint,
      devices,
    });
  };
  const losses: number[] = [];
  let steps = 0;
  const every = options.checkpointEvery ?? 200;
  try {
    for (let epoch = startEpoch; epoch < options.epochs; epoch++) {
      const epochStart = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      const from = epoch === startEpoch ? startBatch : 0;
      let b = from;
      for (const batch of batches(data, {
        batchSize,
        seed,
        epoch,
        augment: options.augment,
        from,
        dropLast: true,
      })) {
        const step = epoch * perEpoch + b;
        const lr = learningRateAt(schedule, baseLr, step, total, options.warmup ?? 0);
        await model.prepare(undefined, { floatWeights: floatWeightsAt(step) });
        const { loss, hits, grads, gradientL1 } = await trainStep(
          model,
          variables,
          batch,
          shape,
          options.microBatchSize,
          distill,
        );
        const finite = Number.isFinite(loss) && Number.isFinite(gradientL1);
        if (finite) optimizer.apply(grads, lr);
        tf.dispose(Object.values(grads));
        if (!finite) {
          const where = `at epoch ${epoch + 1}, batch ${b + 1} (learning rate ${lr.toExponential(2)})`;
          const last = options.checkpoint
            ? `; the last good checkpoint is ${options.checkpoint}`
            : '';
          throw new TrainError(
            'nan',
            Number.isFinite(loss)
              ? `the gradients became non-finite (their L1 norm is ${gradientL1}) ${where}, the loss still ` +
                  `${loss.toFixed(4)}: they grew on the way back through the layers (a deep binarized net ` +
                  `from random weights does this); the weights were not updated${last}; start from trained ` +
                  `float weights or try a lower learning rate`
              : `loss became ${loss} ${where}${last}; try a lower learning rate`,
          );
        }
        lossSum += loss * batch.size;
        correct += hits;
        seen += batch.size;
        losses.push(loss);
        steps++;
        b++;
        const elapsed = (performance.now() - epochStart) / 1000;
        options.onProgress?.({
          epoch: epoch + 1,
          epochs: options.epochs,
          batch: b,
          batches: perEpoch,
          loss: lossSum / seen,
          accuracy: correct / seen,
          imagesPerSecond: seen / elapsed,
          learningRate: lr,
        });
        // let timers and signal handlers run (wasm steps resolve as microtasks only)
        await new Promise((resolve) => setTimeout(resolve, 0));
        const stop = options.shouldStop?.() ?? false;
        if (stop || (options.maxSteps !== undefined && steps >= options.maxSteps)) {
          await save(epoch, b);
          return result(stop);
        }
        if (steps % every === 0 && b < perEpoch) await save(epoch, b);
      }
      const elapsed = (performance.now() - epochStart) / 1000;
      const stats = {
        epoch: epoch + 1,
        loss: lossSum / Math.max(1, seen),
        accuracy: correct / Math.max(1, seen),
        imagesPerSecond: seen / elapsed,
        seconds: elapsed,
      };
      history.push(stats);
      await save(epoch + 1, 0);
      options.onEpoch?.(stats);
    }
    return result();
  } catch (e) {
    // a step holds one share's activations at a time
    throw explainStepFailure(e, Math.min(options.microBatchSize ?? batchSize, batchSize));
  } finally {
    optimizer.dispose();
  }

  function result(stopped = false): FitResult {
    const k = Math.max(1, Math.floor(losses.length / 10));
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
    return {
      history,
      steps,
      seconds: seconds(),
      firstLoss: mean(losses.slice(0, k)),
      lastLoss: mean(losses.slice(-k)),
      resumedFrom,
      stopped,
      devices,
    };
  }
}
