import { useDevice } from '@pabnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCounters } from '../src/benchmarks/train-speed/counters.js';
import { parseModel } from '../src/benchmarks/train-speed/train-speed.js';

beforeAll(async () => {
  await useDevice('cpu');
});

describe('train-speed', () => {
  it('counts the kernels and read-backs between start and take, and restores the engine', async () => {
    const a = tf.tensor1d([1, 2, 3]);
    const counters = installCounters();
    try {
      tf.add(a, a).dispose(); // before start: not counted
      counters.start();
      const b = tf.mul(tf.add(a, a), a);
      await b.data();
      b.dataSync();
      const counts = counters.take();
      expect(counts.kernels).toBe(2);
      expect(counts.readBacks).toBe(2);
      expect(Object.fromEntries(counts.byKernel)).toEqual({ Add: 1, Multiply: 1 });
    } finally {
      counters.restore();
    }
    const engine = tf.engine() as unknown as Record<string, unknown>;
    expect(Object.hasOwn(engine, 'read')).toBe(false);
    a.dispose();
  });

  it('reads model labels as the accuracy table names them', () => {
    expect(parseModel('pa-4x5')).toEqual({ label: 'pa-4x5', scheme: 'pa', M: 4, N: 5 });
    expect(parseModel('float').scheme).toBe('float');
    expect(() => parseModel('pa4x5')).toThrow(/unknown model/);
  });
});
