import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/batches.js';
import { TrainError } from '../errors.js';
import type { TrainableModel } from '../model/trainable-model.js';
import { readBack } from '../read-back.js';
import { crossEntropy, distillationLoss } from './distill.js';

/** The distillation of a step (fit resolves DistillOptions into this; see distill.ts). */
export interface StepDistill {
  teacherLogits: (x: tf.Tensor4D) => tf.Tensor2D;
  temperature: number;
  alpha: number;
}

export interface StepResult {
  /** Mean loss over the batch: cross-entropy, or the distillation loss with `distill`. */
  loss: number;
  /** Images of the batch whose argmax equals the label. */
  hits: number;
  /** Gradient of the mean loss for every variable, by variable name (the caller disposes). */
  grads: tf.NamedTensorMap;
  /** Sum of |g| over every gradient: NaN or Infinity when any gradient is (fit checks it). */
  gradientL1: number;
}

/** Splits `size` images into `ceil(size / most)` shares whose sizes differ by at most one. */
export function shareSizes(size: number, most: number): number[] {
  if (!(Number.isInteger(most) && most >= 2)) {
    throw new TrainError('options', `microBatchSize must be an integer >= 2, got ${most}`);
  }
  const k = Math.ceil(size / most);
  const base = Math.floor(size / k);
  return Array.from({ length: k }, (_, i) => base + (i < size % k ? 1 : 0));
}

/**
 * Loss, hits and gradients of one batch. With `microBatchSize` below the batch size the batch
 * runs as several shares whose gradients add up, weighted by share size, to the gradient of the
 * batch's mean loss: the optimizer still takes one step per batch, at the batch's learning rate,
 * while only one share's activations are held at a time (DenseNet-121 at batch 128 does not fit
 * TF.js wasm's 4 GB; 8 shares of 16 do, and at 32 pa 4x5 still overflows). The one difference: BatchNorm normalises each share by
 * its own statistics (as data-parallel training on several devices does), and the running
 * statistics move per share by an amount that adds up to one batch's move.
 */
export async function trainStep(
  model: TrainableModel,
  variables: tf.Variable[],
  batch: Batch,
  imageShape: number[],
  microBatchSize?: number,
  distill?: StepDistill,
): Promise<StepResult> {
  const sizes =
    microBatchSize === undefined ? [batch.size] : shareSizes(batch.size, microBatchSize);
  const pixels = batch.x.length / batch.size;
  let loss = 0;
  let hits = 0;
  let sum: tf.NamedTensorMap | undefined;
  let start = 0;
  try {
    for (const size of sizes) {
      const labels = batch.labels.subarray(start, start + size);
      const x = tf.tensor4d(batch.x.subarray(start * pixels, (start + size) * pixels), [
        size,
        ...imageShape,
      ] as never);
      start += size;
      let predicted: tf.Tensor | undefined;
      // the teacher runs outside the gradient's scope: its logits are a constant target
      const target = distill ? tf.tidy(() => distill.teacherLogits(x)) : undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.forward(x, true, sizes.length);
        // kept past variableGrads' own tidy; disposed below
        predicted = tf.keep(tf.argMax(logits, 1));
        return distill && target
          ? distillationLoss(logits, target, labels, distill.temperature, distill.alpha)
          : crossEntropy(logits, labels);
      }, variables);
      const shareLoss = (await readBack(value))[0];
      const pred = await readBack(predicted as tf.Tensor);
      tf.dispose([x, value, predicted as tf.Tensor, ...(target ? [target] : [])]);
      for (let i = 0; i < size; i++) if (pred[i] === labels[i]) hits++;
      loss += (shareLoss * size) / batch.size;
      if (sizes.length === 1) {
        sum = grads;
        break;
      }
      const weight = size / batch.size;
      const previous: tf.NamedTensorMap = sum ?? {};
      sum = tf.tidy(() => {
        const next: tf.NamedTensorMap = {};
        for (const [name, g] of Object.entries(grads)) {
          const scaled = tf.mul(g, weight);
          next[name] = previous[name] ? tf.add(previous[name], scaled) : scaled;
        }
        return next;
      });
      tf.dispose([...Object.values(grads), ...Object.values(previous)]);
    }
  } catch (e) {
    if (sum) tf.dispose(Object.values(sum));
    throw e;
  }
  const grads = sum as tf.NamedTensorMap;
  // one number read back per step: a NaN or Infinity anywhere makes the sum non-finite
  const l1 = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.abs(g)))));
  const gradientL1 = (await readBack(l1))[0];
  l1.dispose();
  return { loss, hits, grads, gradientL1 };
}
