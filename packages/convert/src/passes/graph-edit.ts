import type { Graph, Node, Tensor } from '@pabnn/ir';

/** A deep-enough copy for passes: nodes and maps are new, tensors are shared until replaced. */
export function cloneGraph(graph: Graph): Graph {
  return {
    ...graph,
    inputs: graph.inputs.map((i) => ({ ...i })),
    outputs: [...graph.outputs],
    nodes: graph.nodes.map((n) => ({
      ...n,
      inputs: [...n.inputs],
      outputs: [...n.outputs],
      attrs: { ...n.attrs },
    })),
    constants: new Map(graph.constants),
    metadata: { ...graph.metadata },
  };
}

/** Nodes reading each value. */
export function readersOf(graph: Graph): Map<string, Node[]> {
  const readers = new Map<string, Node[]>();
  for (const n of graph.nodes)
    for (const v of n.inputs) if (v) readers.set(v, [...(readers.get(v) ?? []), n]);
  return readers;
}

export function producersOf(graph: Graph): Map<string, Node> {
  const producers = new Map<string, Node>();
  for (const n of graph.nodes) for (const v of n.outputs) producers.set(v, n);
  return producers;
}

/** True if `value` feeds only `node` and is not a graph output: it may be fused away. */
export function onlyReader(
  graph: Graph,
  readers: Map<string, Node[]>,
  value: string,
  node: Node,
): boolean {
  const list = readers.get(value) ?? [];
  return list.length === 1 && list[0] === node && !graph.outputs.includes(value);
}

/** Drops constants no node reads any more. */
export function dropUnusedConstants(graph: Graph): void {
  const used = new Set(graph.nodes.flatMap((n) => n.inputs));
  for (const name of [...graph.constants.keys()])
    if (!used.has(name) && !graph.outputs.includes(name)) graph.constants.delete(name);
}

/** Adds a constant under a fresh name derived from `base`. */
export function addConstant(graph: Graph, base: string, t: Tensor): string {
  let name = base;
  for (
    let i = 1;
    graph.constants.has(name) || graph.nodes.some((n) => n.outputs.includes(name));
    i++
  )
    name = `${base}_${i}`;
  graph.constants.set(name, t);
  return name;
}
