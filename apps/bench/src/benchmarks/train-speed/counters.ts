import * as tf from '@tensorflow/tfjs-core';

/** Kernels dispatched and tensors read back to the host while counting is on. */
export interface Counts {
  kernels: number;
  readBacks: number;
  /** Kernels by name, most frequent first. */
  byKernel: [string, number][];
}

/**
 * Counts every kernel the current backend runs (each registered kernel's function is wrapped:
 * the engine looks a kernel up at every dispatch) and every read of a tensor's values (the
 * engine's read and readSync: on WebGPU each drains the queue). `start` zeroes the counts,
 * `take` returns them; `restore` unwraps everything.
 */
export function installCounters() {
  const backend = tf.getBackend();
  const byKernel = new Map<string, number>();
  let on = false;
  let readBacks = 0;
  const restores: (() => void)[] = [];
  for (const config of tf.getKernelsForBackend(backend)) {
    const original = config.kernelFunc;
    const mutable = config as { kernelFunc: tf.KernelFunc };
    mutable.kernelFunc = (args) => {
      if (on) byKernel.set(config.kernelName, (byKernel.get(config.kernelName) ?? 0) + 1);
      return original(args);
    };
    restores.push(() => {
      mutable.kernelFunc = original;
    });
  }
  const engine = tf.engine() as unknown as {
    read: (id: object) => Promise<unknown>;
    readSync: (id: object) => unknown;
  };
  const { read, readSync } = engine;
  const own = Object.hasOwn(engine, 'read') || Object.hasOwn(engine, 'readSync');
  engine.read = (id) => {
    if (on) readBacks++;
    return read.call(engine, id);
  };
  engine.readSync = (id) => {
    if (on) readBacks++;
    return readSync.call(engine, id);
  };
  restores.push(() => {
    if (own) {
      engine.read = read;
      engine.readSync = readSync;
    } else {
      // back to the prototype's methods
      delete (engine as Partial<typeof engine>).read;
      delete (engine as Partial<typeof engine>).readSync;
    }
  });
  return {
    start() {
      byKernel.clear();
      readBacks = 0;
      on = true;
    },
    take(): Counts {
      on = false;
      const entries = [...byKernel].sort((a, b) => b[1] - a[1]);
      return {
        kernels: entries.reduce((s, [, n]) => s + n, 0),
        readBacks,
        byKernel: entries,
      };
    },
    restore() {
      for (const r of restores) r();
    },
  };
}
