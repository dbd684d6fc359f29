import { type Graph, tensor, validateGraph } from '@pabnn/ir';
import {
  addConstant,
  cloneGraph,
  dropUnusedConstants,
  onlyReader,
  producersOf,
  readersOf,
} from './graph-edit.js';

/**
 * Folds every BatchNorm that is the only reader of a convolution's output into it:
 * - Conv2D / DepthwiseConv2D: W'[o] = W[o] k[o], b' = b k + (beta - mean k), k = gamma / sqrt(var + eps)
 * - PAConv2D: into its fused epilogue, scale' = scale k, bias' = (bias - mean) k + beta
 *   (the binary weights stay untouched).
 * Exact up to float rounding. Returns a new graph and how many were folded.
 */
export function foldBatchNorm(input: Graph): { graph: Graph; folded: number } {
  const graph = cloneGraph(input);
  const { order } = validateGraph(graph);
  const readers = readersOf(graph);
  const producers = producersOf(graph);
  const removed = new Set<string>();
  let folded = 0;
  for (const { node: bn, attrs } of order) {
    if (bn.op !== 'BatchNorm') continue;
    const conv = producers.get(bn.inputs[0]);
    if (
      !conv ||
      !['Conv2D', 'DepthwiseConv2D', 'PAConv2D'].includes(conv.op) ||
      !onlyReader(graph, readers, bn.inputs[0], bn)
    )
      continue;
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((v) => graph.constants.get(v));
    if (!gamma || !beta || !mean || !variance) continue;
    const eps = attrs.epsilon as number;
    const c = gamma.data.length;
    const k = Float64Array.from(
      { length: c },
      (_, i) => gamma.data[i] / Math.sqrt(variance.data[i] + eps),
    );
    if (conv.op === 'PAConv2D') {
      const scale = conv.inputs[6] ? graph.constants.get(conv.inputs[6]) : undefined;
      const bias = conv.inputs[7] ? graph.constants.get(conv.inputs[7]) : undefined;
      if (
        (conv.inputs[6] && !scale) ||
        (conv.inputs[7] && !bias) ||
        (conv.attrs.activation ?? 'none') !== 'none'
      )
        continue;
      const s = Float32Array.from(k, (kk, i) => (scale ? scale.data[i] : 1) * kk);
      const b = Float32Array.from(
        k,
        (kk, i) => ((bias ? bias.data[i] : 0) - mean.data[i]) * kk + beta.data[i],
      );
      while (conv.inputs.length < 8) conv.inputs.push('');
      conv.inputs[6] = addConstant(graph, `${conv.name}/scale`, tensor('float32', [c], s));
      conv.inputs[7] = addConstant(graph, `${conv.name}/bias`, tensor('float32', [c], b));
    } else {
      const w = graph.constants.get(conv.inputs[1]);
      const bias = conv.inputs[2] ? graph.constants.get(conv.inputs[2]) : undefined;
      if (!w || (conv.inputs[2] && !bias)) continue;
      const inner = w.data.length / c;
      const nw = Float32Array.from(w.data, (v, i) => v * k[Math.floor(i / inner)]);
      const nb = Float32Array.from(
        k,
        (kk, i) => (bias ? bias.data[i] : 0) * kk + beta.data[i] - mean.data[i] * kk,
      );
      conv.inputs[1] = addConstant(
        graph,
        `${conv.name}/weight_folded`,
        tensor('float32', [...w.shape], nw),
      );
      conv.inputs[2] = addConstant(graph, `${conv.name}/bias_folded`, tensor('float32', [c], nb));
    }
    conv.outputs[0] = bn.outputs[0];
    removed.add(bn.name);
    folded++;
  }
  graph.nodes = graph.nodes.filter((n) => !removed.has(n.name));
  dropUnusedConstants(graph);
  validateGraph(graph);
  return { graph, folded };
}
