import { type Graph, type Node, type Tensor, validateGraph } from '@pabnn/ir';
import {
  calibrateActivations,
  calibrateFromBatchNorm,
  type QuantizerConfig,
  quantizeWeights,
  type ThresholdStrategy,
} from '@pabnn/quantizer';
import { Session } from '@pabnn/runtime';
import { ConvertError } from '../errors.js';
import { addConstant, cloneGraph, dropUnusedConstants, producersOf } from '../passes/graph-edit.js';
import { statsFromBatchNorm } from './activation-stats.js';

export interface PTQOptions {
  /** 'pa' (default), 'abc' or 'xnor'. */
  scheme?: 'pa' | 'abc' | 'xnor';
  /** M, default 4 (xnor: 1). */
  weightBases?: number;
  /** N, default 5 (xnor: 1). */
  activationBases?: number;
  /** PA threshold strategy for weights and activations. Default 'optimal'. */
  strategy?: ThresholdStrategy;
  /** 'batchnorm' (data-free, default) or sample inputs to run the float model on. */
  calibration?: 'batchnorm' | { inputs: Record<string, Tensor>[]; backend?: string };
  /** Keep convs that read a graph input in float (the usual convention). Default true. */
  keepFirst?: boolean;
  /** Binarize 1x1 convs with stride > 1 (ResNet downsampling). Default true. */
  binarizeDownsample?: boolean;
  onProgress?: (done: number, total: number, layer: string) => void;
}

function isFirst(node: Node, producers: Map<string, Node>, graph: Graph): boolean {
  let value = node.inputs[0];
  for (let p = producers.get(value); p && p.op === 'Pad'; p = producers.get(value))
    value = p.inputs[0];
  return graph.inputs.some((i) => i.name === value);
}

/**
 * Post-training quantization: every eligible Conv2D of a float graph becomes a PAConv2D whose
 * weights are quantized per output channel and whose activation staircase is calibrated
 * data-free from upstream BatchNorm statistics, or from the activations of sample inputs.
 * The quantization settings are recorded in the graph's metadata.
 */
export async function quantizeGraph(input: Graph, options: PTQOptions = {}): Promise<Graph> {
  const scheme = options.scheme ?? 'pa';
  const m = scheme === 'xnor' ? 1 : (options.weightBases ?? 4);
  const n = scheme === 'xnor' ? 1 : (options.activationBases ?? 5);
  const quantizer = (bases: number): QuantizerConfig =>
    scheme === 'pa'
      ? { name: 'pa', bases, strategy: options.strategy ?? 'optimal' }
      : { name: scheme, bases };
  const graph = cloneGraph(input);
  validateGraph(graph);
  const producers = producersOf(graph);
  const targets = graph.nodes.filter((node) => {
    if (node.op !== 'Conv2D' || !graph.constants.has(node.inputs[1])) return false;
    if ((options.keepFirst ?? true) && isFirst(node, producers, graph)) return false;
    const w = graph.constants.get(node.inputs[1])!;
    const downsample =
      w.shape[1] === 1 &&
      w.shape[2] === 1 &&
      ((node.attrs.strides as number[] | undefined) ?? [1, 1]).some((s) => s > 1);
    return !(downsample && options.binarizeDownsample === false);
  });
  if (targets.length === 0)
    throw new ConvertError('ptq', 'the graph has no convolution to quantize');

  // sample activations of every target's input, when calibrating from data
  const samples = new Map<string, Float32Array>();
  if (options.calibration && options.calibration !== 'batchnorm') {
    const probe = cloneGraph(input);
    probe.outputs = [...new Set(targets.map((t) => t.inputs[0]))];
    const session = await Session.create(probe, { backend: options.calibration.backend });
    const parts = new Map<string, Float32Array[]>();
    for (const feeds of options.calibration.inputs) {
      const out = await session.run(feeds);
      for (const [k, t] of Object.entries(out))
        parts.set(k, [...(parts.get(k) ?? []), t.data as Float32Array]);
    }
    session.dispose();
    for (const [k, list] of parts) {
      const all = new Float32Array(list.reduce((s, a) => s + a.length, 0));
      let at = 0;
      for (const a of list) {
        all.set(a, at);
        at += a.length;
      }
      samples.set(k, all);
    }
  }

  targets.forEach((node, index) => {
    const w = graph.constants.get(node.inputs[1])!;
    const [, , , cinG] = w.shape;
    const cin = cinG * ((node.attrs.groups as number | undefined) ?? 1);
    const q = quantizeWeights(w.data, w.shape, quantizer(m));
    let act: ReturnType<typeof calibrateActivations>;
    const sample = samples.get(node.inputs[0]);
    if (sample) act = calibrateActivations(sample, cin, quantizer(n));
    else {
      const stats = statsFromBatchNorm(graph, producers, node.inputs[0], node.name);
      act = calibrateFromBatchNorm({ gamma: stats.std, beta: stats.mean }, quantizer(n), {
        relu: stats.relu,
      });
    }
    const c = (suffix: string, t: Tensor) => addConstant(graph, `${node.name}/${suffix}`, t);
    const bias = node.inputs[2];
    node.op = 'PAConv2D';
    node.inputs = [
      node.inputs[0],
      c('weight_bits', q.bits),
      c('weight_scales', q.scales),
      c('weight_offset', q.offset),
      c('act_thresholds', act.thresholds),
      c('act_levels', act.levels),
      ...(bias ? ['', bias] : []),
    ];
    node.attrs = { ...node.attrs, weightBases: m, activationBases: n };
    options.onProgress?.(index + 1, targets.length, node.name);
  });
  dropUnusedConstants(graph);
  graph.metadata = {
    ...graph.metadata,
    quantization: {
      scheme,
      weightBases: m,
      activationBases: n,
      strategy: scheme === 'pa' ? (options.strategy ?? 'optimal') : undefined,
      calibration:
        options.calibration === undefined || options.calibration === 'batchnorm'
          ? 'batchnorm'
          : 'data',
      layers: targets.map((t) => t.name),
    },
  };
  validateGraph(graph);
  return graph;
}
