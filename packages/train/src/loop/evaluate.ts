import * as tf from '@tensorflow/tfjs-core';
import { batches } from '../data/batches.js';
import type { ImageDataset } from '../data/dataset.js';
import { TrainError } from '../errors.js';
import type { TrainableModel } from '../model/trainable-model.js';
import { readBack } from '../read-back.js';
import { explainEvaluationFailure } from './step-failure.js';

export interface Evaluation {
  top1: number;
  /** Predicted class per image, in dataset order. */
  predictions: Uint8Array;
  seconds: number;
}

export interface EvaluateOptions {
  /** Images per forward pass (default 500); predictions don't depend on it. */
  batchSize?: number;
  /** Called after each batch with the images done so far: long evaluations show progress. */
  onProgress?: (done: number, total: number) => void;
}

/** Top-1 accuracy of the model in inference mode (running BN statistics). */
export async function evaluate(
  model: TrainableModel,
  data: ImageDataset,
  { batchSize = 500, onProgress }: EvaluateOptions = {},
): Promise<Evaluation> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TrainError(
      'options',
      `evaluate(): batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  const start = performance.now();
  const predictions = new Uint8Array(data.count);
  let correct = 0;
  let offset = 0;
  for (const b of batches(data, { batchSize, shuffle: false })) {
    const x = tf.tensor4d(b.x, [b.size, data.height, data.width, data.channels]);
    try {
      if (offset === 0) await model.prepare(x, { exact: true });
      const predicted = tf.tidy(() => tf.argMax(model.forward(x, false), 1));
      const pred = await readBack(predicted);
      predicted.dispose();
      for (let i = 0; i < b.size; i++) {
        predictions[offset + i] = pred[i];
        if (pred[i] === b.labels[i]) correct++;
      }
      offset += b.size;
      onProgress?.(offset, data.count);
    } catch (e) {
      throw explainEvaluationFailure(e, b.size);
    } finally {
      x.dispose();
    }
  }
  return { top1: correct / data.count, predictions, seconds: (performance.now() - start) / 1000 };
}
