import type { Graph } from '@pabnn/ir';

/**
 * What a model's speed depends on: its inputs' shapes, each node's op, attributes and wiring,
 * and the shape of every constant it reads, but not the constants' values (weights, scales,
 * thresholds): our kernels run the same loops whatever those hold, so two models with one key
 * run the same kernels on the same shapes. The Pareto report times each model on its own and
 * then gives every model of a key the key's lowest time: a model timed in one of this VM's slow
 * phases no longer looks slower than its twin (PA 3x3 at 1.2e-2 once took 0.81 ms against
 * 0.59 ms for the same architecture at 5e-4 in one run).
 */
export function architectureKey(graph: Graph): string {
  const shape = (name: string) => graph.constants.get(name)?.shape.join('x') ?? name;
  return JSON.stringify([
    graph.inputs.map((i) => [i.name, i.shape]),
    graph.nodes.map((n) => [n.op, n.attrs, n.inputs.map(shape), n.outputs]),
  ]);
}

/** For each (key, time), the lowest time of all entries with that key. */
export function lowestPerArchitecture(times: { key: string; ms: number }[]): number[] {
  const best = new Map<string, number>();
  for (const t of times)
    best.set(t.key, Math.min(best.get(t.key) ?? Number.POSITIVE_INFINITY, t.ms));
  return times.map((t) => best.get(t.key)!);
}
