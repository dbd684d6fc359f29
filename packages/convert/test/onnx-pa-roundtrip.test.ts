// PA, ABC and XNOR graphs of the zoo through ONNX and back (PA-ONNX.md): importOnnx must
// recognize the interchange pattern exportOnnx writes and restore each PAConv2D, with the same
// node kinds, its parameters, and the same outputs on js and wasm (conformance tolerance).
import { relativeMaxError } from '@pabnn/backend/conformance';
import { type Graph, validateGraph } from '@pabnn/ir';
import { createModel, type ZooOptions } from '@pabnn/zoo';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index.js';
import { randomImage } from './onnx-helpers.js';
import { opCounts, paNodes, paParams, runOn } from './pa-onnx-helpers.js';

const FAMILIES = ['resnet8', 'densenet121', 'mobilenet_v1'];
const SCHEMES = ['pa', 'abc', 'xnor'];
/** Every scheme of every family, then variants: PA on the graph input, PA depthwise convs. */
const MODELS: [string, ZooOptions][] = [
  ...SCHEMES.flatMap((s) => FAMILIES.map((f): [string, ZooOptions] => [`${s}_${f}`, {}])),
  ['pa_resnet18', { binarizeFirstLast: true }],
  ['pa_mobilenet_v1', { mobilenetBinarize: 'both' }],
  ['pa_mobilenet_v2', {}],
  // per-layer bases: every PAConv2D keeps its own (M, N) through the interchange pattern
  [
    'pa_resnet8',
    {
      layerBases: {
        'layer1.0.conv1': { weightBases: 1, activationBases: 4 },
        'layer2.0.downsample.0': { weightBases: 3, activationBases: 1 },
      },
    },
  ],
];

function zoo(name: string, options: ZooOptions): Graph {
  const single = name.startsWith('xnor');
  return createModel(name, {
    input: 'cifar',
    weightBases: single ? undefined : 2,
    activationBases: single ? undefined : 3,
    ...options,
  });
}

async function expectSameOutputs(a: Graph, b: Graph) {
  const feeds = { image: randomImage([1, 32, 32, 3], 7) };
  for (const backend of ['js', 'wasm']) {
    const [x, y] = [await runOn(a, backend, feeds), await runOn(b, backend, feeds)];
    for (const name of a.outputs)
      expect(relativeMaxError(y[name], x[name]), `${backend} ${name}`).toBeLessThan(1e-4);
  }
}

describe('importOnnx(exportOnnx(g)) restores PAConv2D', () => {
  it.each(MODELS)('%s %o: same node kinds, parameters and outputs', async (name, options) => {
    const graph = zoo(name, options);
    const back = importOnnx(exportOnnx(graph));
    expect(opCounts(back)).toEqual(opCounts(graph));
    expect(paNodes(graph).length).toBeGreaterThan(0);
    const [attrsA, attrsB] = [graph, back].map(
      (g) => new Map(validateGraph(g).order.map(({ node, attrs }) => [node.name, attrs])),
    );
    for (const node of paNodes(graph)) {
      const twin = back.nodes.find((n) => n.name === node.name);
      expect(twin?.op, node.name).toBe('PAConv2D');
      expect(attrsB.get(node.name), node.name).toEqual(attrsA.get(node.name));
      const [ours, theirs] = [paParams(graph, node), paParams(back, twin!)];
      for (const key of Object.keys(ours)) {
        expect(theirs[key]?.shape, `${node.name} ${key}`).toEqual(ours[key]?.shape);
        expect(theirs[key]?.data, `${node.name} ${key}`).toEqual(ours[key]?.data);
      }
    }
    await expectSameOutputs(graph, back);
  });
});
