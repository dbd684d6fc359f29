// A prepared PAConv2D keeps its parameter blocks while a run uses the same buffers and shape
// (pa-conv2d.ts paramsFor): runs on other input or output buffers, or another batch, must still
// read their own buffers, as a freshly prepared node does.
import { getOpSchema, resolveAttrs, type Tensor, tensor } from '@pabnn/ir';
import { calibrateFromBatchNorm, quantizeWeights } from '@pabnn/quantizer';
import { expect, it } from 'vitest';
import { WasmBackend } from '../src/index.js';

const c = 16;
const q = quantizeWeights(
  Float32Array.from({ length: c * 9 * c }, (_, i) => Math.sin(i * 0.7)),
  [c, 3, 3, c],
  { name: 'pa', bases: 2, strategy: 'quantile' },
);
const act = calibrateFromBatchNorm(
  { gamma: new Array(c).fill(1), beta: new Array(c).fill(0) },
  { name: 'pa', bases: 3 },
);
const attrs = resolveAttrs(getOpSchema('PAConv2D')!, {
  weightBases: 2,
  activationBases: 3,
  pads: [1, 1, 1, 1],
});
const image = (batch: number, seed: number) =>
  tensor(
    'float32',
    [batch, 6, 6, c],
    Float32Array.from({ length: batch * 36 * c }, (_, i) => Math.cos(i * 0.37 + seed)),
  );

function prepare(backend: WasmBackend, batch: number) {
  const params = [q.bits, q.scales, q.offset, act.thresholds, act.levels];
  const x = image(batch, 0);
  const info = (t: Tensor) => ({ dtype: t.dtype, shape: [...t.shape] });
  return backend.prepare(
    {
      name: 'pa',
      op: 'PAConv2D',
      attrs,
      inputs: [x, ...params].map(info) as never,
      outputs: [{ dtype: 'float32', shape: [batch, 6, 6, c] }],
    },
    [undefined, ...params],
  );
}

function run(backend: WasmBackend, prepared: unknown, x: ReturnType<typeof image>) {
  const input = backend.upload(x);
  const out = {
    dtype: 'float32' as const,
    shape: x.shape,
    buffer: backend.alloc(x.data.byteLength),
  };
  backend.run(prepared, [input], [out]);
  return Array.from(backend.download(out).data as Float32Array);
}

it('reads each run its own buffers and batch, as a fresh node does', async () => {
  const backend = await WasmBackend.create({ threads: 1 });
  const kept = prepare(backend, 1);
  const first = run(backend, kept, image(1, 0));
  const second = run(backend, kept, image(1, 5)); // new input and output buffers
  const batched = run(backend, kept, image(2, 9)); // another batch
  expect(second).not.toEqual(first);
  expect(second).toEqual(run(backend, prepare(backend, 1), image(1, 5)));
  expect(batched).toEqual(run(backend, prepare(backend, 2), image(2, 9)));
  backend.dispose();
});
