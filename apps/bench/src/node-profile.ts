import type { Tensor } from '@pabnn/ir';
import type { Session } from '@pabnn/runtime';

/** Mean wall time per node over `runs` runs (after `warmup`), from the session's profile. */
export interface NodeTime {
  node: string;
  op: string;
  ms: number;
}

/**
 * Where a model's time goes: each node's mean time over many runs of one input (the runtime
 * times every node of a run: Session#profile). The per-node sum is below the run's time by
 * the runtime's own work (feeds, plans, download).
 */
export async function profileNodes(
  session: Session,
  feeds: Record<string, Tensor>,
  { warmup = 50, runs = 300 } = {},
): Promise<{ nodes: NodeTime[]; runMs: number }> {
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const sums = new Map<string, NodeTime>();
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    total += performance.now() - t0;
    for (const n of session.profile().nodes) {
      const s = sums.get(n.node) ?? { node: n.node, op: n.op, ms: 0 };
      s.ms += n.ms;
      sums.set(n.node, s);
    }
  }
  return {
    nodes: [...sums.values()].map((s) => ({ ...s, ms: s.ms / runs })),
    runMs: total / runs,
  };
}
