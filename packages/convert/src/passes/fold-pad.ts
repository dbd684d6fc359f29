import { type Graph, validateGraph } from '@pabnn/ir';
import { cloneGraph, onlyReader, producersOf, readersOf } from './graph-edit.js';

const CONVS = ['Conv2D', 'DepthwiseConv2D', 'PAConv2D'];

/**
 * Folds a zero Pad into the explicit padding of the convolution that alone reads it (Keras
 * writes ZeroPadding2D + a 'valid' conv). Exact: both pad with zeros. Pads before pooling
 * stay (MaxPool ignores padded taps, a zero Pad does not).
 */
export function foldPad(input: Graph): { graph: Graph; folded: number } {
  const graph = cloneGraph(input);
  validateGraph(graph);
  const readers = readersOf(graph);
  const producers = producersOf(graph);
  const removed = new Set<string>();
  for (const conv of graph.nodes) {
    const mode = conv.attrs.padding ?? 'explicit';
    if (!CONVS.includes(conv.op) || mode === 'same') continue; // 'valid' is explicit zero pads
    const pad = producers.get(conv.inputs[0]);
    if (!pad || pad.op !== 'Pad' || !onlyReader(graph, readers, conv.inputs[0], conv)) continue;
    // only zeros are what a conv's own padding adds
    if ((pad.attrs.mode ?? 'constant') !== 'constant' || (pad.attrs.value ?? 0) !== 0) continue;
    const [t, l, b, r] = pad.attrs.pads as number[];
    const own =
      mode === 'valid' ? [0, 0, 0, 0] : ((conv.attrs.pads as number[] | undefined) ?? [0, 0, 0, 0]);
    conv.attrs.pads = [own[0] + t, own[1] + l, own[2] + b, own[3] + r];
    conv.attrs.padding = 'explicit';
    conv.inputs[0] = pad.inputs[0];
    removed.add(pad.name);
  }
  graph.nodes = graph.nodes.filter((n) => !removed.has(n.name));
  validateGraph(graph);
  return { graph, folded: removed.size };
}
