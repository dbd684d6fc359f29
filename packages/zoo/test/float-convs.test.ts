import { type Graph, load, save } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import { costOf, createModel } from '../src/index.js';

const nodeOf = (g: Graph, name: string) => {
  const node = g.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node '${name}'`);
  return node;
};
/** The op of the node that produces a conv's input. */
const inputOpOf = (g: Graph, conv: string) => {
  const input = nodeOf(g, conv).inputs[0];
  return g.nodes.find((n) => n.outputs.includes(input))?.op;
};

describe('convs kept float by name (floatConvs)', () => {
  const floatConvs = ['layer1.0.conv1', 'layer1.0.conv2', 'layer2.0.downsample.0'];

  it('keeps the named convs float with the ReLU of the float net in front of them', () => {
    const graph = load(save(createModel('pa_resnet8', { weights: 'random', floatConvs })));
    for (const name of floatConvs) expect(nodeOf(graph, name).op).toBe('Conv2D');
    expect(nodeOf(graph, 'layer2.0.conv1').op).toBe('PAConv2D');
    expect(nodeOf(graph, 'layer3.0.downsample.0').op).toBe('PAConv2D');
    // main-path float convs read a ReLU; binarized ones read the BN or Add output directly
    expect(inputOpOf(graph, 'layer1.0.conv1')).toBe('Relu');
    expect(inputOpOf(graph, 'layer1.0.conv2')).toBe('Relu');
    expect(inputOpOf(graph, 'layer2.0.conv1')).toBe('Add');
    // a shortcut reads the block input as the main path's conv does, float or binarized
    expect(nodeOf(graph, 'layer2.0.downsample.0').inputs[0]).toBe(
      nodeOf(graph, 'layer2.0.conv1').inputs[0],
    );
    // float weights are stored as floats, the rest as bit-planes
    expect(graph.constants.get('layer1.0.conv1/weight')!.shape).toEqual([16, 3, 3, 16]);
    expect(graph.constants.has('layer1.0.conv1/weight_bits')).toBe(false);
  });

  it('leaves the graph of a model without floatConvs as it was', () => {
    const plain = createModel('pa_resnet8', { weights: 'zeros' });
    const empty = createModel('pa_resnet8', { weights: 'zeros', floatConvs: [] });
    expect(empty.nodes.map((n) => [n.op, n.inputs])).toEqual(
      plain.nodes.map((n) => [n.op, n.inputs]),
    );
    // the only ReLU of a binarized ResNet-8 is the classifier's
    expect(plain.nodes.filter((n) => n.op === 'Relu')).toHaveLength(1);
  });

  it('takes the float convs out of the binary operation count', () => {
    const plain = costOf(createModel('pa_resnet8', { weights: 'zeros' }));
    const kept = costOf(createModel('pa_resnet8', { weights: 'zeros', floatConvs }));
    expect(kept.bops).toBeLessThan(plain.bops);
    expect(kept.flops).toBeGreaterThan(plain.flops);
  });

  it('refuses names it cannot keep float, and a conv that is both float and given bases', () => {
    expect(() => createModel('pa_resnet8', { floatConvs: ['layer9.conv'] })).toThrow(
      /floatConvs names 'layer9.conv'/,
    );
    // the stem is float already
    expect(() => createModel('pa_resnet8', { floatConvs: ['conv1'] })).toThrow(
      /floatConvs names 'conv1'/,
    );
    expect(() =>
      createModel('pa_resnet8', {
        floatConvs: ['layer1.0.conv1'],
        layerBases: { 'layer1.0.conv1': { weightBases: 2, activationBases: 2 } },
      }),
    ).toThrow(/'layer1.0.conv1' in both floatConvs and layerBases/);
    expect(() => createModel('resnet8', { floatConvs: ['layer1.0.conv1'] } as never)).toThrow(
      /floatConvs needs a binarized scheme/,
    );
    // DenseNet's convs follow a ReLU the family drops by role: not supported, said by name
    expect(() =>
      createModel('pa_densenet121', {
        weights: 'zeros',
        input: 'mnist',
        floatConvs: ['features.denseblock1.denselayer1.conv1'],
      }),
    ).toThrow(/ResNet convs only/);
    expect(() => createModel('pa_resnet8', { floatConvs: 'layer1.0.conv1' as never })).toThrow(
      /floatConvs must be an array of conv names/,
    );
  });
});
