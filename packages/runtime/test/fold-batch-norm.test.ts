import '@pabnn/backend-js';
import { relativeMaxError } from '@pabnn/backend/conformance';
import { GraphBuilder } from '@pabnn/ir';
import { calibrateFromBatchNorm, quantizeWeights } from '@pabnn/quantizer';
import { describe, expect, it } from 'vitest';
import { foldBatchNorm } from '../src/fold-batch-norm.js';
import { Session } from '../src/index.js';
import { randomTensor, rng, smallPANet } from './small-pa-net.js';

describe('foldBatchNorm', () => {
  it('folds every BatchNorm after a conv of the small PA net, same outputs, graph untouched', async () => {
    const graph = smallPANet(11);
    const [nodes, constants] = [graph.nodes.length, graph.constants.size];
    const folded = await Session.create(graph, { backend: 'js' });
    const plain = await Session.create(graph, { backend: 'js', foldBatchNorm: false });
    const image = randomTensor(rng(12), [2, 12, 12, 3]);
    const [a, b] = [await folded.run({ image }), await plain.run({ image })];
    for (const name of folded.outputs)
      expect(relativeMaxError(a[name].data, b[name].data)).toBeLessThan(1e-5);
    const ops = (s: Session) => s.profile().nodes.map((n) => n.op);
    expect(ops(plain).filter((op) => op === 'BatchNorm')).toHaveLength(4);
    expect(ops(folded)).not.toContain('BatchNorm');
    expect(ops(folded)).toHaveLength(ops(plain).length - 4);
    expect([graph.nodes.length, graph.constants.size]).toEqual([nodes, constants]);
  });

  it('leaves a BatchNorm after an activation, or after a conv output read elsewhere', () => {
    const r = rng(5);
    const g = new GraphBuilder('not-foldable');
    const x = g.input('x', 'float32', [1, 6, 6, 8]);
    const bn = (v: string) =>
      g.batchNorm(v, {
        gamma: randomTensor(r, [8], 0.5, 1.5),
        beta: randomTensor(r, [8]),
        mean: randomTensor(r, [8]),
        variance: randomTensor(r, [8], 0.5, 1.5),
      });
    const q = quantizeWeights(randomTensor(r, [8, 3, 3, 8]).data, [8, 3, 3, 8], {
      name: 'pa',
      bases: 2,
    });
    const act = calibrateFromBatchNorm(
      { gamma: new Array(8).fill(1), beta: new Array(8).fill(0) },
      { name: 'pa', bases: 2 },
    );
    const params = {
      weightBits: q.bits,
      weightScales: q.scales,
      weightOffset: q.offset,
      actThresholds: act.thresholds,
      actLevels: act.levels,
    };
    const attrs = { weightBases: 2, activationBases: 2, padding: 1 };
    const relu = bn(g.paConv2d(x, params, { ...attrs, activation: 'relu' }));
    const shared = g.paConv2d(relu, params, attrs);
    g.output(g.add(bn(shared), shared));
    const graph = g.build();
    expect(foldBatchNorm(graph)).toBe(graph);
  });
});
