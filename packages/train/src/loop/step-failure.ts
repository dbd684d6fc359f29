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
export const explainStepFailure = (e: unknown, imagesAtOnce: number): unknown =>
  explainHeapTrap(
    e,
    'a training step',
    imagesAtOnce,
    'use microBatchSize (the same steps in shares of fewer images), a smaller batchSize, a smaller model, or the webgpu backend',
  );

/**
 * The same for an evaluation batch: inference keeps the batch's activations too until its
 * logits are read (DenseNet-121 on wasm overflows at evaluate()'s default of 500 images).
 */
export const explainEvaluationFailure = (e: unknown, imagesAtOnce: number): unknown =>
  explainHeapTrap(
    e,
    'an evaluation batch',
    imagesAtOnce,
    "pass evaluate() a smaller batchSize (results don't depend on it), or use the webgpu backend",
  );

function explainHeapTrap(e: unknown, work: string, imagesAtOnce: number, remedy: string): unknown {
  if (e instanceof TrainError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const trap =
    (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) ||
    HEAP_TRAP.test(message);
  if (!trap) return e;
  const error = new TrainError(
    'memory',
    `${work} failed inside TF.js's '${tf.getBackend()}' backend (${message.split('\n')[0]}): ` +
      `most likely the batch's activations (${imagesAtOnce} images at a time) do not fit its memory, at most 4 GB ` +
      `for wasm; ${remedy}`,
  );
  // the trap itself, with its stack, for whoever debugs further
  return Object.assign(error, { cause: e });
}
