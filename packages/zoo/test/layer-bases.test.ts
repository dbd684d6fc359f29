import { load, save } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import { binaryConvMacs, costOf, createModel } from '../src/index.js';

const layerBases = {
  'layer1.0.conv1': { weightBases: 1, activationBases: 2 },
  'layer2.0.downsample.0': { weightBases: 3, activationBases: 1 },
};

describe('per-layer bases (layerBases)', () => {
  it('gives the named convs their own (M, N) and every other one the model default', () => {
    const graph = createModel('pa_resnet8', { weights: 'random', layerBases });
    const bases = Object.fromEntries(
      graph.nodes
        .filter((n) => n.op === 'PAConv2D')
        .map((n) => [n.name, [n.attrs.weightBases, n.attrs.activationBases]]),
    );
    expect(bases['layer1.0.conv1']).toEqual([1, 2]);
    expect(bases['layer2.0.downsample.0']).toEqual([3, 1]);
    expect(bases['layer1.0.conv2']).toEqual([4, 5]);
    // bit-planes and staircases have the layer's own M and N, and survive the file format
    const again = load(save(graph));
    expect(again.constants.get('layer1.0.conv1/weight_bits')!.shape[0]).toBe(1);
    expect(again.constants.get('layer1.0.conv1/act_thresholds')!.shape).toEqual([2]);
    expect(again.constants.get('layer2.0.downsample.0/weight_scales')!.shape).toEqual([32, 3]);
    expect(again.nodes.find((n) => n.name === 'layer1.0.conv1')!.attrs.activationBases).toBe(2);
  });

  it('costs each layer at its own bases', () => {
    const macs = binaryConvMacs(createModel('pa_resnet8', { weights: 'zeros' }));
    expect(macs['layer1.0.conv1']).toBe(28 * 28 * 16 * 9 * 16);
    const uniform = costOf(createModel('pa_resnet8', { weights: 'zeros' })).bops;
    const mixed = costOf(createModel('pa_resnet8', { weights: 'zeros', layerBases })).bops;
    expect(uniform - mixed).toBe(
      (20 - 2) * macs['layer1.0.conv1'] + (20 - 3) * macs['layer2.0.downsample.0'],
    );
  });

  it('refuses unknown or float layers, bad bases and single-binary schemes by name', () => {
    expect(() =>
      createModel('pa_resnet8', { layerBases: { 'layer9.conv': layerBases['layer1.0.conv1'] } }),
    ).toThrow(/layerBases names 'layer9.conv', not a binarized conv of pa_resnet8/);
    expect(() =>
      createModel('pa_resnet8', { layerBases: { conv1: layerBases['layer1.0.conv1'] } }),
    ).toThrow(/'conv1', not a binarized conv/);
    expect(() =>
      createModel('pa_resnet8', {
        layerBases: { 'layer1.0.conv1': { weightBases: 0, activationBases: 2 } },
      }),
    ).toThrow(/layerBases\['layer1.0.conv1'\].weightBases must be an integer from 1 to 16, got 0/);
    expect(() => createModel('xnor_resnet8', { layerBases })).toThrow(/needs scheme pa or abc/);
    expect(() => createModel('pa_resnet8', { layerBases: [] as never })).toThrow(
      /layerBases must be an object/,
    );
  });
});
