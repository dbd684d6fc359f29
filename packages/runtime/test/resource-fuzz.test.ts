// Structure-aware fuzzing of what a loaded model asks a run to allocate: a small graph gets
// hostile window attributes (pads, strides, dilations), weight shapes and input sizes, is
// saved, loaded and run on js under a 64 MiB activation limit. Each case must run or end in a
// typed PabnnError (a LimitError for the bombs), within a time bound, with the heap bounded.
// Seeded: a failing case replays from its number.
import '@pabnn/backend-js';
import { pick, rng } from '@pabnn/config/fuzz';
import { GraphBuilder, PabnnError, save, tensor } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import { Session } from '../src/index.js';

const CASES = 150;
const LIMIT = 64 * 2 ** 20;
type Random = () => number;

function hostileModel(r: Random): {
  bytes: Uint8Array;
  batch: number;
  size: number;
  about: string;
} {
  const size = pick(r, [1, 4, 9, 33]);
  const cout = pick(r, [1, 8, 64, 512]);
  const k = pick(r, [1, 3, 7, 40]);
  const g = new GraphBuilder('hostile');
  const x = g.input('x', 'float32', [-1, size, size, 2]);
  const w = tensor('float32', [cout, k, k, 2], new Float32Array(cout * k * k * 2).fill(0.01));
  const pad = pick(r, [0, 1, 100, 2000, 40_000]);
  const stride = pick(r, [1, 2, 1000]);
  const dilation = pick(r, [1, 2, 500]);
  let y = g.conv2d(x, w, {
    padding: [pad, pick(r, [0, pad]), pad, pick(r, [0, pad])],
    stride: [stride, pick(r, [1, stride])],
    dilation: [dilation, 1],
  });
  if (r() < 0.5) y = g.maxPool(y, pick(r, [1, 2, 3]), { stride: 1, padding: pick(r, [0, 1, 500]) });
  g.output(g.relu(y));
  const batch = pick(r, [1, 3, 64]);
  const graph = g.build();
  const about = JSON.stringify({ batch, size, cout, k, attrs: graph.nodes.map((n) => n.attrs) });
  return { bytes: save(graph), batch, size, about };
}

describe('resource fuzzing', () => {
  it(`${CASES} small models with hostile windows and sizes: run or typed error, bounded`, async () => {
    const r = rng(20261207);
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    let slowest = 0;
    let peakHeap = 0;
    for (let i = 0; i < CASES; i++) {
      let model: ReturnType<typeof hostileModel>;
      try {
        model = hostileModel(r);
      } catch (error) {
        if (!(error instanceof PabnnError)) throw error;
        count(`build: ${error.code}`);
        continue;
      }
      const started = performance.now();
      let session: Session | undefined;
      try {
        session = await Session.create(model.bytes, {
          backend: 'js',
          limits: { maxActivationBytes: LIMIT },
        });
        const { batch, size } = model;
        const n = batch * size * size * 2;
        await session.run({ x: tensor('float32', [batch, size, size, 2], new Float32Array(n)) });
        count('ran');
      } catch (error) {
        if (!(error instanceof PabnnError)) {
          throw new Error(`case ${i} (${model.about}): untyped ${String(error)}`, { cause: error });
        }
        count(`${error.name}: ${(error as { limit?: string }).limit ?? error.code}`);
      } finally {
        session?.dispose();
      }
      slowest = Math.max(slowest, performance.now() - started);
      peakHeap = Math.max(
        peakHeap,
        process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers,
      );
    }
    console.log(
      `resource fuzz: ${CASES} cases, slowest ${slowest.toFixed(0)} ms, peak heap + buffers ${(peakHeap / 2 ** 20).toFixed(0)} MiB`,
      Object.fromEntries([...outcomes].sort()),
    );
    expect(outcomes.get('LimitError: maxActivationBytes') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('ran') ?? 0).toBeGreaterThan(0);
    expect(peakHeap).toBeLessThan(1024 * 2 ** 20);
    expect(slowest).toBeLessThan(10_000);
  }, 300_000);
});
