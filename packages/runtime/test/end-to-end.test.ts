import '@pabnn/backend-js';
import { relativeMaxError } from '@pabnn/backend/conformance';
import { load, save } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import { Session } from '../src/index.js';
import { simulate } from './float64-simulation.js';
import { randomTensor, rng, smallPANet } from './small-pa-net.js';

describe('end to end: a small PA network', () => {
  it('saved, loaded and run on js matches a float64 simulation', async () => {
    const graph = smallPANet(7);
    const bytes = save(graph);
    // the graph as built, every BatchNorm a node (the memory-plan check below counts on its
    // intermediates; fold-batch-norm.test.ts compares the folded session with this one)
    const session = await Session.create(bytes, { backend: 'js', foldBatchNorm: false });
    const image = randomTensor(rng(3), [3, 12, 12, 3]);
    const out = await session.run({ image });
    const expected = simulate(load(bytes), { image });
    for (const name of session.outputs) {
      expect(out[name].shape).toEqual(name === 'probabilities' ? [3, 10] : [3, 10]);
      expect(relativeMaxError(out[name].data, expected[name])).toBeLessThan(1e-4);
    }
    const profile = session.profile();
    expect(profile.backend).toBe('js');
    expect(profile.nodes.map((n) => n.op)).toContain('PAConv2D');
    expect(profile.nodes.every((n) => n.backend === 'js' && n.ms >= 0)).toBe(true);
    expect(profile.fallbacks).toEqual([]);
    // buffers are reused: the plan needs less than one buffer per intermediate
    expect(profile.peakActivationBytes).toBeGreaterThan(0);
    expect(profile.peakActivationBytes).toBeLessThan(profile.unplannedActivationBytes * 0.7);
    session.dispose();
  });

  it('runs any batch size through one session (shapes re-inferred and plans cached)', async () => {
    const session = await Session.create(smallPANet(7), { backend: 'js' });
    const one = randomTensor(rng(4), [1, 12, 12, 3]);
    const three = randomTensor(rng(5), [3, 12, 12, 3]);
    three.data.set(one.data); // first image identical
    const a = await session.run({ image: one });
    const b = await session.run({ image: three });
    expect(b.probabilities.shape).toEqual([3, 10]);
    expect(
      relativeMaxError(b.probabilities.data.subarray(0, 10), a.probabilities.data),
    ).toBeLessThan(1e-6);
    expect(session.profile().runs).toBe(2);
  });
});
