// What the thread pool and its workers agree on: which kernel a slot names, and the layout of
// the control words they share. Kept free of imports so the worker file stays small.

/** The exports of the module a worker may be asked to call, by code (index + 1; 0 = idle). */
export const KERNEL_NAMES = [
  'binarize',
  'conv',
  'convTiled',
  'conv2dF32',
  'quantizeF32',
  'paEpilogueF32',
  'binarizeConvTiled',
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/** At most this many i32 arguments per call (binarize has 9, binarizeConvTiled 10). */
export const MAX_ARGS = 10;

/** Control words (Int32Array over a SharedArrayBuffer): a generation counter, then pending. */
export const GENERATION = 0;
export const PENDING = 1;
/** Set by a worker whose call threw; the main thread reports it. */
export const FAILED = 2;
export const HEADER = 4;
/** One slot per worker: kernel code, then its arguments. */
export const SLOT = 1 + MAX_ARGS;

/**
 * Polls of a control word before a waiting thread sleeps on it (Atomics.wait): a model's
 * nodes hand out calls microseconds apart, and waking a sleeping thread costs tens of
 * microseconds on a VM, more than a small layer's share of work. About 20-50 us of polling.
 */
export const SPIN_POLLS = 20000;

/** A generation number that tells workers to leave their loop. */
export const STOP = -1;

export const controlWords = (workers: number) => HEADER + workers * SLOT;

/** Node (worker_threads) rather than a browser (Web Workers). */
export const isNode = () =>
  typeof process === 'object' && typeof process.versions?.node === 'string';

/** What a worker receives once, before its loop starts. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
}
