import { BackendError } from '@pabnn/backend';
import {
  controlWords,
  FAILED,
  GENERATION,
  HEADER,
  isNode,
  KERNEL_NAMES,
  type KernelName,
  MAX_ARGS,
  PENDING,
  SLOT,
  SPIN_POLLS,
  STOP,
  type WorkerInit,
} from './kernel-calls.js';
import { MIN_NS_PER_PART } from './split-policy.js';
import type { PAKernels } from './wasm-module.js';

/** One call of a module export with i32 arguments (byte offsets and counts). */
export interface KernelCall {
  kernel: KernelName;
  args: number[];
}

function callKernel(kernels: PAKernels, c: KernelCall): void {
  (kernels[c.kernel] as (...args: number[]) => void)(...c.args);
}

/** Runs the calls: in parallel on the pool when there is one and more than one call, else here. */
export function runCalls(kernels: PAKernels, calls: KernelCall[], pool?: ThreadPool): void {
  if (pool && calls.length > 1) pool.run(calls);
  else for (const c of calls) callKernel(kernels, c);
}

interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** True where a pool can exist: shared memory and Atomics (browsers: cross-origin isolated pages). */
export function threadsSupported(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object';
}

/** Hardware threads of this machine (Node: os.availableParallelism; browsers: navigator). */
export async function hardwareThreads(): Promise<number> {
  if (isNode()) {
    // computed specifiers: bundlers leave Node's modules out of browser builds (Node only here)
    const os = (await import(
      /* webpackIgnore: true */ /* @vite-ignore */ ['node', 'os'].join(':')
    )) as typeof import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return (
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ?? 1
  );
}

// One literal `new Worker(new URL(..., import.meta.url))` each, so bundlers (Vite, webpack)
// recognize the worker and ship it; `url` (the workerUrl option, wasm-paths.ts) is a separate
// call, since any other expression inside `new Worker(...)` hides the pattern from them.
async function startWorker(init: WorkerInit, url?: URL): Promise<PoolWorker> {
  if (isNode()) {
    const { Worker } = (await import(
      /* webpackIgnore: true */ /* @vite-ignore */ ['node', 'worker_threads'].join(':')
    )) as typeof import('node:worker_threads');
    const worker = url
      ? new Worker(url)
      : new Worker(new URL('./kernel-worker.js', import.meta.url));
    worker.unref(); // an idle pool never keeps the process alive
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.postMessage(init);
    });
    return worker;
  }
  const worker = url
    ? new Worker(url, { type: 'module' })
    : new Worker(new URL('./kernel-worker.js', import.meta.url), { type: 'module' });
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage(init);
  });
  return worker;
}

/**
 * `threads - 1` workers over the module's shared memory; the calling thread is the last
 * thread. `run` hands one call to each worker through the control words, makes its own, and
 * returns when all are done: synchronous, as the backend contract wants. The calling thread
 * sleeps on Atomics.wait where it may (Node, workers) and spins where it may not (a browser's
 * main thread).
 */
export class ThreadPool {
  private readonly control: Int32Array;
  private canSleep = true;
  private stopped = false;

  private constructor(
    private readonly workers: PoolWorker[],
    control: SharedArrayBuffer,
    /** The calling thread's instance of the module. */
    private readonly kernels: PAKernels,
    /** Work (estimated ns) below which a part is not worth a thread (split-policy.ts). */
    readonly minPartNs: number,
  ) {
    this.control = new Int32Array(control);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  static async create(
    threads: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    kernels: PAKernels,
    minPartNs = MIN_NS_PER_PART,
    workerUrl?: URL,
  ): Promise<ThreadPool> {
    const count = threads - 1;
    const control = new SharedArrayBuffer(controlWords(count) * 4);
    const workers = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        startWorker({ module, memory, control, index }, workerUrl),
      ),
    ).catch((error: unknown) => {
      throw new BackendError(
        'threads-unavailable',
        `the wasm backend could not start ${count} worker(s)${workerUrl ? ` from ${workerUrl}` : ''}: ${(error as Error).message}`,
      );
    });
    return new ThreadPool(workers, control, kernels, minPartNs);
  }

  /** Runs calls[0] here and calls[1..] on workers 0.. (at most `threads` calls). */
  run(calls: KernelCall[]): void {
    if (this.stopped) throw new BackendError('disposed', 'the wasm thread pool was disposed');
    const c = this.control;
    const others = calls.length - 1;
    for (let w = 0; w < this.workers.length; w++) {
      const slot = HEADER + w * SLOT;
      const job = calls[w + 1];
      c[slot] = job ? KERNEL_NAMES.indexOf(job.kernel) + 1 : 0;
      if (job) for (let i = 0; i < MAX_ARGS; i++) c[slot + 1 + i] = job.args[i] ?? 0;
    }
    Atomics.store(c, PENDING, this.workers.length);
    Atomics.store(c, FAILED, 0);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    try {
      if (calls[0]) callKernel(this.kernels, calls[0]);
    } finally {
      this.waitForWorkers();
    }
    if (Atomics.load(c, FAILED))
      throw new BackendError('kernel-failed', `a wasm kernel failed on a worker (${others} calls)`);
  }

  private waitForWorkers(): void {
    const c = this.control;
    // the workers usually finish with this thread: poll a while before sleeping
    for (let i = 0; i < SPIN_POLLS && Atomics.load(c, PENDING) > 0; i++);
    for (let left = Atomics.load(c, PENDING); left > 0; left = Atomics.load(c, PENDING)) {
      if (!this.canSleep) continue; // spin: the browser's main thread may not block
      try {
        Atomics.wait(c, PENDING, left);
      } catch {
        this.canSleep = false;
      }
    }
  }

  dispose(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.control, GENERATION, STOP);
    Atomics.notify(this.control, GENERATION);
    for (const w of this.workers) void w.terminate();
  }
}

/** Splits `count` items into at most `parts` contiguous [begin, end) ranges of near-equal size. */
export function splitRange(count: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, count));
  return Array.from({ length: n }, (_, i) => [
    Math.floor((i * count) / n),
    Math.floor(((i + 1) * count) / n),
  ]);
}

/**
 * A conv split by output rows: one call of `kernel` per part (`parts` of them, at most one per
 * thread; split-policy.ts decides), part t's parameter block at `params + t * blockBytes`,
 * written by `write(t, at, begin, end)` for its rows [begin, end).
 */
export function rowCalls(
  kernel: KernelName,
  params: number,
  blockBytes: number,
  rows: number,
  parts: number,
  write: (t: number, at: number, begin: number, end: number) => void,
): KernelCall[] {
  return splitRange(rows, parts).map(([begin, end], t) => {
    const at = params + t * blockBytes;
    write(t, at, begin, end);
    return { kernel, args: [at] };
  });
}
