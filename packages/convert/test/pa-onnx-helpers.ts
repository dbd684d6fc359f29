import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { type Graph, GraphBuilder, type Node, type Tensor, tensor } from '@pabnn/ir';
import { packBits } from '@pabnn/quantizer';
import { Session } from '@pabnn/runtime';

/** The op of every node, counted: what "the same node kinds" compares. */
export function opCounts(graph: Graph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of graph.nodes) counts[n.op] = (counts[n.op] ?? 0) + 1;
  return counts;
}

export const paNodes = (graph: Graph): Node[] => graph.nodes.filter((n) => n.op === 'PAConv2D');

/** A PAConv2D's constant inputs by schema name (scale and bias when present). */
export function paParams(graph: Graph, node: Node): Record<string, Tensor | undefined> {
  const names = ['x', 'weightBits', 'weightScales', 'weightOffset', 'actThresholds', 'actLevels'];
  const params: Record<string, Tensor | undefined> = {};
  for (const [i, name] of [...names, 'scale', 'bias'].entries())
    if (i > 0) params[name] = node.inputs[i] ? graph.constants.get(node.inputs[i]) : undefined;
  return params;
}

/** Runs a graph on one backend (never another if it fails to start) and returns its outputs. */
export async function runOn(
  graph: Graph,
  backend: string,
  feeds: Record<string, Tensor>,
): Promise<Record<string, Float32Array>> {
  const session = await Session.create(graph, { backend, fallback: false });
  const out = await session.run(feeds);
  session.dispose();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
}

/**
 * One grouped, dilated, strided PAConv2D with per-channel thresholds and hardtanh, then a
 * relu one with a bias only. Weights are thermometer codes with dyadic levels, so that the
 * dequantized form refits to exactly these bits, scales and offsets.
 */
export function handBuilt(): Graph {
  const g = new GraphBuilder('pa-pattern');
  const x = g.input('image', 'float32', [-1, 9, 9, 4]);
  const [m, cout, k, cinG] = [3, 6, 3, 2];
  const size = cout * k * k * cinG;
  const flags = new Uint8Array(m * size);
  for (let e = 0; e < size; e++) {
    const level = (e * 7 + Math.floor(e / 5)) % (m + 1); // every level in every channel
    for (let j = 1; j <= m; j++) if (level < j) flags[(j - 1) * size + e] = 1;
  }
  const scales = Float32Array.from({ length: cout * m }, (_, i) => 0.125 * (1 + (i % 4)));
  const offset = Float32Array.from({ length: cout }, (_, o) => 0.25 * (o - 2));
  const thresholds = Float32Array.from({ length: 4 * 2 }, (_, i) => (i % 2 ? 0.3 : -0.2) + i / 40);
  const levels = Float32Array.from({ length: 4 * 3 }, (_, i) => (i % 3) - 1 + i / 50);
  const y = g.paConv2d(
    x,
    {
      weightBits: tensor('bits', [m, cout, k, k, cinG], packBits(flags, [m, cout, k, k, cinG])),
      weightScales: tensor('float32', [cout, m], scales),
      weightOffset: tensor('float32', [cout], offset),
      actThresholds: tensor('float32', [4, 2], thresholds),
      actLevels: tensor('float32', [4, 3], levels),
      scale: tensor(
        'float32',
        [cout],
        Float32Array.from({ length: cout }, (_, o) => 0.5 + o / 8),
      ),
      bias: tensor(
        'float32',
        [cout],
        Float32Array.from({ length: cout }, (_, o) => o / 10 - 0.2),
      ),
    },
    {
      weightBases: m,
      activationBases: 2,
      groups: 2,
      dilation: 2,
      stride: 2,
      padding: [2, 1, 2, 2],
      activation: 'hardtanh',
      name: 'grouped',
    },
  );
  const z = g.paConv2d(
    y,
    {
      weightBits: tensor(
        'bits',
        [1, 4, 1, 1, 6],
        packBits(
          Array.from({ length: 24 }, (_, i) => ((i * 5) % 3 === 0 ? 1 : 0)), // both signs per channel
          [1, 4, 1, 1, 6],
        ),
      ),
      weightScales: tensor('float32', [4, 1], [0.5, 0.25, 1, 0.75]),
      weightOffset: tensor('float32', [4], [0, 0.5, 0, -0.25]),
      actThresholds: tensor('float32', [1], [0.0137]), // off the dyadic grid: no ties
      actLevels: tensor('float32', [2], [-1, 1]),
      bias: tensor('float32', [4], [0.1, -0.2, 0.3, 0]),
    },
    { weightBases: 1, activationBases: 1, activation: 'relu', name: 'pointwise' },
  );
  g.output(g.globalAvgPool(z, { name: 'pooled' }));
  return g.build();
}
