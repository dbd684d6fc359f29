// The threaded build on a whole model: the same logits as one thread (each output element is
// computed by one thread, in the same order), workers really used, and clear option errors.
import '@pabnn/backend-js';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { createModel } from '@pabnn/zoo';
import { expect, it, vi } from 'vitest';
// workers load dist/kernel-worker.js: the built package (the test setup builds it)
import { WasmBackend } from '../dist/index.js';
import { splitByBlocks } from '../dist/split-policy.js';
import { ThreadPool } from '../dist/thread-pool.js';

const graph = createModel('pa_resnet8', { input: 'cifar', weightBases: 2, activationBases: 3 });
const image = tensor(
  'float32',
  [4, 32, 32, 3],
  Float32Array.from({ length: 4 * 32 * 32 * 3 }, (_, i) => Math.cos(i * 0.11)),
);

it('gives the single-thread logits bit for bit with 1, 2 and 4 threads', async () => {
  const results: Float32Array[] = [];
  const poolRuns = vi.spyOn(ThreadPool.prototype, 'run'); // observes, still runs
  for (const threads of [1, 2, 4]) {
    const session = await Session.create(graph, {
      backend: 'wasm',
      backendOptions: { threads, minPartNs: 0 },
      fallback: false,
    });
    results.push((await session.run({ image })).fc.data as Float32Array);
    session.dispose();
  }
  // 2 and 4 threads: each of the 6 PA layers went through the pool as parts that binarize
  // their own input rows and sweep their output rows (asm/pa-binarize-conv.ts)
  const fused = poolRuns.mock.calls.filter(([calls]) =>
    calls.every((c) => c.kernel === 'binarizeConvTiled'),
  );
  expect(fused.length).toBeGreaterThanOrEqual(2 * 6);
  poolRuns.mockRestore();
  expect(results[0].some((v) => v !== 0)).toBe(true);
  expect(Array.from(results[1])).toEqual(Array.from(results[0]));
  expect(Array.from(results[2])).toEqual(Array.from(results[0]));
});

it('splits a conv of few output rows by channel blocks, bit for bit as one thread', async () => {
  // 28x28 input: the last stage's convs have 7 output rows and 8 blocks of 8 channels, which
  // 2 and 3 threads split by blocks (splitByBlocks), the earlier ones by rows
  const model = createModel('pa_resnet8', { input: 'mnist', weightBases: 2, activationBases: 2 });
  const x = tensor(
    'float32',
    [1, 28, 28, 1],
    Float32Array.from({ length: 28 * 28 }, (_, i) => Math.sin(i * 0.37)),
  );
  expect(splitByBlocks(7, 8, 2)).toBe(true);
  expect(splitByBlocks(7, 8, 3)).toBe(true);
  const results: Float32Array[] = [];
  for (const threads of [1, 2, 3]) {
    const session = await Session.create(model, {
      backend: 'wasm',
      backendOptions: { threads, minPartNs: 0 },
      fallback: false,
    });
    results.push((await session.run({ image: x })).fc.data as Float32Array);
    session.dispose();
  }
  expect(results[0].some((v) => v !== 0)).toBe(true);
  expect(Array.from(results[1])).toEqual(Array.from(results[0]));
  expect(Array.from(results[2])).toEqual(Array.from(results[0]));
});

it('starts threads - 1 workers and reports the thread count', async () => {
  const backend = await WasmBackend.create({ threads: 3 });
  expect(backend.threads).toBe(3);
  expect(backend.build).toBe('simd');
  backend.dispose();
  const single = await WasmBackend.create({ threads: 1 });
  expect(single.threads).toBe(1);
  single.dispose();
});

it("uses the machine's threads by default ('auto', at most 4) where shared memory exists", async () => {
  const { availableParallelism } = await import('node:os');
  const backend = await WasmBackend.create();
  expect(backend.threads).toBe(Math.min(4, availableParallelism()));
  backend.dispose();
});

it("falls back to one thread when 'auto' cannot start workers", async () => {
  // the src build's worker file is TypeScript, which worker_threads cannot load: a real failure
  const { WasmBackend: FromSource } = await import('../src/wasm-backend.js');
  const backend = await FromSource.create();
  expect(backend.threads).toBe(1);
  backend.dispose();
});

it('rejects a bad thread count by name', async () => {
  await expect(WasmBackend.create({ threads: 0 })).rejects.toThrow(
    /threads must be 'auto' or an integer/,
  );
  await expect(WasmBackend.create({ threads: 2.5 })).rejects.toThrow(
    /threads must be 'auto' or an integer/,
  );
});
