import * as tf from '@tensorflow/tfjs-core';
import { batches } from '../data/batches.js';
import type { ImageDataset } from '../data/dataset.js';
import type { TrainableModel } from '../model/trainable-model.js';
import { readBack } from '../read-back.js';

export interface Evaluation {
  top1: number;
  /** Predicted class per image, in dataset order. */
  predictions: Uint8Array;
  seconds: number;
}

/** Top-1 accuracy of the model in inference mode (running BN statistics). */
export async function evaluate(
  model: TrainableModel,
  data: ImageDataset,
  batchSize = 500,
): Promise<Evaluation> {
  const start = performance.now();
  const predictions = new Uint8Array(data.count);
  let correct = 0;
  let offset = 0;
  for (const b of batches(data, { batchSize, shuffle: false })) {
    const x = tf.tensor4d(b.x, [b.size, data.height, data.width, data.channels]);
    if (offset === 0) await model.prepare(x, { exact: true });
    const predicted = tf.tidy(() => tf.argMax(model.forward(x, false), 1));
    const pred = await readBack(predicted);
    predicted.dispose();
    x.dispose();
    for (let i = 0; i < b.size; i++) {
      predictions[offset + i] = pred[i];
      if (pred[i] === b.labels[i]) correct++;
    }
    offset += b.size;
  }
  return { top1: correct / data.count, predictions, seconds: (performance.now() - start) / 1000 };
}
