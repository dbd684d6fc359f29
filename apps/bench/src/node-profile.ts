import type { Tensor } from '@pabnn/ir';
import type { Session } from '@pabnn/runtime';

/** Median wall time per node over `runs` runs (after `warmup`), from the session's profile. */
export interface NodeTime {
  node: string;
  op: string;
  ms: number;
}

/**
 * Where a model's time goes: each node's median time over many runs of one input (the runtime
 * times every node of a run: Session#profile), and the median run. Medians, not means: this
 * shared VM has slow phases and other processes' bursts, whose outliers made a mean put a
 * quarter of a run on a 10 us node. The per-node sum is below the run's time by the runtime's
 * own work (feeds, plans, download).
 */
export async function profileNodes(
  session: Session,
  feeds: Record<string, Tensor>,
  { warmup = 50, runs = 300 } = {},
): Promise<{ nodes: NodeTime[]; runMs: number }> {
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const times = new Map<string, { node: string; op: string; ms: number[] }>();
  const total: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    total.push(performance.now() - t0);
    for (const n of session.profile().nodes) {
      const t = times.get(n.node) ?? { node: n.node, op: n.op, ms: [] };
      t.ms.push(n.ms);
      times.set(n.node, t);
    }
  }
  return {
    nodes: [...times.values()].map((t) => ({ node: t.node, op: t.op, ms: median(t.ms) })),
    runMs: median(total),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
