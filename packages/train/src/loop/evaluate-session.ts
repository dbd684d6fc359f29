import { type Tensor, tensor } from '@pabnn/ir';
import { batches } from '../data/batches.js';
import type { ImageDataset } from '../data/dataset.js';
import { TrainError } from '../errors.js';

/** What evaluateSession needs of a @pabnn/runtime Session (no dependency on the runtime). */
export interface RunsFeeds {
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

export interface SessionEvaluation {
  top1: number;
  predictions: Uint8Array;
  images: number;
  seconds: number;
  msPerImage: number;
}

/**
 * Top-1 of an exported model run by the runtime on a dataset (normalised as in training):
 * the check that a .pabnn file predicts what TF.js predicted.
 */
export async function evaluateSession(
  session: RunsFeeds,
  data: ImageDataset,
  options: { inputName?: string; batchSize?: number; onBatch?: (done: number) => void } = {},
): Promise<SessionEvaluation> {
  const name = options.inputName ?? 'image';
  const predictions = new Uint8Array(data.count);
  let correct = 0;
  let offset = 0;
  const start = performance.now();
  for (const b of batches(data, { batchSize: options.batchSize ?? 250, shuffle: false })) {
    const shape = [b.size, data.height, data.width, data.channels];
    const out = await session.run({ [name]: tensor('float32', shape, b.x.slice()) });
    const logits = Object.values(out)[0];
    const classes = logits.data.length / b.size;
    if (!Number.isInteger(classes)) {
      throw new TrainError(
        'evaluate',
        `the model's output has ${logits.data.length} values for ${b.size} images`,
      );
    }
    for (let i = 0; i < b.size; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) {
        if (logits.data[i * classes + c] > logits.data[i * classes + best]) best = c;
      }
      predictions[offset + i] = best;
      if (best === b.labels[i]) correct++;
    }
    offset += b.size;
    options.onBatch?.(offset);
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    top1: correct / data.count,
    predictions,
    images: data.count,
    seconds,
    msPerImage: (seconds * 1000) / data.count,
  };
}
