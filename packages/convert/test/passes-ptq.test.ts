import { relativeMaxError } from '@pabnn/backend/conformance';
import { GraphBuilder, tensor } from '@pabnn/ir';
import { createModel } from '@pabnn/zoo';
import { describe, expect, it } from 'vitest';
import { foldBatchNorm, foldPad, quantizeGraph, simplify } from '../src/index.js';
import { randomImage, runOurs } from './onnx-helpers.js';

const feeds = { image: randomImage([2, 28, 28, 1], 21) };

describe('graph passes', () => {
  it.each(['resnet8', 'pa_resnet8'])(
    'foldBatchNorm on %s keeps the outputs and removes every BatchNorm',
    async (name) => {
      const graph = createModel(name, {
        input: 'mnist',
        weightBases: name === 'resnet8' ? undefined : 2,
        activationBases: name === 'resnet8' ? undefined : 2,
      });
      const { graph: folded, folded: count } = foldBatchNorm(graph);
      expect(count).toBe(graph.nodes.filter((n) => n.op === 'BatchNorm').length);
      expect(folded.nodes.some((n) => n.op === 'BatchNorm')).toBe(false);
      expect(graph.nodes.some((n) => n.op === 'BatchNorm')).toBe(true); // the input graph is untouched
      const [a, b] = [await runOurs(graph, feeds), await runOurs(folded, feeds)];
      expect(relativeMaxError(b.fc, a.fc)).toBeLessThan(1e-4);
    },
  );

  it('foldPad merges a zero Pad into the conv that reads it, not into a max pool', async () => {
    const g = new GraphBuilder();
    const x = g.input('image', 'float32', [-1, 28, 28, 1]);
    const conv = g.conv2d(
      g.pad(x, [3, 2, 1, 0]),
      tensor(
        'float32',
        [4, 3, 3, 1],
        Float32Array.from({ length: 36 }, (_, i) => Math.cos(i)),
      ),
      { stride: 2 },
    );
    const pooled = g.maxPool(g.pad(conv, [1, 1, 1, 1]), 3, { stride: 2 });
    g.output(pooled);
    const graph = g.build();
    const { graph: out, folded } = foldPad(graph);
    expect(folded).toBe(1);
    expect(out.nodes.map((n) => n.op)).toEqual(['Conv2D', 'Pad', 'MaxPool']);
    expect(out.nodes[0].attrs.pads).toEqual([3, 2, 1, 0]);
    const [a, b] = [await runOurs(graph, feeds), await runOurs(out, feeds)];
    expect(relativeMaxError(b[pooled], a[pooled])).toBe(0);
    expect(simplify(graph).report).toEqual({ foldedPads: 1, foldedBatchNorms: 0 });
  });
});

describe('post-training quantization', () => {
  const float = createModel('resnet8', { input: 'mnist' });

  it('turns every conv but the first into PAConv2D, data-free from BatchNorm statistics', async () => {
    const progress: string[] = [];
    const pa = await quantizeGraph(float, {
      weightBases: 2,
      activationBases: 3,
      onProgress: (d, t, l) => progress.push(`${d}/${t} ${l}`),
    });
    const convs = float.nodes.filter((n) => n.op === 'Conv2D').map((n) => n.name);
    const paNodes = pa.nodes.filter((n) => n.op === 'PAConv2D').map((n) => n.name);
    expect(paNodes).toEqual(convs.filter((c) => c !== 'conv1'));
    expect(progress.at(-1)).toBe(`${paNodes.length}/${paNodes.length} ${paNodes.at(-1)}`);
    expect(pa.metadata.quantization).toMatchObject({
      scheme: 'pa',
      weightBases: 2,
      activationBases: 3,
      calibration: 'batchnorm',
    });
    const [a, b] = [await runOurs(float, feeds), await runOurs(pa, feeds)];
    expect(b.fc).toHaveLength(a.fc.length);
    expect(b.fc.every(Number.isFinite)).toBe(true);
  });

  it('calibrates from sample inputs, keeps downsampling float on request, and supports abc and xnor', async () => {
    const data = await quantizeGraph(float, {
      calibration: { inputs: [feeds, { image: randomImage([2, 28, 28, 1], 22) }], backend: 'js' },
      binarizeDownsample: false,
    });
    expect(data.metadata.quantization).toMatchObject({ calibration: 'data' });
    expect(data.nodes.find((n) => n.name === 'layer2.0.downsample.0')?.op).toBe('Conv2D');
    for (const scheme of ['abc', 'xnor'] as const) {
      const q = await quantizeGraph(float, { scheme, weightBases: 2, activationBases: 2 });
      const bases = q.nodes.filter((n) => n.op === 'PAConv2D').map((n) => n.attrs.weightBases);
      expect(new Set(bases)).toEqual(new Set([scheme === 'xnor' ? 1 : 2]));
    }
  });

  it('says what is missing when data-free calibration has no BatchNorm to read', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1, 4, 4, 2]);
    const w = tensor('float32', [2, 1, 1, 2], [1, 2, 3, 4]);
    g.output(g.conv2d(g.relu(g.conv2d(x, w, { name: 'first' })), w, { name: 'second' }));
    await expect(quantizeGraph(g.build())).rejects.toThrow(
      /cannot calibrate the input of 'second' without data: .* comes from Conv2D 'first'/,
    );
  });
});
