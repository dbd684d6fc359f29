// A worker of the wasm thread pool (thread-pool.ts), in Node (worker_threads) and browsers (Web
// Workers) alike: it instantiates the threaded module on the pool's shared memory, says ready,
// then waits on the control words for calls; a call writes only to memory the main thread gave it.
import {
  FAILED,
  GENERATION,
  HEADER,
  isNode,
  KERNEL_NAMES,
  MAX_ARGS,
  PENDING,
  SLOT,
  SPIN_POLLS,
  STOP,
  type WorkerInit,
} from './kernel-calls.js';

type Post = (message: unknown) => void;

async function serve(init: WorkerInit, post: Post): Promise<void> {
  const instance = await WebAssembly.instantiate(init.module, { env: { memory: init.memory } });
  const exports = instance.exports as Record<string, (...args: number[]) => void>;
  const kernels = KERNEL_NAMES.map((name) => exports[name]);
  const control = new Int32Array(init.control);
  const slot = HEADER + init.index * SLOT;
  const args = new Array<number>(MAX_ARGS);
  let seen = Atomics.load(control, GENERATION);
  post('ready');
  for (;;) {
    // poll a while (the next node's call usually comes at once), then sleep
    for (let i = 0; i < SPIN_POLLS && Atomics.load(control, GENERATION) === seen; i++);
    Atomics.wait(control, GENERATION, seen);
    seen = Atomics.load(control, GENERATION);
    if (seen === STOP) return;
    const code = control[slot];
    if (code > 0) {
      for (let i = 0; i < MAX_ARGS; i++) args[i] = control[slot + 1 + i];
      try {
        kernels[code - 1](...args);
      } catch {
        Atomics.store(control, FAILED, 1);
      }
    }
    Atomics.sub(control, PENDING, 1);
    Atomics.notify(control, PENDING);
  }
}

// No top-level await: bundlers may emit this worker as a classic script (Vite's default). The
// specifier is built at run time, as in thread-pool.ts, so bundlers leave the import alone: a
// literal one becomes a browser stub in a chunk of its own, which a classic-script worker cannot
// load (Vite fails `NODE_ENV=development vite build`), and a warning on every build.
if (isNode()) {
  const workerThreads = ['node', 'worker_threads'].join(':');
  void (
    import(/* webpackIgnore: true */ /* @vite-ignore */ workerThreads) as Promise<
      typeof import('node:worker_threads')
    >
  ).then(({ parentPort }) => {
    parentPort?.once('message', (init: WorkerInit) => {
      void serve(init, (m) => parentPort.postMessage(m));
    });
  });
} else {
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent<WorkerInit>) => void) | null;
    postMessage: Post;
  };
  scope.onmessage = (e) => {
    scope.onmessage = null;
    void serve(e.data, (m) => scope.postMessage(m));
  };
}
