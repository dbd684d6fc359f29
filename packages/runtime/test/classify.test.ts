// The model's own preprocessing and labels (metadata), softmax and top-k: what `pabnn run` and
// the web demo both use to turn pixels into an answer.
import { readFileSync } from 'node:fs';
import '@pabnn/backend-js';
import { load, tensor } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import {
  MetadataError,
  modelLabels,
  modelPreprocess,
  normalizePixels,
  Session,
  softmax,
  topK,
} from '../src/index.js';

const model = new URL('../../../models/fashion-mnist__resnet8__pa-4x5.pabnn', import.meta.url);

describe('classification helpers', () => {
  it("read a shipped model's preprocess and labels, and classify with them", async () => {
    const graph = load(readFileSync(model));
    const p = modelPreprocess(graph.metadata, 1);
    expect(p).toEqual({ scale: 1 / 255, mean: [0.286], std: [0.353] });
    const labels = modelLabels(graph.metadata);
    expect(labels?.[9]).toBe('Ankle boot');
    const x = normalizePixels([0, 255, 51], 1, p);
    expect(Array.from(x)).toEqual(
      [0, 1, 0.2].map((v) => Math.fround((v - 0.286) / 0.353)).map((v) => expect.closeTo(v, 6)),
    );
    // a flat mid-grey image runs and gives probabilities that sum to 1
    const session = await Session.create(graph, { backend: 'js' });
    const out = await session.run({
      image: tensor(
        'float32',
        [1, 28, 28, 1],
        normalizePixels(new Uint8Array(784).fill(128), 1, p),
      ),
    });
    session.dispose();
    const logits = out[graph.outputs[0]].data;
    const all = topK(logits, 10, labels);
    expect(all.reduce((a, b) => a + b.probability, 0)).toBeCloseTo(1, 10);
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    expect(all[0]).toMatchObject({ classIndex: best, label: labels?.[best] });
  });

  it('softmax is stable for large logits; topK orders, names and cuts', () => {
    expect(Array.from(softmax([1000, 1000]))).toEqual([0.5, 0.5]);
    const p = softmax([1, 2, 3]);
    const e = [1, 2, 3].map(Math.exp);
    const t = e[0] + e[1] + e[2];
    e.forEach((v, i) => expect(p[i]).toBeCloseTo(v / t, 12));
    expect(topK([1, 3, 2], 2, ['a', 'b', 'c']).map((c) => c.label)).toEqual(['b', 'c']);
    expect(topK([0.2, 0.8], 1, undefined, { probabilities: true })).toEqual([
      { classIndex: 1, label: '1', probability: 0.8 },
    ]);
  });

  it('malformed metadata is a MetadataError, absent metadata is undefined', () => {
    expect(modelPreprocess({}, 1)).toBeUndefined();
    expect(modelLabels({})).toBeUndefined();
    for (const preprocess of [
      'unit',
      { scale: 'x' },
      { std: [0] },
      { mean: [Number.NaN] },
      { mean: [0, 0] },
      { std: 1 },
    ]) {
      expect(() => modelPreprocess({ preprocess }, 1)).toThrow(MetadataError);
    }
    expect(modelPreprocess({ preprocess: { mean: [1, 2, 3], std: [1] } }, 3)?.mean).toEqual([
      1, 2, 3,
    ]);
    expect(() => modelLabels({ labels: [1, 2] })).toThrow(MetadataError);
    expect(() => modelLabels({ labels: 'cat' })).toThrow(/metadata.labels/);
  });
});
