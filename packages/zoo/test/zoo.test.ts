import { validateGraph } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import { costOf, createModel, listModels, modelInfo } from '../src/index.js';

describe('model registry', () => {
  it('lists models by glob, one per family and scheme', () => {
    expect(listModels('*resnet18')).toEqual([
      'abc_resnet18',
      'pa_resnet18',
      'resnet18',
      'xnor_resnet18',
    ]);
    expect(listModels('pa_*')).toEqual([
      'pa_densenet121',
      'pa_mobilenet_v1',
      'pa_mobilenet_v2',
      'pa_resnet18',
      'pa_resnet34',
      'pa_resnet50',
      'pa_resnet8',
    ]);
    expect(modelInfo('pa_densenet121').family).toBe('densenet');
    expect(() => createModel('pa_resnet19')).toThrow(/no model named 'pa_resnet19'/);
  });

  it.each(listModels())('%s builds valid IR on ImageNet and small inputs', (name) => {
    const small = name.includes('resnet8');
    const inputs = small
      ? (['mnist', 'cifar'] as const)
      : (['imagenet', 'mnist', 'cifar'] as const);
    for (const input of inputs) {
      const graph = createModel(name, {
        input,
        weights: input === 'imagenet' ? 'zeros' : 'random',
      });
      const { values } = validateGraph(graph);
      const classes = input === 'imagenet' ? 1000 : 10;
      expect(values.get(graph.outputs[0])?.shape).toEqual([-1, classes]);
      const hasPA = graph.nodes.some((n) => n.op === 'PAConv2D');
      expect(hasPA).toBe(
        !name.startsWith('resnet') && !name.startsWith('densenet') && !name.startsWith('mobilenet'),
      );
    }
  });
});

describe('scheme options', () => {
  const ops = (name: string, options = {}) =>
    createModel(name, { weights: 'zeros', ...options }).nodes.map((n) => n.op);
  const paNodes = (name: string, options = {}) =>
    createModel(name, { weights: 'zeros', ...options })
      .nodes.filter((n) => n.op === 'PAConv2D')
      .map((n) => n.name);

  it('PA binarizes the 1x1 downsampling convs, XNOR keeps them float; first conv and classifier stay float', () => {
    expect(paNodes('pa_resnet18')).toContain('layer2.0.downsample.0');
    expect(paNodes('xnor_resnet18')).not.toContain('layer2.0.downsample.0');
    expect(paNodes('pa_resnet18')).not.toContain('conv1');
    expect(paNodes('pa_resnet18', { binarizeFirstLast: true })).toContain('conv1');
    expect(paNodes('pa_resnet18', { binarizeDownsample: false })).not.toContain(
      'layer2.0.downsample.0',
    );
    expect(ops('pa_resnet18').filter((o) => o === 'PAConv2D')).toHaveLength(19);
  });

  it('carries M and N into every PA conv, and xnor is 1 x 1', () => {
    const graph = createModel('pa_resnet18', {
      weights: 'zeros',
      weightBases: 2,
      activationBases: 3,
    });
    const pa = graph.nodes.filter((n) => n.op === 'PAConv2D');
    expect(pa.every((n) => n.attrs.weightBases === 2 && n.attrs.activationBases === 3)).toBe(true);
    const x = createModel('xnor_resnet18', { weights: 'zeros' }).nodes.filter(
      (n) => n.op === 'PAConv2D',
    );
    expect(x.every((n) => n.attrs.weightBases === 1 && n.attrs.activationBases === 1)).toBe(true);
    expect(() => createModel('xnor_resnet18', { weightBases: 2 })).toThrow(/single-binary/);
    expect(() => createModel('pa_resnet18', { weightBases: 0 })).toThrow(
      /weightBases must be an integer from 1 to 16/,
    );
    expect(() => createModel('pa_resnet18', { scheme: 'ternary' as never })).toThrow(
      /unknown scheme 'ternary'/,
    );
  });

  it('MobileNets binarize pointwise, depthwise or both', () => {
    const groupsOf = (options: object) =>
      createModel('pa_mobilenet_v1', { weights: 'zeros', ...options })
        .nodes.filter((n) => n.op === 'PAConv2D')
        .map((n) => (n.attrs.groups as number) ?? 1);
    expect(groupsOf({}).every((g) => g === 1)).toBe(true);
    expect(groupsOf({ mobilenetBinarize: 'depthwise' }).every((g) => g > 1)).toBe(true);
    expect(groupsOf({ mobilenetBinarize: 'both' })).toHaveLength(26);
  });

  it('quantizes supplied float weights and checks their size', () => {
    const conv = new Float32Array(16 * 3 * 3 * 16).map((_, i) => Math.sin(i));
    const graph = createModel('pa_resnet8', {
      weights: { 'layer1.0.conv1/weight': conv },
      weightBases: 2,
    });
    const scales = graph.constants.get('layer1.0.conv1/weight_scales')!;
    expect(Math.max(...scales.data)).toBeGreaterThan(0.1); // fitted to sin values, not random init
    expect(() =>
      createModel('resnet8', { weights: { 'conv1/weight': new Float32Array(3) } }),
    ).toThrow(/weight 'conv1\/weight' must have 144 values \(shape \[16, 3, 3, 1\]\), got 3/);
  });
});

describe('cost model', () => {
  it('reproduces the published float sizes and FLOPs', () => {
    const r18 = costOf(createModel('resnet18', { weights: 'zeros' }));
    expect(r18.params).toBe(11_689_512); // torchvision
    expect(r18.flops / 1e9).toBeCloseTo(1.81, 2);
    expect(r18.memoryMbit).toBeCloseTo(374.1, 1); // Bi-Real Net table
    const r50 = costOf(createModel('resnet50', { weights: 'zeros' }));
    expect(r50.params).toBe(25_557_032);
    expect(r50.flops / 1e9).toBeCloseTo(4.09, 2);
    expect(costOf(createModel('mobilenet_v1', { weights: 'zeros' })).flops / 1e6).toBeCloseTo(
      569,
      -1,
    );
  });

  it('counts M * N binary MACs per PA MAC and OPs = FLOPs + BOPs / 64', () => {
    const one = costOf(
      createModel('pa_resnet18', { weights: 'zeros', weightBases: 1, activationBases: 1 }),
    );
    const twenty = costOf(
      createModel('pa_resnet18', { weights: 'zeros', weightBases: 4, activationBases: 5 }),
    );
    expect(twenty.bops).toBe(20 * one.bops);
    expect(twenty.ops).toBeCloseTo(twenty.flops + twenty.bops / 64, 0);
    expect(twenty.params).toBe(one.params);
    expect(twenty.binaryParams).toBe(one.binaryParams);
  });
});

describe('supplied activation staircases (what @pabnn/train exports)', () => {
  it('replace the data-free staircase of the named layer only', () => {
    const weights = {
      'layer1.0.conv1/act_thresholds': Float32Array.of(-0.5, 0.5),
      'layer1.0.conv1/act_levels': Float32Array.of(-1, 0, 1.5),
    };
    const g = createModel('pa_resnet8', { weightBases: 2, activationBases: 2, weights });
    expect(Array.from(g.constants.get('layer1.0.conv1/act_levels')?.data ?? [])).toEqual([
      -1, 0, 1.5,
    ]);
    expect(Array.from(g.constants.get('layer1.0.conv2/act_levels')?.data ?? [])).not.toEqual([
      -1, 0, 1.5,
    ]);
  });
  it('must have N thresholds and N + 1 levels', () => {
    expect(() =>
      createModel('pa_resnet8', {
        weightBases: 2,
        activationBases: 2,
        weights: { 'layer1.0.conv1/act_thresholds': Float32Array.of(0) },
      }),
    ).toThrow(/activation staircase of 'layer1.0.conv1' needs 2 thresholds and 3 levels/);
  });
});
