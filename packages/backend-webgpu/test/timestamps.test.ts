// The `timestamps` option (recorder.ts): every dispatch in its own compute pass between two
// timestamp queries, read back per dispatch in record order. Only the bookkeeping is checked
// (counts, order, a fresh start after each read), never a duration's size.
import { tensor } from '@pabnn/ir';
import { expect, it } from 'vitest';
import { requestAdapter } from '../src/gpu.js';
import { WebGpuBackend } from '../src/index.js';

it('times each dispatch where the adapter has timestamp-query, and none without the option', async () => {
  const plain = await WebGpuBackend.create();
  expect(plain.timestamps).toBe(false);
  plain.checkFinite(plain.upload(tensor('float32', [4], [1, 2, 3, 4])));
  expect(await plain.readTimestamps()).toEqual([]);
  plain.dispose();

  const backend = await WebGpuBackend.create({ timestamps: true });
  const has = (await requestAdapter())!.features.has('timestamp-query');
  expect(backend.timestamps).toBe(has);
  const x = backend.upload(tensor('float32', [1000], new Float32Array(1000).fill(1)));
  const before = backend.dispatchCount;
  const reads = [backend.checkFinite(x), backend.checkFinite(x), backend.checkFinite(x)];
  expect(backend.dispatchCount - before).toBe(3);
  const times = await backend.readTimestamps();
  expect(times).toHaveLength(has ? 3 : 0);
  for (const ms of times) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
  // the work recorded with timestamps still ran and read back right
  expect(await Promise.all(reads.map((read) => read()))).toEqual([false, false, false]);
  expect(await backend.readTimestamps()).toEqual([]);
  backend.dispose();
});
