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
  // loss and hits stay on the device until the step's single read-back (below)
  let loss: tf.Scalar = tf.scalar(0);
  let hits: tf.Scalar = tf.scalar(0);
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
      let shareHits: tf.Scalar | undefined;
      // the teacher runs outside the gradient's scope: its logits are a constant target
      const target = distill ? tf.tidy(() => distill.teacherLogits(x)) : undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.forward(x, true, sizes.length);
        // kept past variableGrads' own tidy; disposed below
        shareHits = tf.keep(countHits(logits, labels));
        return distill && target
          ? distillationLoss(logits, target, labels, distill.temperature, distill.alpha)
          : crossEntropy(logits, labels);
      }, variables);
      const [previousLoss, previousHits] = [loss, hits];
      loss = tf.tidy(() => tf.add(previousLoss, tf.mul(value, size / batch.size)));
      hits = tf.add(previousHits, shareHits as tf.Scalar);
      tf.dispose([
        x,
        value,
        previousLoss,
        previousHits,
        shareHits as tf.Scalar,
        ...(target ? [target] : []),
      ]);
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
    tf.dispose([loss, hits]);
    throw e;
  }
  const grads = sum as tf.NamedTensorMap;
  // the step's one read-back (each drains a WebGPU queue): loss, hits and the gradients' L1
  // norm together; a NaN or Infinity in any gradient makes that sum non-finite
  const stats = tf.tidy(() => {
    const flat = Object.values(grads).map((g) => tf.reshape(g, [-1]));
    const l1 = tf.sum(tf.abs(flat.length === 1 ? flat[0] : tf.concat(flat)));
    return tf.stack([loss, hits, l1]);
  });
  tf.dispose([loss, hits]);
  const [lossValue, hitCount, gradientL1] = await readBack(stats);
  stats.dispose();
  return { loss: lossValue, hits: hitCount, grads, gradientL1 };
}

/** Images whose argmax equals their label, as a float32 scalar (exact below 2^24 images). */
function countHits(logits: tf.Tensor, labels: Uint8Array): tf.Scalar {
  return tf.tidy(() => {
    const truth = tf.tensor1d(Int32Array.from(labels), 'int32');
    return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), truth), 'float32')) as tf.Scalar;
  });
}
