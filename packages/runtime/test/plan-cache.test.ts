import {
  BACKEND_API_VERSION,
  type BackendBuffer,
  registerBackend,
  unregisterBackend,
} from '@pabnn/backend';
import { JsBackend } from '@pabnn/backend-js';
import { GraphBuilder, tensor } from '@pabnn/ir';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CACHED_PLANS, Session } from '../src/index.js';

/** The js backend, counting the buffers it holds: what a leak of evicted plans would show. */
class CountingJs extends JsBackend {
  live = new Set<BackendBuffer>();
  override alloc(byteLength: number): BackendBuffer {
    const buffer = super.alloc(byteLength);
    this.live.add(buffer);
    return buffer;
  }
  override free(buffer: BackendBuffer): void {
    this.live.delete(buffer);
    super.free(buffer);
  }
}

let created: CountingJs | undefined;
registerBackend({
  name: 'counting-js',
  apiVersion: BACKEND_API_VERSION,
  priority: 0,
  isSupported: () => true,
  create: () => {
    created = Object.assign(new CountingJs(), { name: 'counting-js' });
    return created;
  },
});
afterAll(() => unregisterBackend('counting-js'));

/** Two layers over 16 features, any batch size: every batch size is a new plan. */
function model() {
  const g = new GraphBuilder('mlp');
  const x = g.input('x', 'float32', [-1, 16]);
  const w = tensor('float32', [16, 16], new Float32Array(256).fill(0.1));
  g.output(g.relu(g.dense(g.relu(g.dense(x, w)), w)));
  return g.build();
}
const feed = (batch: number) => ({
  x: tensor('float32', [batch, 16], new Float32Array(batch * 16)),
});

describe('plan cache', () => {
  it('keeps at most maxCachedPlans plans, evicting and freeing the least recently used', async () => {
    const session = await Session.create(model(), { backend: 'counting-js' });
    const run = (batch: number) => session.run(feed(batch));
    await run(1);
    const perPlan = created!.live.size;
    for (let batch = 1; batch <= 30; batch++) await run(batch);
    expect(session.profile().cachedPlans).toBe(DEFAULT_MAX_CACHED_PLANS);
    const held = created!.live.size;
    // the 8 cached plans' slots and buffers that are not plans (constants, the kept input)
    for (let batch = 31; batch <= 40; batch++) await run(batch);
    expect(created!.live.size).toBe(held);
    expect(held).toBeLessThan(perPlan * (DEFAULT_MAX_CACHED_PLANS + 2));
    session.dispose();
  });

  it('keeps the plan used last and takes a size', async () => {
    const session = await Session.create(model(), {
      backend: 'counting-js',
      maxCachedPlans: 2,
    });
    const run = (batch: number) => session.run(feed(batch));
    await run(1);
    await run(2);
    await run(1); // 1 is now the most recent: 3 evicts 2
    const before = created!.live.size;
    await run(3);
    expect(created!.live.size).toBe(before); // plan 2's buffers freed, plan 3's allocated
    const snapshot = new Set(created!.live);
    await run(1); // still cached: not one new buffer
    expect(new Set(created!.live)).toEqual(snapshot);
    expect(session.profile().cachedPlans).toBe(2);
    await expect(
      Session.create(model(), { backend: 'counting-js', maxCachedPlans: 0 }),
    ).rejects.toThrow(/maxCachedPlans must be an integer >= 1, got 0/);
  });
});
