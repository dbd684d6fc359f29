// Large uploads go through the backend's mapped staging buffers (webgpu-backend.ts): the data
// must arrive whole, in order with the work recorded around it, whether a kept staging buffer is
// reused, a new one is made, or (all busy) queue.writeBuffer takes over.
import { tensor } from '@pabnn/ir';
import { expect, it } from 'vitest';
import { WebGpuBackend } from '../src/index.js';
import { STAGED_UPLOAD_BYTES } from '../src/webgpu-backend.js';

/** Byte-equal (toEqual on a million elements takes seconds). */
const same = (a: ArrayBufferView, b: ArrayBufferView) =>
  a.byteLength === b.byteLength &&
  Buffer.compare(
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
  ) === 0;

const floats = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.013 + seed));

it('uploads large tensors through staging buffers, reused across runs, and reads them back', async () => {
  const backend = await WebGpuBackend.create();
  const n = STAGED_UPLOAD_BYTES / 4 + 5;
  // several uploads in a row without waiting: more than the staging buffers kept
  const sent = [0, 1, 2, 3, 4].map((seed) => floats(n, seed));
  const tensors = sent.map((data) => backend.upload(tensor('float32', [n], data)));
  for (const [i, t] of tensors.entries())
    expect(same((await backend.download(t)).data, sent[i])).toBe(true);
  // into the same buffer again, once the staging buffers are mapped anew
  await backend.finish();
  const again = floats(n, 9);
  const t = backend.upload(tensor('float32', [n], again), tensors[0].buffer);
  expect(same((await backend.download(t)).data, again)).toBe(true);
  // a byte length off the 4-byte grid, and smaller than the staging buffer it reuses
  const bytes = Uint8Array.from({ length: STAGED_UPLOAD_BYTES + 3 }, (_, i) => (i * 7) & 255);
  const u = backend.upload(tensor('uint8', [bytes.length], bytes));
  expect(same((await backend.download(u)).data, bytes)).toBe(true);
  backend.dispose();
});
