import type { LayerBases } from '@pabnn/zoo';
import * as tf from '@tensorflow/tfjs-core';
import { batches } from '../data/batches.js';
import type { ImageDataset } from '../data/dataset.js';
import { takeImages } from '../data/dataset.js';
import { TrainError } from '../errors.js';
import { reestimateBatchNorm } from '../loop/reestimate-batch-norm.js';
import { TrainableModel, type TrainableModelOptions } from '../model/trainable-model.js';
import { readBack } from '../read-back.js';

/** How far a binarized variant's outputs are from the float model's on the same images. */
export interface OutputError {
  /** Mean KL divergence KL(p_float || p_binarized) of the softmax outputs, in nats per image. */
  kl: number;
  /** Fraction of images whose top-1 class is the float model's. */
  agreement: number;
  /** Top-1 accuracy against the labels. */
  top1: number;
}

/** One layer at one candidate (M, N), every other binarized layer at the reference bases. */
export interface LayerSensitivity extends OutputError, LayerBases {
  layer: string;
  /** kl minus the reference's kl: what dropping this layer to these bases costs. */
  klIncrease: number;
}

export interface SensitivityOptions {
  /** Zoo model name (e.g. 'resnet8'). */
  model: string;
  /** Zoo and training options of the binarized model (scheme 'pa' or 'abc', input, ...). */
  options: TrainableModelOptions;
  /** The float model's state (TrainableModel#state of the float run): every variant starts from it. */
  floatState: Record<string, Float32Array>;
  /** Images to measure on; the first batch also calibrates the activation staircases. */
  data: ImageDataset;
  /** The bases every layer keeps except the one measured. Default: options' (M, N). */
  reference?: LayerBases;
  /** The (M, N) each layer is measured at. */
  candidates: LayerBases[];
  /** Images measured (default 512: the first ones of `data`). */
  images?: number;
  /** Images per forward pass (default 256). */
  batchSize?: number;
  /**
   * Batch-norm statistics of each variant re-estimated on this many batches of 128 of `data`
   * (reestimateBatchNorm) before it is measured. Default 8. Binarizing shifts every layer's
   * output statistics; without this the float model's running statistics mis-normalise every
   * variant alike and the reference itself lands far from float (Fashion-MNIST ResNet-8 PA 4x5:
   * 66 % top-1 before fine-tuning), which drowns the per-layer differences. 0: none.
   */
  bnReestimationBatches?: number;
  /** Called after each variant: variants done and their total. */
  onProgress?: (done: number, total: number, row?: LayerSensitivity) => void;
}

export interface Sensitivity {
  reference: OutputError & LayerBases;
  /** One row per (layer, candidate). */
  layers: LayerSensitivity[];
}

/**
 * Per-layer sensitivity to fewer bases (docs/PA-METHOD.md, Per-layer bases): each binarized
 * layer in turn is set to each candidate (M, N) while every other layer keeps the reference
 * bases, and the variant's outputs are compared with the float model's on the same images,
 * right after calibration (post-training quantization of the float weights, no fine-tuning).
 * Like HAWQ's and mixed-precision search's per-layer measurements, it assumes the layers'
 * errors add up, which `allocateBases` relies on; the allocation is then fine-tuned as a whole.
 */
export async function measureSensitivity(options: SensitivityOptions): Promise<Sensitivity> {
  const { model, floatState, candidates, onProgress } = options;
  const images = options.images ?? 512;
  const batchSize = options.batchSize ?? 256;
  const bnBatches = options.bnReestimationBatches ?? 8;
  if (!(Number.isInteger(images) && images >= 1)) {
    throw new TrainError('options', `images must be a positive integer, got ${images}`);
  }
  if (candidates.length === 0) throw new TrainError('options', 'candidates is empty');
  const data = takeImages(options.data, Math.min(images, options.data.count));
  const teacher = new TrainableModel(model, {
    input: options.options.input,
    numClasses: options.options.numClasses,
    scheme: 'float',
  });
  teacher.load(floatState);
  const floatLogits = await logitsOf(teacher, data, batchSize);
  teacher.dispose();

  const variant = async (layerBases: Record<string, LayerBases>, reference: LayerBases) => {
    const m = new TrainableModel(model, { ...options.options, ...reference, layerBases });
    try {
      m.load(floatState);
      if (bnBatches > 0) await reestimateBatchNorm(m, options.data, { batches: bnBatches });
      return compare(floatLogits, await logitsOf(m, data, batchSize), data.labels);
    } finally {
      m.dispose();
    }
  };
  const probe = new TrainableModel(model, options.options);
  const layers = probe.binarizedLayers();
  const reference: LayerBases = options.reference ?? {
    weightBases: probe.options.weightBases,
    activationBases: probe.options.activationBases,
  };
  probe.dispose();
  if (layers.length === 0) {
    throw new TrainError('options', `${model} with these options has no binarized layer`);
  }
  const total = 1 + layers.length * candidates.length;
  const referenceError = await variant({}, reference);
  onProgress?.(1, total);
  const rows: LayerSensitivity[] = [];
  for (const layer of layers) {
    for (const c of candidates) {
      const e = await variant({ [layer]: c }, reference);
      const row = { layer, ...c, ...e, klIncrease: e.kl - referenceError.kl };
      rows.push(row);
      onProgress?.(1 + rows.length, total, row);
    }
  }
  return { reference: { ...reference, ...referenceError }, layers: rows };
}

/** Logits [count, classes] of a model on the images, calibrating on the first batch. */
async function logitsOf(
  model: TrainableModel,
  data: ImageDataset,
  batchSize: number,
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for (const b of batches(data, { batchSize, shuffle: false })) {
    const x = tf.tensor4d(b.x, [b.size, data.height, data.width, data.channels]);
    try {
      if (rows.length === 0) await model.prepare(x, { exact: true });
      const logits = tf.tidy(() => model.forward(x, false));
      const values = (await readBack(logits)) as Float32Array;
      logits.dispose();
      const classes = values.length / b.size;
      for (let i = 0; i < b.size; i++) rows.push(values.slice(i * classes, (i + 1) * classes));
    } finally {
      x.dispose();
    }
  }
  return rows;
}

const softmax = (logits: Float32Array): Float64Array => {
  const max = Math.max(...logits);
  const e = Float64Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

const argMax = (v: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
};

/** KL(p_float || p_model), top-1 agreement and accuracy over the images. */
function compare(
  floatLogits: Float32Array[],
  modelLogits: Float32Array[],
  labels: Uint8Array,
): OutputError {
  let kl = 0;
  let agree = 0;
  let correct = 0;
  for (let i = 0; i < floatLogits.length; i++) {
    const p = softmax(floatLogits[i]);
    const q = softmax(modelLogits[i]);
    for (let k = 0; k < p.length; k++)
      if (p[k] > 0) kl += p[k] * Math.log(p[k] / Math.max(q[k], 1e-30));
    const predicted = argMax(modelLogits[i]);
    if (predicted === argMax(floatLogits[i])) agree++;
    if (predicted === labels[i]) correct++;
  }
  const n = floatLogits.length;
  return { kl: kl / n, agreement: agree / n, top1: correct / n };
}
