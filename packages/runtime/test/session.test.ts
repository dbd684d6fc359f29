import {
  BACKEND_API_VERSION,
  type BackendPlugin,
  registerBackend,
  unregisterBackend,
} from '@pabnn/backend';
import { JsBackend } from '@pabnn/backend-js';
import { GraphBuilder, registerOp, tensor } from '@pabnn/ir';
import { afterEach, describe, expect, it } from 'vitest';
import { Session, SessionError } from '../src/index.js';
import { randomTensor, rng, smallPANet } from './small-pa-net.js';

/** A real backend that declares only some ops: the js kernels behind a narrower op list. */
function partialPlugin(
  name: string,
  ops: string[],
  priority = 50,
  extra: Partial<BackendPlugin> = {},
): BackendPlugin {
  return {
    name,
    apiVersion: BACKEND_API_VERSION,
    priority,
    isSupported: () => true,
    create: () => Object.assign(new JsBackend(), { name, ops }),
    ...extra,
  };
}

const registered: string[] = [];
function register(plugin: BackendPlugin) {
  registerBackend(plugin);
  registered.push(plugin.name);
}
afterEach(() => {
  for (const name of registered.splice(0)) unregisterBackend(name);
});

const image = () => randomTensor(rng(9), [2, 12, 12, 3]);

async function reference() {
  const session = await Session.create(smallPANet(3), { backend: 'js' });
  return session.run({ image: image() });
}

describe('backend selection and fallback', () => {
  it('picks the highest-priority backend and reports every fallback to js', async () => {
    register(partialPlugin('relu-only', ['Relu', 'Add']));
    const session = await Session.create(smallPANet(3));
    const out = await session.run({ image: image() });
    expect(out.probabilities.data).toEqual((await reference()).probabilities.data);
    const profile = session.profile();
    expect(profile.backend).toBe('relu-only');
    expect(profile.fallbacks.map((f) => f.op)).toContain('PAConv2D');
    expect(profile.fallbacks.every((f) => f.from === 'relu-only' && f.to === 'js')).toBe(true);
    expect(new Set(profile.nodes.map((n) => n.backend))).toEqual(new Set(['relu-only', 'js']));
  });

  it('warns and falls back when a backend fails to start; errors when fallback is off', async () => {
    register(
      partialPlugin('broken', ['Relu'], 60, {
        create: () => {
          throw new Error('no adapter');
        },
      }),
    );
    const warnings: string[] = [];
    const session = await Session.create(smallPANet(3), { onWarning: (m) => warnings.push(m) });
    expect(session.profile().backend).toBe('js');
    expect(warnings.join()).toMatch(
      /backend 'broken' failed to start: no adapter; trying the next backend/,
    );
    await expect(
      Session.create(smallPANet(3), { backend: 'broken', fallback: false }),
    ).rejects.toThrow(/backend 'broken' failed to start: no adapter/);
  });

  it('skips unsupported backends and names unknown ones', async () => {
    register(partialPlugin('absent', ['Relu'], 70, { isSupported: () => false }));
    const warnings: string[] = [];
    const session = await Session.create(smallPANet(3), {
      backend: ['absent', 'js'],
      onWarning: (m) => warnings.push(m),
    });
    expect(session.profile().backend).toBe('js');
    expect(warnings[0]).toMatch(/backend 'absent' is not supported here/);
    await expect(Session.create(smallPANet(3), { backend: 'webgpu' })).rejects.toThrow(
      /no backend named 'webgpu' is registered/,
    );
  });

  it('names ops that no registered backend implements', async () => {
    registerOp({
      type: 'TestSwish',
      doc: 'x * sigmoid(x), registered by this test only',
      inputs: [{ name: 'x', doc: 'any' }],
      numOutputs: 1,
      attrs: {},
      inferShapes: ([x]) => [x!],
    });
    const g = new GraphBuilder();
    const y = g.node('TestSwish', [g.input('x', 'float32', [1, 4])], {}, 'swish1');
    g.output(g.relu(y));
    await expect(Session.create(g.build(), { backend: 'js' })).rejects.toThrow(
      /no registered backend implements TestSwish \(nodes: swish1\)/,
    );
  });
});

describe('run() input checks', () => {
  it('names the input and what is wrong with it', async () => {
    const session = await Session.create(smallPANet(3, 2), { backend: 'js' });
    const good = image();
    await expect(session.run({ img: good } as never)).rejects.toThrow(
      /unknown input 'img' \(the model's inputs: image float32 \[2, 12, 12, 3\]\)/,
    );
    await expect(session.run({})).rejects.toThrow(/missing input 'image'/);
    await expect(session.run({ image: tensor('int32', [2, 12, 12, 3]) })).rejects.toThrow(
      /input 'image' must be float32, got int32/,
    );
    await expect(session.run({ image: randomTensor(rng(1), [2, 12, 12, 1]) })).rejects.toThrow(
      /must have shape \[2, 12, 12, 3\], got \[2, 12, 12, 1\]/,
    );
    await expect(session.run({ image: { ...good, data: good.data.subarray(1) } })).rejects.toThrow(
      /needs 864 values, got 863/,
    );
    const nan = image();
    nan.data[5] = Number.NaN;
    await expect(session.run({ image: nan })).rejects.toThrow(
      /input 'image' contains NaN at index 5/,
    );
    const inf = image();
    inf.data[863] = Number.NEGATIVE_INFINITY; // the last element (the fast check sums in fours)
    await expect(session.run({ image: inf })).rejects.toThrow(
      /input 'image' contains -Infinity at index 863/,
    );
    const tolerant = await Session.create(smallPANet(3, 2), {
      backend: 'js',
      allowNonFinite: true,
    });
    expect((await tolerant.run({ image: nan })).probabilities.shape).toEqual([2, 10]);
    // a failed run does not break the session
    expect((await session.run({ image: good })).probabilities.shape).toEqual([2, 10]);
    session.dispose();
    await expect(session.run({ image: good })).rejects.toThrow(SessionError);
  });

  it('rejects a typed array of another kind than the input dtype', async () => {
    const session = await Session.create(smallPANet(3, 2), { backend: 'js' });
    const { shape, data } = image();
    await expect(
      session.run({ image: { dtype: 'float32', shape, data: Float64Array.from(data) as never } }),
    ).rejects.toThrow(/input 'image' is float32 and takes a Float32Array, got Float64Array/);
    await expect(
      session.run({ image: { dtype: 'float32', shape, data: new Int32Array(data.length) } }),
    ).rejects.toThrow(/takes a Float32Array, got Int32Array/);
    await expect(
      session.run({ image: { dtype: 'float32', shape, data: Array.from(data) as never } }),
    ).rejects.toThrow(/takes a Float32Array, got Array/);
  });

  it('checks the values of a graph given in memory as load() checks a file', async () => {
    const graph = smallPANet(3, 2);
    const pa = graph.nodes.find((n) => n.op === 'PAConv2D')!;
    const thresholds = graph.constants.get(pa.inputs[4])!;
    (thresholds.data as Float32Array).reverse();
    await expect(Session.create(graph, { backend: 'js' })).rejects.toMatchObject({
      name: 'GraphValidationError',
      code: 'value',
      message: expect.stringMatching(/actThresholds.*not ascending/),
    });
  });

  it('rejects a corrupt model file with the loader error', async () => {
    const bytes = new Uint8Array(100);
    await expect(Session.create(bytes)).rejects.toThrow(/not a .pabnn file/);
  });
});

describe('concurrency', () => {
  it('queues concurrent runs on one session and keeps two sessions independent', async () => {
    const graph = smallPANet(3);
    const inputs = [1, 2, 3, 4].map((s) => randomTensor(rng(s), [1, 12, 12, 3]));
    const sequential = await Session.create(graph, { backend: 'js' });
    const expected: ArrayLike<number>[] = [];
    for (const x of inputs) expected.push((await sequential.run({ image: x })).probabilities.data);
    const a = await Session.create(graph, { backend: 'js' });
    const b = await Session.create(graph, { backend: 'js' });
    const results = await Promise.all(
      inputs.flatMap((x) => [a.run({ image: x }), b.run({ image: x })]),
    );
    results.forEach((r, i) => expect(r.probabilities.data).toEqual(expected[Math.floor(i / 2)]));
  });
});
