import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.js';

const HEAP_TRAP = /^Aborted\(|memory access out of bounds|Cannot enlarge memory|out of memory/i;

/**
 * The error to report for a training step that threw. TF.js's wasm backend reports an exhausted
 * heap as a bare WebAssembly trap ('memory access out of bounds') or an Emscripten abort
 * ('Aborted()'): 32-bit WebAssembly addresses at most 4 GB, and a step keeps every activation of
 * the batch for the backward pass (DenseNet-121 at batch 128 needs more). Such a trap becomes a
 * TrainError that says so and what to change; any other error passes through unchanged.
 */
export function explainStepFailure(e: unknown, imagesAtOnce: number): unknown {
  if (e instanceof TrainError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const trap =
    (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) ||
    HEAP_TRAP.test(message);
  if (!trap) return e;
  const error = new TrainError(
    'memory',
    `a training step failed inside TF.js's '${tf.getBackend()}' backend (${message.split('\n')[0]}): ` +
      `most likely the batch's activations (${imagesAtOnce} images at a time) do not fit its memory, at most 4 GB ` +
      `for wasm; use microBatchSize (the same steps in shares of fewer images), a smaller batchSize, a ` +
      `smaller model, or the webgpu backend`,
  );
  // the trap itself, with its stack, for whoever debugs further
  return Object.assign(error, { cause: e });
}
