import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import type { Graph, Node, Tensor } from '@pabnn/ir';
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

/** Runs a graph on one backend (others fall back to js) and returns its outputs. */
export async function runOn(
  graph: Graph,
  backend: string,
  feeds: Record<string, Tensor>,
): Promise<Record<string, Float32Array>> {
  const session = await Session.create(graph, { backend });
  const out = await session.run(feeds);
  session.dispose();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
}
